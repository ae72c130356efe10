package io.dropwise.claims.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.dropwise.api.drops.RulePluginStatus;

@Timeout(30)
class RuleIsolationTest {

    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-11-27T09:00:00Z"));
    private final Clock clock = new Clock() {
        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }
    };
    private final RuleIsolation isolation = new RuleIsolation(new RuleIsolation.Settings(Duration.ofMillis(100), 2, 1, 3,
            Duration.ofSeconds(10)), clock);
    private final CountDownLatch never = new CountDownLatch(1);

    @AfterEach
    void close() {
        never.countDown();
        isolation.close();
    }

    private RulePluginStatus status(String bundle) {
        return isolation.status().stream().filter(s -> s.bundle().equals(bundle)).findFirst().orElseThrow();
    }

    @Test
    void aThrowingRuleIsAFailureWithItsCause() {
        RuleIsolation.RuleFailure f = assertThrows(RuleIsolation.RuleFailure.class,
                () -> isolation.call("com.example.rules", "1.0.0", () -> {
                    throw new IllegalStateException("boom");
                }));
        assertTrue(f.getMessage().contains("boom"), f.getMessage());
        assertEquals(1, status("com.example.rules").failures());
    }

    @Test
    void aHangingRuleCostsTheCallerItsBudgetOnly() throws Exception {
        long started = System.nanoTime();
        RuleIsolation.RuleFailure f = assertThrows(RuleIsolation.RuleFailure.class,
                () -> isolation.call("com.example.hangs", "1.0.0", () -> {
                    never.await();
                    return "never";
                }));
        long waitedMillis = (System.nanoTime() - started) / 1_000_000;
        assertTrue(f.getMessage().contains("within 100 ms"), f.getMessage());
        assertTrue(waitedMillis < 5_000, "the caller came back (after " + waitedMillis + " ms), it did not hang with the rule");
        assertEquals(1, status("com.example.hangs").timeouts());
    }

    @Test
    void failuresInARowOpenTheCircuitThenATrialClosesIt() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        AtomicReference<Boolean> healthy = new AtomicReference<>(false);
        java.util.concurrent.Callable<String> rule = () -> {
            calls.incrementAndGet();
            if (!healthy.get()) {
                throw new IllegalStateException("down");
            }
            return "ok";
        };
        for (int i = 0; i < 3; i++) {
            assertThrows(RuleIsolation.RuleFailure.class, () -> isolation.call("com.example.flaky", "1.0.0", rule));
        }
        assertEquals("open", status("com.example.flaky").circuit());
        healthy.set(true);
        RuleIsolation.RuleFailure fast = assertThrows(RuleIsolation.RuleFailure.class,
                () -> isolation.call("com.example.flaky", "1.0.0", rule));
        assertTrue(fast.getMessage().contains("circuit is open"), fast.getMessage());
        assertEquals(3, calls.get(), "an open circuit does not call the plugin");

        now.set(now.get().plusSeconds(11));
        assertEquals("half-open", status("com.example.flaky").circuit());
        assertEquals("ok", isolation.call("com.example.flaky", "1.0.0", rule), "the trial call goes through");
        assertEquals("closed", status("com.example.flaky").circuit());
        assertEquals("ok", isolation.call("com.example.flaky", "1.0.0", rule));
    }

    @Test
    void aSaturatedPluginIsRefusedAtOnceAndOthersAreNotAffected() throws Exception {
        try (RuleIsolation tolerant = new RuleIsolation(new RuleIsolation.Settings(Duration.ofMillis(100), 2, 1, 1_000,
                Duration.ofSeconds(10)), clock)) {
            // a rule that hangs and ignores interruption (the caller's cancel cannot free its thread)
            java.util.concurrent.Callable<String> hangs = () -> {
                while (true) {
                    try {
                        never.await();
                        return "released";
                    } catch (InterruptedException ignored) {
                        // keeps hanging
                    }
                }
            };
            // its 2 threads and its 1 waiting place are taken by calls that hang (each caller gave up after 100 ms)
            for (int i = 0; i < 3; i++) {
                assertThrows(RuleIsolation.RuleFailure.class, () -> tolerant.call("com.example.stuck", "1.0.0", hangs));
            }
            RuleIsolation.RuleFailure full = assertThrows(RuleIsolation.RuleFailure.class,
                    () -> tolerant.call("com.example.stuck", "1.0.0", () -> "would answer"));
            assertTrue(full.getMessage().contains("all taken"), full.getMessage());
            RulePluginStatus stuck = tolerant.status().get(0);
            assertEquals(1, stuck.rejected());
            assertEquals(2, stuck.busyThreads());

            assertEquals("fine", tolerant.call("com.example.other", "1.0.0", () -> "fine"), "another plugin has threads of its own");
            assertEquals("fine", tolerant.call("com.example.stuck", "1.1.0", () -> "fine"), "so has another version of the same bundle");
            assertEquals("trusted", tolerant.call(RuleIsolation.TRUSTED, "1.0.0", () -> "trusted"), "built-ins run on the caller's thread");
        }
    }
}
