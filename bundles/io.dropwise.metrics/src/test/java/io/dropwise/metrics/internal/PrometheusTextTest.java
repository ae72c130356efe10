package io.dropwise.metrics.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.dropwise.api.metrics.LatencyHistogram;

class PrometheusTextTest {

    @Test
    void familiesGetOneHelpAndTypeLineAndEscapedLabels() {
        PrometheusText out = new PrometheusText();
        Map<String, String> a = new LinkedHashMap<>();
        a.put("drop", "d-1");
        a.put("outcome", "claimed");
        out.counter("dropwise_claims_total", "Claims by outcome", a, 3);
        out.counter("dropwise_claims_total", "Claims by outcome", Map.of("drop", "we \"quote\"\\n\new", "outcome", "sold-out"), 2.5);
        out.gauge("dropwise_in_flight", "In flight", Map.of(), 7);
        String text = out.text();
        assertEquals(1, text.split("# TYPE dropwise_claims_total counter", -1).length - 1, text);
        assertTrue(text.contains("dropwise_claims_total{drop=\"d-1\",outcome=\"claimed\"} 3\n"), text);
        assertTrue(text.contains("drop=\"we \\\"quote\\\"\\\\n\\new\""), text);
        assertTrue(text.contains(" 2.5\n"), text);
        assertTrue(text.contains("# TYPE dropwise_in_flight gauge\ndropwise_in_flight 7\n"), text);
        assertEquals(0, out.rejected());
    }

    @Test
    void samplesThatDoNotFitAreLeftOutAndCounted() {
        PrometheusText out = new PrometheusText();
        out.counter("dropwise_x_total", "x", Map.of(), 1);
        out.gauge("dropwise_x_total", "x", Map.of(), 1); // another type under the same name
        out.counter("9bad name", "x", Map.of(), 1);
        out.counter("dropwise_y_total", "y", Map.of("bad-label", "v"), 1);
        out.counter("dropwise_z_total", "z", Map.of("le", "1"), 1);
        assertEquals(4, out.rejected());
        assertTrue(!out.text().contains("bad") && !out.text().contains("gauge"), out.text());
    }

    @Test
    void aHistogramHasCumulativeBucketsInfSumAndCount() {
        LatencyHistogram h = new LatencyHistogram();
        h.record(500_000); // 0.5 ms
        h.record(3_000_000); // 3 ms
        h.record(20_000_000_000L); // 20 s: only +Inf
        PrometheusText out = new PrometheusText();
        h.writeTo(out, "dropwise_claim_seconds", "Claim latency", Map.of("api", "customer"));
        String text = out.text();
        assertTrue(text.contains("dropwise_claim_seconds_bucket{api=\"customer\",le=\"0.001\"} 1\n"), text);
        assertTrue(text.contains("dropwise_claim_seconds_bucket{api=\"customer\",le=\"0.005\"} 2\n"), text);
        assertTrue(text.contains("dropwise_claim_seconds_bucket{api=\"customer\",le=\"10\"} 2\n"), text);
        assertTrue(text.contains("dropwise_claim_seconds_bucket{api=\"customer\",le=\"+Inf\"} 3\n"), text);
        assertTrue(text.contains("dropwise_claim_seconds_count{api=\"customer\"} 3\n"), text);
        assertTrue(text.contains("dropwise_claim_seconds_sum{api=\"customer\"} 20.0035\n"), text);
    }

    @Test
    void aFailingSourceIsLeftOutAndTheRestIsServed() {
        MetricsServlet servlet = new MetricsServlet();
        servlet.addSource(m -> {
            throw new IllegalStateException("broken source");
        }, "1.0.0");
        servlet.addSource(m -> m.gauge("dropwise_ok", "fine", Map.of(), 1), "0.1.0");
        servlet.addSource(m -> m.gauge("dropwise_ok", "fine", Map.of(), 2), "0.2.0"); // a new version, side by side during an upgrade
        String text = servlet.scrape();
        assertTrue(text.contains("dropwise_ok{version=\"0.1.0\"} 1\n"), text);
        assertTrue(text.contains("dropwise_ok{version=\"0.2.0\"} 2\n"), text);
        assertTrue(text.contains("jvm_threads_live"), text);
    }
}
