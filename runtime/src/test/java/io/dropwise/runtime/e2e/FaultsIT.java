package io.dropwise.runtime.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The fault-injection API ({@code /admin/v1/faults}): absent unless the server was started with
 * {@code DROPWISE_FAULTS_ENABLED=true}; admin only; refuses bad faults with the reason; and each
 * kind of fault really breaks the named bundle, for a bounded time, after which the server mends
 * by itself.
 */
@Timeout(180)
class FaultsIT {

    static final String VIEWER_PASSWORD = "e2e-Viewer-Password-7731";

    @RegisterExtension
    final KeepLogsOnFailure logs = new KeepLogsOnFailure();

    private final String secret = DropsClient.newTokenSecret();

    @Test
    void offUnlessEnabled() throws Exception {
        try (DropwiseServer server = DropsClient.configure(DropwiseServer.builder().name("faults-off").keepLogsWith(logs), secret).start()) {
            server.awaitReady(Duration.ofSeconds(30));
            DropsClient api = new DropsClient(server, secret);
            api.awaitApi(Duration.ofSeconds(20));
            HttpResponse<String> list = api.adminGet("/admin/v1/faults");
            assertEquals(404, list.statusCode(), list.body());
            assertEquals("faults-disabled", api.problem(list));
            assertTrue(list.body().contains("DROPWISE_FAULTS_ENABLED=true"), list.body());
            HttpResponse<String> post = api.postFault(Map.of("bundle", "io.dropwise.store", "kind", "exception", "seconds", 5));
            assertEquals(404, post.statusCode(), post.body());
            assertEquals("faults-disabled", api.problem(post));
        }
    }

