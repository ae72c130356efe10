package io.dropwise.runtime.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code GET /metrics} on the real server: valid Prometheus text (every sample line parses, no
 * series twice, one TYPE per family) whose figures agree with what the test did: claims by drop,
 * tier and outcome, HTTP requests by status class, store writes, deployments, the process.
 */
@Timeout(120)
class MetricsIT {

    /** name{labels} value */
    static final Pattern SAMPLE = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)\\})? (-?[0-9.eE+-]+|NaN|\\+Inf|-Inf)");
    static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    @RegisterExtension
    final KeepLogsOnFailure logs = new KeepLogsOnFailure();

    private final String secret = DropsClient.newTokenSecret();

    record Sample(String name, Map<String, String> labels, double value) {
    }

    @Test
    void metricsCountWhatHappened() throws Exception {
        try (DropwiseServer server = DropsClient.configure(DropwiseServer.builder().name("metrics").keepLogsWith(logs), secret).start()) {
            server.awaitReady(Duration.ofSeconds(30));
            DropsClient api = new DropsClient(server, secret);
            api.awaitApi(Duration.ofSeconds(20));
            String drop = api.createDrop(DropsClient.openStockDrop("Metrics drop", 3)).path("id").asText();
            for (int i = 0; i < 5; i++) {
                HttpResponse<String> r = api.claim(api.token("m-" + i, "vip"), drop, "k");
                assertEquals(i < 3 ? 201 : 409, r.statusCode(), r.body());
            }
            assertEquals(201, api.claim(api.token("m-0", "vip"), drop, "k").statusCode(), "a replay is not a new outcome");
            assertEquals(401, api.claim("not-a-token", drop, "k").statusCode());

            HttpResponse<String> scrape = server.get("/metrics");
            assertEquals(200, scrape.statusCode());
            assertTrue(scrape.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"),
                    scrape.headers().toString());
            Map<String, String> types = new HashMap<>();
            Set<String> series = new HashSet<>();
            java.util.List<Sample> samples = new java.util.ArrayList<>();
            for (String line : scrape.body().split("\n")) {
                if (line.startsWith("# TYPE ")) {
                    String[] p = line.split(" ");
                    assertTrue(types.put(p[2], p[3]) == null, "one TYPE line per family: " + line);
                    continue;
                }
                if (line.startsWith("#") || line.isEmpty()) {
                    continue;
                }
                Matcher m = SAMPLE.matcher(line);
                assertTrue(m.matches(), "a sample line that does not parse: " + line);
                assertTrue(series.add(m.group(1) + "{" + (m.group(3) == null ? "" : m.group(3)) + "}"), "a series twice: " + line);
                Map<String, String> labels = new LinkedHashMap<>();
                if (m.group(3) != null) {
                    Matcher l = LABEL.matcher(m.group(3));
                    while (l.find()) {
                        labels.put(l.group(1), l.group(2));
                    }
                }
                samples.add(new Sample(m.group(1), labels, Double.parseDouble(m.group(4).replace("+Inf", "Infinity"))));
            }
            System.out.printf("MetricsIT: %d samples in %d families%n", samples.size(), types.size());

            assertEquals(3, value(samples, "dropwise_claims_total", Map.of("drop", drop, "tier", "vip", "outcome", "claimed")));
            assertEquals(2, value(samples, "dropwise_claims_total", Map.of("drop", drop, "tier", "vip", "outcome", "sold-out")));
            assertEquals("counter", types.get("dropwise_claims_total"));
            assertTrue(value(samples, "dropwise_http_requests_total", Map.of("api", "customer", "code", "2xx")) >= 4);
            assertTrue(value(samples, "dropwise_http_requests_total", Map.of("api", "customer", "code", "4xx")) >= 3);
            assertTrue(value(samples, "dropwise_http_requests_total", Map.of("api", "admin", "code", "2xx")) >= 1);
            assertEquals("histogram", types.get("dropwise_http_request_seconds"));
            assertTrue(value(samples, "dropwise_http_request_seconds_count", Map.of("api", "customer")) >= 7);
            assertEquals(value(samples, "dropwise_http_request_seconds_count", Map.of("api", "customer")),
                    value(samples, "dropwise_http_request_seconds_bucket", Map.of("api", "customer", "le", "+Inf")));
            assertTrue(value(samples, "dropwise_store_write_seconds_count", Map.of()) >= 1, "the claims were written in batches");
            assertEquals(4, value(samples, "dropwise_store_written_claims_total", Map.of()), "3 new claims, 1 refused sold out by the store");
            assertEquals(0, value(samples, "dropwise_claims_waiting_room", Map.of()));
            assertEquals(0, value(samples, "dropwise_deployments", Map.of("state", "rolled-back")));
            assertTrue(value(samples, "process_resident_memory_bytes", Map.of()) > 10_000_000);
            assertEquals(0, value(samples, "dropwise_metrics_rejected_total", Map.of()), "every sample fitted its family");
            assertTrue(samples.stream().filter(s -> s.name().startsWith("dropwise_claims_total")).allMatch(s -> s.labels().containsKey("version")),
                    "series carry the version of the bundle that wrote them");
        }
    }

    /** @return the one sample of the family whose labels include these */
    private static double value(java.util.List<Sample> samples, String name, Map<String, String> labels) {
        java.util.List<Sample> found = samples.stream().filter(s -> s.name().equals(name) && s.labels().entrySet().containsAll(labels.entrySet()))
                .toList();
        assertEquals(1, found.size(), name + labels + ": " + found);
        return found.get(0).value();
    }
}
