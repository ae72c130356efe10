package io.dropwise.supervisor.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

class RestartIntensityTest {

    private static final Instant T0 = Instant.parse("2026-11-27T09:00:00Z");

    @Test
    void atMostNRestartsWithinThePeriodThenEscalate() {
        RestartIntensity i = new RestartIntensity(3, Duration.ofSeconds(30));
        assertTrue(i.mayRestart(T0));
        assertTrue(i.mayRestart(T0.plusSeconds(5)));
        assertTrue(i.mayRestart(T0.plusSeconds(10)));
        assertFalse(i.mayRestart(T0.plusSeconds(15)), "a fourth failure within 30 s: escalate");
        assertEquals(3, i.recent(T0.plusSeconds(15)));
    }

    @Test
    void failuresSpreadOutInTimeKeepBeingRestarted() {
        RestartIntensity i = new RestartIntensity(3, Duration.ofSeconds(30));
        for (int n = 0; n < 20; n++) {
            assertTrue(i.mayRestart(T0.plusSeconds(11L * n)), "failure " + n + " at +" + 11 * n + " s: at most 3 within any 30 s");
        }
    }

    @Test
    void noRestartsAtAllMeansEscalateAtOnce() {
        assertFalse(new RestartIntensity(0, Duration.ofSeconds(30)).mayRestart(T0));
    }
}
