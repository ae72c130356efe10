package io.dropwise.faults.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.dropwise.api.faults.Fault;
import io.dropwise.api.faults.FaultKind;
import io.dropwise.api.faults.FaultSpec;
import io.dropwise.api.faults.InjectedFaultException;
import io.dropwise.api.faults.InvalidFaultException;

@Timeout(30)
class FaultBookTest {

    /** Bundles 7 (io.dropwise.store) and 8 (io.dropwise.claims) are running; io.dropwise.faults is us. */
    private final Set<Long> running = ConcurrentHashMap.newKeySet();
    private final List<String> calls = new CopyOnWriteArrayList<>();
    private final ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1);
    private final FaultBook book;

    FaultBookTest() {
        running.add(7L);
        running.add(8L);
        FaultBook.Bundles bundles = new FaultBook.Bundles() {
            @Override
            public boolean installed(String name) {
                return List.of("io.dropwise.store", "io.dropwise.claims", "io.dropwise.faults").contains(name);
            }

            @Override
            public List<Long> active(String name) {
                long id = name.equals("io.dropwise.store") ? 7 : name.equals("io.dropwise.claims") ? 8 : 9;
                return running.contains(id) ? List.of(id) : List.of();
            }

            @Override
            public void stop(long id) {
                calls.add("stop " + id);
                running.remove(id);
            }

            @Override
            public void start(long id) {
                calls.add("start " + id);
                running.add(id);
            }
        };
        book = new FaultBook(Clock.systemUTC(), Duration.ofSeconds(60), bundles, "io.dropwise.faults", scheduler);
    }

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
    }

    private static FaultSpec spec(String bundle, FaultKind kind, long latency, double p, int seconds) {
        return new FaultSpec(bundle, kind, latency, p, Duration.ofSeconds(seconds));
    }

    @Test
    void anExceptionFaultFailsCallsIntoItsBundleOnly() throws Exception {
        book.cross("io.dropwise.store"); // nothing in force: nothing happens
        Fault f = book.inject(spec("io.dropwise.store", FaultKind.EXCEPTION, 0, 1, 30));
        InjectedFaultException e = assertThrows(InjectedFaultException.class, () -> book.cross("io.dropwise.store"));
        assertTrue(e.getMessage().contains(f.id()), e.getMessage());
        book.cross("io.dropwise.claims"); // another bundle is not affected
        assertTrue(book.end(f.id()));
        book.cross("io.dropwise.store");
        assertFalse(book.end(f.id()), "already ended");
    }

    @Test
    void aLatencyFaultDelaysEachCall() throws Exception {
        book.inject(spec("io.dropwise.claims", FaultKind.LATENCY, 150, 1, 30));
        long t0 = System.nanoTime();
        book.cross("io.dropwise.claims");
        book.cross("io.dropwise.claims");
        assertTrue(System.nanoTime() - t0 >= TimeUnit.MILLISECONDS.toNanos(300), "each call waited 150 ms");
    }

    @Test
    void aProbabilityAffectsSomeCallsOnly() throws Exception {
        book.inject(spec("io.dropwise.store", FaultKind.EXCEPTION, 0, 0.5, 30));
        int failed = 0;
        for (int i = 0; i < 1_000; i++) {
            try {
                book.cross("io.dropwise.store");
            } catch (InjectedFaultException e) {
                failed++;
            }
        }
        assertTrue(failed > 300 && failed < 700, failed + " of 1000 failed");
    }

    @Test
    void aStoppedBundleIsStartedAgainWhenItsFaultEndsByItself() throws Exception {
        Fault f = book.inject(spec("io.dropwise.claims", FaultKind.STOP, 0, 1, 1));
        InvalidFaultException twice = assertThrows(InvalidFaultException.class,
                () -> book.inject(spec("io.dropwise.claims", FaultKind.STOP, 0, 1, 5)));
        assertTrue(twice.conflict(), twice.getMessage());
        assertTrue(twice.getMessage().contains(f.id()), twice.getMessage());
        while (!book.active().isEmpty() || !running.contains(8L)) {
            Thread.sleep(20);
        }
        assertEquals(List.of("stop 8", "start 8"), calls);
    }

    @Test
    void aBundleThatIsNotRunningCannotBeStopped() {
        running.remove(7L);
        InvalidFaultException e = assertThrows(InvalidFaultException.class,
                () -> book.inject(spec("io.dropwise.store", FaultKind.STOP, 0, 1, 5)));
        assertTrue(e.conflict());
        assertTrue(book.active().isEmpty());
    }

    @Test
    void closingEndsEveryFaultAndStartsStoppedBundles() throws Exception {
        book.inject(spec("io.dropwise.store", FaultKind.STOP, 0, 1, 60));
        book.inject(spec("io.dropwise.claims", FaultKind.EXCEPTION, 0, 1, 60));
        while (running.contains(7L)) {
            Thread.sleep(20);
        }
        book.close();
        assertTrue(book.active().isEmpty());
        assertTrue(running.contains(7L), "started again");
        book.cross("io.dropwise.claims");
        InvalidFaultException after = assertThrows(InvalidFaultException.class,
                () -> book.inject(spec("io.dropwise.claims", FaultKind.EXCEPTION, 0, 1, 5)));
        assertTrue(after.conflict());
    }

    @Test
    void faultsOutOfBoundsAreRefusedWithTheReason() {
        assertRefused(spec("com.example.nope", FaultKind.EXCEPTION, 0, 1, 5), "no bundle named com.example.nope");
        assertRefused(spec(" ", FaultKind.EXCEPTION, 0, 1, 5), "name the bundle");
        assertRefused(spec("io.dropwise.store", null, 0, 1, 5), "which kind");
        assertRefused(spec("io.dropwise.store", FaultKind.LATENCY, 0, 1, 5), "latencyMillis must be from 1");
        assertRefused(spec("io.dropwise.store", FaultKind.LATENCY, 60_001, 1, 5), "latencyMillis must be from 1");
        assertRefused(spec("io.dropwise.store", FaultKind.EXCEPTION, 10, 1, 5), "only for latency");
        assertRefused(spec("io.dropwise.store", FaultKind.EXCEPTION, 0, 0, 5), "probability");
        assertRefused(spec("io.dropwise.store", FaultKind.EXCEPTION, 0, 1.5, 5), "probability");
        assertRefused(spec("io.dropwise.store", FaultKind.EXCEPTION, 0, Double.NaN, 5), "probability");
        assertRefused(spec("io.dropwise.store", FaultKind.EXCEPTION, 0, 1, 0), "seconds must be from 1 to 60");
        assertRefused(spec("io.dropwise.store", FaultKind.EXCEPTION, 0, 1, 61), "seconds must be from 1 to 60");
        assertRefused(spec("io.dropwise.faults", FaultKind.STOP, 0, 1, 5), "cannot be stopped");
        assertTrue(book.active().isEmpty());
    }

    private void assertRefused(FaultSpec spec, String reason) {
        InvalidFaultException e = assertThrows(InvalidFaultException.class, () -> book.inject(spec));
        assertTrue(e.getMessage().contains(reason), e.getMessage());
        assertFalse(e.conflict(), e.getMessage());
    }

    @Test
    void atMostSoManyFaultsAtOnce() throws Exception {
        for (int i = 0; i < FaultBook.MAX_ACTIVE; i++) {
            book.inject(spec("io.dropwise.store", FaultKind.LATENCY, 1, 0.01, 30));
        }
        InvalidFaultException e = assertThrows(InvalidFaultException.class,
                () -> book.inject(spec("io.dropwise.store", FaultKind.LATENCY, 1, 0.01, 30)));
        assertTrue(e.conflict());
    }
}
