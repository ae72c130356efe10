package io.dropwise.api.metrics;

import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Durations in seconds, in fixed buckets from 1 ms to 10 s; recording is lock-free (one {@link
 * LongAdder} per bucket), so it can sit on the claim path.
 */
public final class LatencyHistogram {

    /** Upper bounds in seconds. */
    public static final double[] BOUNDS = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

    private static final long[] BOUNDS_NANOS = new long[BOUNDS.length];

    static {
        for (int i = 0; i < BOUNDS.length; i++) {
            BOUNDS_NANOS[i] = Math.round(BOUNDS[i] * 1e9);
        }
    }

    private final LongAdder[] buckets = new LongAdder[BOUNDS.length + 1];
    private final LongAdder sumNanos = new LongAdder();

    public LatencyHistogram() {
        for (int i = 0; i < buckets.length; i++) {
            buckets[i] = new LongAdder();
        }
    }

    /** Records one duration. */
    public void record(long nanos) {
        int i = 0;
        while (i < BOUNDS_NANOS.length && nanos > BOUNDS_NANOS[i]) {
            i++;
        }
        buckets[i].increment();
        sumNanos.add(Math.max(0, nanos));
    }

    /** Writes the histogram as one series of the family {@code name}. */
    public void writeTo(Metrics metrics, String name, String help, Map<String, String> labels) {
        long[] cumulative = new long[BOUNDS.length];
        long running = 0;
        for (int i = 0; i < BOUNDS.length; i++) {
            running += buckets[i].sum();
            cumulative[i] = running;
        }
        running += buckets[BOUNDS.length].sum();
        metrics.histogram(name, help, labels, BOUNDS.clone(), cumulative, sumNanos.sum() / 1e9, running);
    }
}
