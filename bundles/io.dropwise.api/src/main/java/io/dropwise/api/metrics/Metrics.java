package io.dropwise.api.metrics;

import java.util.Map;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Where a {@link MetricsSource} writes. One name is one metric family: the same name must always
 * come with the same help, type and label names. Labels are written in the order given.
 */
@ProviderType
public interface Metrics {

    /** A value that only goes up (since the process or the bundle started). */
    void counter(String name, String help, Map<String, String> labels, double value);

    /** A value that goes up and down. */
    void gauge(String name, String help, Map<String, String> labels, double value);

    /**
     * A histogram.
     *
     * @param upperBounds the buckets' upper bounds, ascending (the {@code +Inf} bucket is added)
     * @param cumulativeCounts observations at or below each bound, same length as {@code upperBounds}
     * @param sum the sum of every observation
     * @param count every observation (the {@code +Inf} bucket)
     */
    void histogram(String name, String help, Map<String, String> labels, double[] upperBounds, long[] cumulativeCounts, double sum,
            long count);
}
