/**
 * Metrics: each bundle registers a {@link io.dropwise.api.metrics.MetricsSource} that writes its
 * own figures to a {@link io.dropwise.api.metrics.Metrics} when {@code /metrics} is scraped; the
 * metrics bundle turns them into the Prometheus text format. {@link
 * io.dropwise.api.metrics.LatencyHistogram} is the shared, lock-free latency histogram.
 */
@Export
@Version("1.0.0")
package io.dropwise.api.metrics;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
