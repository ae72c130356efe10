package io.dropwise.http.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

class InFlightRequestsTest {

    @Test
    void drainWaitsForRunningRequestsAndTurnsNewOnesAway() throws Exception {
        InFlightRequests inFlight = new InFlightRequests();
        int running = 8;
        CountDownLatch entered = new CountDownLatch(running);
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(running);
        try {
            for (int i = 0; i < running; i++) {
                pool.submit(() -> {
                    assertTrue(inFlight.enter());
                    entered.countDown();
                    release.await();
                    inFlight.exit();
                    return null;
                });
            }
            assertTrue(entered.await(5, TimeUnit.SECONDS));
            assertEquals(running, inFlight.running());

            ExecutorService drainer = Executors.newSingleThreadExecutor();
            Future<Integer> drained = drainer.submit(() -> inFlight.drain(10, TimeUnit.SECONDS));
            Thread.sleep(100);
            assertFalse(drained.isDone(), "drain returns only when the running requests are done");
            assertFalse(inFlight.enter(), "no new request is taken while draining");

            release.countDown();
            assertEquals(0, drained.get(5, TimeUnit.SECONDS));
            assertEquals(0, inFlight.running());
            drainer.shutdown();
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void drainIsBoundedWhenARequestNeverEnds() throws Exception {
        InFlightRequests inFlight = new InFlightRequests();
        assertTrue(inFlight.enter());
        long start = System.nanoTime();
        assertEquals(1, inFlight.drain(200, TimeUnit.MILLISECONDS));
        long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(tookMillis >= 150 && tookMillis < 5_000, "took " + tookMillis + " ms");
    }
}
