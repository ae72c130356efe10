package io.dropwise.metrics.internal;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.servlet.whiteboard.HttpWhiteboardConstants;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.dropwise.api.metrics.Metrics;
import io.dropwise.api.metrics.MetricsSource;
import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * {@code GET /metrics}: the Prometheus text of every {@link MetricsSource}, plus the process's
 * memory, threads and uptime. Open like {@code /system/health} (scrape it from the internal
 * network; it names drops and plugins but no customer). A source that throws is left out of that
 * scrape and logged; the answer is always 200.
 */
@Component(service = Servlet.class, property = {
        HttpWhiteboardConstants.HTTP_WHITEBOARD_SERVLET_PATTERN + "=/metrics",
        HttpWhiteboardConstants.HTTP_WHITEBOARD_SERVLET_NAME + "=dropwise-metrics"
})
public final class MetricsServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private static final Logger LOG = LoggerFactory.getLogger(MetricsServlet.class);

    /** A source and the version of the bundle that registered it. */
    private record Source(MetricsSource source, String version) {
    }

    private final transient List<Source> sources = new CopyOnWriteArrayList<>();

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addSource(ServiceReference<MetricsSource> reference, MetricsSource source) {
        addSource(source, reference.getBundle().getVersion().toString());
    }

    void addSource(MetricsSource source, String version) {
        sources.add(new Source(source, version));
    }

    void removeSource(MetricsSource source) {
        sources.removeIf(s -> s.source() == source);
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        byte[] body = scrape().getBytes(StandardCharsets.UTF_8);
        response.setStatus(200);
        response.setContentType(CONTENT_TYPE);
        response.setHeader("Cache-Control", "no-store");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    String scrape() {
        PrometheusText out = new PrometheusText();
        for (Source s : sources) {
            try {
                // during a live upgrade two versions of a bundle answer side by side: the version label keeps their series apart
                s.source().collect(new Labelled(out, "version", s.version()));
            } catch (RuntimeException e) {
                LOG.warn("A metrics source failed and is left out of this scrape: {}", e.toString());
            }
        }
        process(out);
        out.counter("dropwise_metrics_rejected_total", "Samples left out of this scrape because they did not fit their family", Map.of(),
                out.rejected());
        return out.text();
    }

    /** Adds one label to every sample a source writes. */
    private record Labelled(Metrics out, String label, String value) implements Metrics {
        private Map<String, String> with(Map<String, String> labels) {
            Map<String, String> all = new LinkedHashMap<>(labels);
            all.putIfAbsent(label, value);
            return all;
        }

        @Override
        public void counter(String name, String help, Map<String, String> labels, double v) {
            out.counter(name, help, with(labels), v);
        }

        @Override
        public void gauge(String name, String help, Map<String, String> labels, double v) {
            out.gauge(name, help, with(labels), v);
        }

        @Override
        public void histogram(String name, String help, Map<String, String> labels, double[] upperBounds, long[] cumulativeCounts,
                double sum, long count) {
            out.histogram(name, help, with(labels), upperBounds, cumulativeCounts, sum, count);
        }
    }

    private static void process(PrometheusText out) {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        out.gauge("jvm_memory_used_bytes", "JVM memory in use", Map.of("area", "heap"), memory.getHeapMemoryUsage().getUsed());
        out.gauge("jvm_memory_used_bytes", "JVM memory in use", Map.of("area", "nonheap"), memory.getNonHeapMemoryUsage().getUsed());
        out.gauge("jvm_threads_live", "Live JVM threads", Map.of(), ManagementFactory.getThreadMXBean().getThreadCount());
        out.gauge("process_uptime_seconds", "Seconds since the JVM started", Map.of(), ManagementFactory.getRuntimeMXBean().getUptime() / 1000.0);
        long rss = residentBytes();
        if (rss > 0) {
            out.gauge("process_resident_memory_bytes", "Resident memory of the process", Map.of(), rss);
        }
    }

    /** @return VmRSS from /proc/self/status (Linux), or -1 */
    private static long residentBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: left out
        }
        return -1;
    }
}
