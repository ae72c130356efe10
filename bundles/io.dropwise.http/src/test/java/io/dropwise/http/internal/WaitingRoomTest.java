package io.dropwise.http.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The waiting room with real threads: order, bounds, estimates, and stopping. */
@Timeout(30)
class WaitingRoomTest {

    private final ExecutorService threads = Executors.newCachedThreadPool();

    @AfterEach
    void stopThreads() throws InterruptedException {
        threads.shutdownNow();
        assertTrue(threads.awaitTermination(10, TimeUnit.SECONDS));
    }

    /** Starts a claim that enters the room on its own thread and waits until it is in line (or past the door). */
    private Future<WaitingRoom.Entry> arrive(WaitingRoom room, int expectedWaiting) throws InterruptedException {
        Future<WaitingRoom.Entry> f = threads.submit(room::enter);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (room.waiting() < expectedWaiting && !f.isDone()) {
            assertTrue(System.nanoTime() < deadline, "the claim did not get in line");
            Thread.sleep(1);
        }
        return f;
    }

    @Test
    void freedSlotsGoToTheWaitingClaimsInTheOrderTheyCame() throws Exception {
        WaitingRoom room = new WaitingRoom(1, 10, 10_000, System::nanoTime);
        assertInstanceOf(WaitingRoom.Admitted.class, room.enter());
        List<Integer> order = new CopyOnWriteArrayList<>();
        List<Future<?>> waiting = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            int me = i;
            Future<WaitingRoom.Entry> entered = arrive(room, i + 1); // each is in line before the next arrives
            waiting.add(threads.submit(() -> {
                WaitingRoom.Entry e = entered.get();
                order.add(me);
                assertInstanceOf(WaitingRoom.Admitted.class, e);
                assertTrue(((WaitingRoom.Admitted) e).waitedNanos() > 0);
                return null;
            }));
        }
        assertEquals(8, room.waiting());
        for (int i = 0; i < 8; i++) {
            room.leave(); // one slot at a time: exactly one more gets through
            int admitted = i + 1;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (order.size() < admitted) {
                assertTrue(System.nanoTime() < deadline, "nobody got the freed slot");
                Thread.sleep(1);
            }
            Thread.sleep(5);
            assertEquals(admitted, order.size(), "one freed slot admits one claim");
        }
        for (Future<?> f : waiting) {
            f.get(5, TimeUnit.SECONDS);
        }
        assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7), order, "first come, first served");
    }

    @Test
    void aNewcomerDoesNotTakeTheSlotOfSomeoneWaiting() throws Exception {
        WaitingRoom room = new WaitingRoom(1, 10, 10_000, System::nanoTime);
        assertInstanceOf(WaitingRoom.Admitted.class, room.enter());
        Future<WaitingRoom.Entry> first = arrive(room, 1);
        room.leave(); // handed to the one waiting...
        Future<WaitingRoom.Entry> newcomer = arrive(room, 1); // ...even if it has not woken yet: the newcomer gets in line
        assertInstanceOf(WaitingRoom.Admitted.class, first.get(5, TimeUnit.SECONDS));
        Thread.sleep(20);
        assertFalse(newcomer.isDone(), "the newcomer waits");
        assertEquals(1, room.waiting());
        room.leave();
        assertInstanceOf(WaitingRoom.Admitted.class, newcomer.get(5, TimeUnit.SECONDS), "the newcomer got the next slot, after the first");
    }

    @Test
    void aFullRoomTurnsClaimsAwayAtOnceWithTheirPlaceInLine() throws Exception {
        WaitingRoom room = new WaitingRoom(2, 3, 10_000, System::nanoTime);
        room.enter();
        room.enter();
        List<Future<WaitingRoom.Entry>> inLine = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            inLine.add(arrive(room, i));
        }
        WaitingRoom.Refused peek = room.refusedAtOnce();
        assertEquals(4, peek.position(), "the cheap check before the token says the same");
        long t0 = System.nanoTime();
        WaitingRoom.Entry fourth = room.enter();
        assertTrue(System.nanoTime() - t0 < TimeUnit.MILLISECONDS.toNanos(500), "turned away at once");
        WaitingRoom.Refused r = assertInstanceOf(WaitingRoom.Refused.class, fourth);
        assertTrue(r.full());
        assertEquals(4, r.position());
        assertTrue(r.retryAfterSeconds() >= 1);
        room.leave();
        assertEquals(null, room.refusedAtOnce(), "a place in line is free again");
        room.leave();
        room.leave();
        for (Future<WaitingRoom.Entry> f : inLine) {
            assertInstanceOf(WaitingRoom.Admitted.class, f.get(5, TimeUnit.SECONDS));
        }
    }

    @Test
    void theWaitIsBoundedAndTheRefusalSaysWhereTheClaimStood() throws Exception {
        WaitingRoom room = new WaitingRoom(1, 10, 200, System::nanoTime);
        room.enter();
        long t0 = System.nanoTime();
        Future<WaitingRoom.Entry> first = arrive(room, 1);
        Future<WaitingRoom.Entry> second = arrive(room, 2);
        WaitingRoom.Refused r1 = assertInstanceOf(WaitingRoom.Refused.class, first.get(5, TimeUnit.SECONDS));
        WaitingRoom.Refused r2 = assertInstanceOf(WaitingRoom.Refused.class, second.get(5, TimeUnit.SECONDS));
        long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertTrue(took >= 200 && took < 2_000, "waited " + took + " ms for a 200 ms bound");
        assertEquals(1, r1.position());
        assertTrue(r2.position() <= 2 && !r2.full(), r2.toString());
        assertEquals(0, room.waiting(), "whoever gave up left the line");
        room.leave();
        assertInstanceOf(WaitingRoom.Admitted.class, room.enter(), "and the slot is free again");
    }

    @Test
    void withoutAWaitingRoomAClaimWithoutASlotIsTurnedAwayAtOnce() throws Exception {
        WaitingRoom room = new WaitingRoom(1, 64, 0, System::nanoTime);
        room.enter();
        WaitingRoom.Refused r = assertInstanceOf(WaitingRoom.Refused.class, room.enter());
        assertEquals(1, r.position());
        assertEquals(1, r.retryAfterSeconds());
    }

    @Test
    void retryAfterComesFromThePlaceInLineAndTheRecentRate() throws Exception {
        long[] now = {0};
        WaitingRoom room = new WaitingRoom(1, 0, 1, () -> now[0]);
        for (int i = 0; i < 300; i++) { // 10 decisions a second for 30 s
            room.enter();
            now[0] += 100_000_000L;
            room.leave();
        }
        assertEquals(10, room.decidedPerSecond(), 0.1);
        room.enter();
        WaitingRoom.Refused r = assertInstanceOf(WaitingRoom.Refused.class, room.enter());
        assertEquals(1, r.retryAfterSeconds(), "first in line at 10 a second: 1 s");
        WaitingRoom deep = new WaitingRoom(1, 3, 60_000, () -> now[0]);
        for (int i = 0; i < 10; i++) {
            deep.enter();
            now[0] += 1_000_000_000L; // one decision a second
            deep.leave();
        }
        deep.enter();
        List<Future<WaitingRoom.Entry>> line = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            line.add(arrive(deep, i));
        }
        WaitingRoom.Refused fourth = assertInstanceOf(WaitingRoom.Refused.class, deep.enter());
        assertEquals(4, fourth.position());
        assertEquals(4, fourth.retryAfterSeconds(), "fourth in line at one decision a second: 4 s");
        now[0] += 120_000_000_000L; // two quiet minutes: the recent rate falls, the estimate is capped
        WaitingRoom.Refused later = assertInstanceOf(WaitingRoom.Refused.class, deep.enter());
        assertEquals(WaitingRoom.MAX_RETRY_AFTER_SECONDS, later.retryAfterSeconds());
        deep.close();
        for (Future<WaitingRoom.Entry> f : line) {
            assertInstanceOf(WaitingRoom.Closed.class, f.get(5, TimeUnit.SECONDS));
        }
    }

    @Test
    void closingSendsTheWaitingClaimsAwayAtOnce() throws Exception {
        WaitingRoom room = new WaitingRoom(1, 10, 60_000, System::nanoTime);
        room.enter();
        Future<WaitingRoom.Entry> waiting = arrive(room, 1);
        CompletableFuture.runAsync(room::close, threads);
        assertInstanceOf(WaitingRoom.Closed.class, waiting.get(5, TimeUnit.SECONDS));
        assertInstanceOf(WaitingRoom.Closed.class, room.enter(), "and every later one");
        assertEquals(0, room.waiting());
    }

    @Test
    void aWaitingClaimWhoseThreadIsInterruptedLeavesTheLine() throws Exception {
        WaitingRoom room = new WaitingRoom(1, 10, 60_000, System::nanoTime);
        room.enter();
        Future<WaitingRoom.Entry> waiting = arrive(room, 1);
        waiting.cancel(true);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (room.waiting() > 0) {
            assertTrue(System.nanoTime() < deadline, "still in line");
            Thread.sleep(1);
        }
        room.leave();
        assertInstanceOf(WaitingRoom.Admitted.class, room.enter(), "the slot was not handed to the one who left");
    }
}