    @Test
    void faultsBreakTheNamedBundleForABoundedTime() throws Exception {
        try (DropwiseServer server = DropsClient.configure(DropwiseServer.builder().name("faults").keepLogsWith(logs), secret)
                .env("DROPWISE_FAULTS_ENABLED", "true").env("DROPWISE_VIEWER_PASSWORD", VIEWER_PASSWORD).start()) {
            server.awaitReady(Duration.ofSeconds(30));
            DropsClient api = new DropsClient(server, secret);
            api.awaitApi(Duration.ofSeconds(20));
            String drop = api.createDrop(DropsClient.openStockDrop("Faults drop", 1_000)).path("id").asText();
            assertEquals(201, api.claim(api.token("before", "vip"), drop, "k").statusCode());
            HttpResponse<String> none = api.adminGet("/admin/v1/faults");
            assertEquals(200, none.statusCode(), none.body());
            assertEquals(0, api.body(none).path("faults").size());

            // ------------------------------------------------------------ who may, and what is refused
            HttpResponse<String> byViewer = api.send(api.request("/admin/v1/faults")
                    .header("Authorization", DropwiseServer.basic("viewer", VIEWER_PASSWORD)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"bundle\":\"io.dropwise.store\",\"kind\":\"exception\",\"seconds\":5}")).build());
            assertEquals(403, byViewer.statusCode(), byViewer.body());
            HttpResponse<String> anonymous = api.send(api.request("/admin/v1/faults").header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"bundle\":\"io.dropwise.store\",\"kind\":\"exception\",\"seconds\":5}")).build());
            assertEquals(401, anonymous.statusCode(), anonymous.body());

            HttpResponse<String> empty = api.postFault(Map.of());
            assertEquals(400, empty.statusCode(), empty.body());
            JsonNode errors = api.body(empty).path("errors");
            assertTrue(errors.has("bundle") && errors.has("kind") && errors.has("seconds"), empty.body());
            assertRefused(api, Map.of("bundle", "com.example.none", "kind", "exception", "seconds", 5), 400, "No bundle named com.example.none");
            assertRefused(api, Map.of("bundle", "io.dropwise.store", "kind", "exception", "seconds", 601), 400, "must be from 1 to 600");
            assertRefused(api, Map.of("bundle", "io.dropwise.store", "kind", "latency", "seconds", 5), 400, "errors");
            assertRefused(api, Map.of("bundle", "io.dropwise.store", "kind", "melt", "seconds", 5), 400, "latency, exception, stop");
            assertRefused(api, Map.of("bundle", "io.dropwise.store", "kind", "exception", "seconds", 5, "probability", 2), 400, "probability");
            assertRefused(api, Map.of("bundle", "io.dropwise.store", "kind", "exception", "seconds", 5, "when", "now"), 400, "unknown field");
            assertRefused(api, Map.of("bundle", "io.dropwise.faults", "kind", "stop", "seconds", 5), 400, "cannot be stopped");
            HttpResponse<String> notJson = api.send(api.request("/admin/v1/faults").header("Authorization", DropwiseServer.basic("admin",
                    DropsClient.ADMIN_PASSWORD)).header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofString("stop it")).build());
            assertEquals(415, notJson.statusCode(), notJson.body());

            // ------------------------------------------------------------ the store failing: claims 503, ended early: 201 again
            JsonNode storeDown = api.injectFault(Map.of("bundle", "io.dropwise.store", "kind", "exception", "seconds", 60));
            HttpResponse<String> duringStore = api.claim(api.token("store-down", "vip"), drop, "k");
            assertEquals(503, duringStore.statusCode(), duringStore.body());
            assertEquals("unavailable", api.problem(duringStore));
            assertTrue(duringStore.headers().firstValue("Retry-After").isPresent());
            awaitHealth(server, "/system/health?tags=faults", r -> r.body().contains("\"overallResult\":\"WARN\""));
            awaitHealth(server, "/system/health?tags=ready", r -> r.statusCode() == 503 && r.body().contains("Dropwise store"));
            assertEquals(204, api.endFault(storeDown.path("id").asText()).statusCode());
            assertEquals(404, api.endFault(storeDown.path("id").asText()).statusCode(), "ended already");
            assertEquals(201, claimWithin(api, "store-down", drop, Duration.ofSeconds(15)), "the same claim, retried, succeeds");

            // ------------------------------------------------------------ latency in the HTTP front
            JsonNode slow = api.injectFault(Map.of("bundle", "io.dropwise.http", "kind", "latency", "latencyMillis", 700, "seconds", 60));
            long t0 = System.nanoTime();
            assertEquals(200, server.get("/api/v1/status").statusCode());
            long tookMillis = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(tookMillis >= 700, "the request waited for the injected latency (" + tookMillis + " ms)");
            assertEquals(204, api.endFault(slow.path("id").asText()).statusCode());

            // ------------------------------------------------------------ the claims bundle stopped; it comes back by itself
            JsonNode stop = api.injectFault(Map.of("bundle", "io.dropwise.claims", "kind", "stop", "seconds", 4));
            assertEquals("stop", stop.path("kind").asText());
            assertRefused(api, Map.of("bundle", "io.dropwise.claims", "kind", "stop", "seconds", 4), 409, stop.path("id").asText());
            int status = 0;
            long until = System.nanoTime() + Duration.ofSeconds(3).toNanos();
            while (System.nanoTime() - until < 0 && status != 503) {
                HttpResponse<String> r = api.claim(api.token("stopped", "vip"), drop, "k");
                status = r.statusCode();
                if (status == 503) {
                    assertEquals("unavailable", api.problem(r));
                }
                Thread.sleep(100);
            }
            assertEquals(503, status, "claims are refused while the claims bundle is stopped");
            assertEquals(201, claimWithin(api, "stopped", drop, Duration.ofSeconds(20)), "started again when the fault ended by itself");
            assertEquals(0, api.body(api.adminGet("/admin/v1/faults")).path("faults").size(), "no fault left");
            awaitHealth(server, "/system/health?tags=faults", r -> r.body().contains("\"overallResult\":\"OK\""));

            // ------------------------------------------------------------ nothing was lost or doubled
            assertEquals(3, api.adminClaims(drop).size(), "before, store-down (retried) and stopped (retried): one unit each");
        }
    }

    private static void assertRefused(DropsClient api, Map<String, ?> fault, int status, String reason) throws Exception {
        HttpResponse<String> r = api.postFault(fault);
        assertEquals(status, r.statusCode(), fault + ": " + r.body());
        assertTrue(r.body().toLowerCase(java.util.Locale.ROOT).contains(reason.toLowerCase(java.util.Locale.ROOT)), fault + ": " + r.body());
        assertEquals("application/problem+json", DropsClient.mediaType(r));
    }

    /** Claims (same key each time) until 201 or the time is up. @return the last status */
    private static int claimWithin(DropsClient api, String customer, String drop, Duration within) throws Exception {
        long until = System.nanoTime() + within.toNanos();
        int status;
        do {
            status = api.claim(api.token(customer, "vip"), drop, "k").statusCode();
            if (status == 201) {
                return status;
            }
            Thread.sleep(200);
        } while (System.nanoTime() - until < 0);
        return status;
    }

    /** Felix caches health results for a moment: waits until the answer is the one expected. */
    private static void awaitHealth(DropwiseServer server, String path, java.util.function.Predicate<HttpResponse<String>> expected)
            throws Exception {
        long until = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        HttpResponse<String> r = null;
        while (System.nanoTime() - until < 0) {
            r = server.get(path);
            if (expected.test(r)) {
                return;
            }
            Thread.sleep(250);
        }
        throw new AssertionError(path + " never answered as expected: " + (r == null ? "" : r.statusCode() + " " + r.body()));
    }
}
