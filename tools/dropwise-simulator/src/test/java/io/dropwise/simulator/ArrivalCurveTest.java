package io.dropwise.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class ArrivalCurveTest {

    @Test
    void spikeAtTheOpeningThenExponentialDecay() {
        ArrivalCurve curve = new ArrivalCurve(Duration.ofSeconds(2), Duration.ofMinutes(15));
        int n = 100_000;
        int[] perSecond = new int[900];
        long previous = -1;
        for (int i = 0; i < n; i++) {
            long t = curve.offsetNanos(i, n);
            assertTrue(t >= previous, "sorted by rank");
            assertTrue(t >= 0 && t < Duration.ofMinutes(15).toNanos());
            previous = t;
            perSecond[(int) (t / 1_000_000_000L)]++;
        }
        // the busiest second is the first, and each second has fewer than the one before (while there are many)
        for (int s = 1; s < 10; s++) {
            assertTrue(perSecond[s] < perSecond[s - 1], "second " + s + ": " + perSecond[s] + " after " + perSecond[s - 1]);
        }
        // exp(-1/2) of the customers are still to come after one second: 39.3 % arrive in the first
        assertEquals(0.393, perSecond[0] / (double) n, 0.002);
        // 1 - exp(-3) = 95 % within three time constants
        int within6 = 0;
        for (int s = 0; s < 6; s++) {
            within6 += perSecond[s];
        }
        assertEquals(0.950, within6 / (double) n, 0.002);
        assertEquals(0.950, curve.shareWithin(Duration.ofSeconds(6)), 0.001);
    }

    @Test
    void truncatedAtTheWindow() {
        // a decay long against the window: nobody arrives after it, and the curve is renormalised
        ArrivalCurve curve = new ArrivalCurve(Duration.ofSeconds(10), Duration.ofSeconds(2));
        int n = 1_000;
        assertTrue(curve.offsetNanos(n - 1, n) < Duration.ofSeconds(2).toNanos());
        assertTrue(curve.offsetNanos(n - 1, n) > Duration.ofMillis(1_900).toNanos(), "the last ones arrive near the end of the window");
        assertEquals(1.0, curve.shareWithin(Duration.ofSeconds(2)), 1e-9);
        assertEquals(1.0, curve.shareWithin(Duration.ofHours(1)), 1e-9);
    }

    @Test
    void oneCustomerAndBadArguments() {
        ArrivalCurve curve = new ArrivalCurve(Duration.ofSeconds(1), Duration.ofSeconds(10));
        long only = curve.offsetNanos(0, 1);
        assertEquals(-Math.log(0.5 + 0.5 * Math.exp(-10)), only / 1e9, 1e-6, "the median");
        assertThrows(IndexOutOfBoundsException.class, () -> curve.offsetNanos(1, 1));
        assertThrows(IllegalArgumentException.class, () -> new ArrivalCurve(Duration.ZERO, Duration.ofSeconds(1)));
        assertThrows(IllegalArgumentException.class, () -> new ArrivalCurve(Duration.ofSeconds(1), Duration.ofSeconds(-1)));
    }
}
