package io.dropwise.api.metrics;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A bundle's figures, written when {@code /metrics} is scraped. Cheap: it reads counters kept as
 * the work happens, never the database. Metric names start with {@code dropwise_}, in seconds and
 * bytes, counters end with {@code _total}.
 */
@ConsumerType
public interface MetricsSource {

    void collect(Metrics metrics);
}
