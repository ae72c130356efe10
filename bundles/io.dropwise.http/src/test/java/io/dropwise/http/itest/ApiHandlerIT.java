package io.dropwise.http.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import javax.inject.Inject;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.dropwise.testkit.DropwiseExam;

/**
 * The HTTP front behind the gateway in a real framework on a real Jetty: what it serves, and its
 * lifecycle (stop, start) as an operator or an upgrade would drive it.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ApiHandlerIT {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @Inject
    private BundleContext context;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final ObjectMapper json = new ObjectMapper();

    @Configuration
    public Option[] config() {
        return DropwiseExam.options();
    }

    @Test
    public void statusListsTheDropwiseBundlesWithTheirState() throws Exception {
        HttpResponse<String> response = awaitStatus("/api/v1/status", 200);
        assertEquals("application/json;charset=utf-8", response.headers().firstValue("Content-Type").orElse("").toLowerCase());
        JsonNode body = json.readTree(response.body());
        assertEquals("Dropwise", body.get("name").asText());
        Map<String, String> states = new HashMap<>();
        body.get("bundles").forEach(b -> states.put(b.get("symbolicName").asText(), b.get("state").asText()));
        assertEquals("active", states.get("io.dropwise.http"));
        assertEquals("active", states.get("io.dropwise.api"));
        assertTrue("only io.dropwise.* bundles are listed: " + states.keySet(),
                states.keySet().stream().allMatch(n -> n.startsWith("io.dropwise.")));
    }

    @Test
    public void errorsAreProblemDetails() throws Exception {
        awaitStatus("/api/v1/status", 200);
        HttpResponse<String> missing = get("/api/v1/no-such-thing");
        assertEquals(404, missing.statusCode());
        assertEquals("application/problem+json", missing.headers().firstValue("Content-Type").orElse("").split(";")[0]);
        JsonNode problem = json.readTree(missing.body());
        assertEquals("urn:dropwise:problem:not-found", problem.get("type").asText());
        assertEquals(404, problem.get("status").asInt());
        assertEquals("/api/v1/no-such-thing", problem.get("instance").asText());

        HttpResponse<String> post = http.send(HttpRequest.newBuilder(uri("/api/v1/status"))
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(405, post.statusCode());
        assertEquals("GET, HEAD", post.headers().firstValue("Allow").orElse(""));
        assertEquals("urn:dropwise:problem:method-not-allowed", json.readTree(post.body()).get("type").asText());
    }

    @Test
    public void stoppingTheBundleTakesTheApiAwayAndStartingItBringsItBack() throws Exception {
        awaitStatus("/api/v1/status", 200);
        Bundle front = bundle("io.dropwise.http");
        front.stop();
        try {
            assertEquals(Bundle.RESOLVED, front.getState());
            // the gateway stays: it waits briefly for a handler, then answers 503, never 404
            HttpResponse<String> away = get("/api/v1/status");
            assertEquals(503, away.statusCode());
            assertEquals("5", away.headers().firstValue("Retry-After").orElse(""));
            assertEquals("urn:dropwise:problem:unavailable", json.readTree(away.body()).get("type").asText());
        } finally {
            front.start();
        }
        JsonNode body = json.readTree(awaitStatus("/api/v1/status", 200).body());
        assertTrue(body.get("bundles").toString().contains("io.dropwise.http"));
    }

    private Bundle bundle(String symbolicName) {
        for (Bundle b : context.getBundles()) {
            if (symbolicName.equals(b.getSymbolicName())) {
                return b;
            }
        }
        throw new AssertionError("bundle " + symbolicName + " is not installed");
    }

    private HttpResponse<String> awaitStatus(String path, int expected) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        HttpResponse<String> last = null;
        IOException failure = null;
        while (System.nanoTime() < deadline) {
            try {
                last = get(path);
                if (last.statusCode() == expected) {
                    return last;
                }
            } catch (IOException e) {
                failure = e;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("GET " + path + " did not answer " + expected + " within " + WAIT + "; last: "
                + (last == null ? failure : last.statusCode() + " " + last.body()));
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(5)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + context.getProperty(DropwiseExam.HTTP_PORT) + path);
    }
}
