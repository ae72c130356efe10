package io.dropwise.metrics.internal;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.servlet.whiteboard.HttpWhiteboardConstants;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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

    private final transient List<MetricsSource> sources = new CopyOnWriteArrayList<>();

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addSource(MetricsSource source) {
        sources.add(source);
    }

    void removeSource(MetricsSource source) {
        sources.remove(source);
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
        for (MetricsSource s : sources) {
            try {
                s.collect(out);
            } catch (RuntimeException e) {
                LOG.warn("A metrics source failed and is left out of this scrape: {}", e.toString());
            }
        }
        process(out);
        out.counter("dropwise_metrics_rejected_total", "Samples left out of this scrape because they did not fit their family", Map.of(),
                out.rejected());
        return out.text();
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
