package io.dropwise.runtime.e2e;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.function.Executable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** A freshly started server answers its status, problem, method and health contracts. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(60)
class ServerStartIT {

    private static final Duration STATUS_BUDGET = Duration.ofSeconds(20);
    private static final List<String> DROPWISE_BUNDLES = List.of("io.dropwise.api", "io.dropwise.http", "io.dropwise.security");

    @RegisterExtension
    final KeepLogsOnFailure logs = new KeepLogsOnFailure();

    private final ObjectMapper json = new ObjectMapper();
    private DropwiseServer server;
    private Duration statusAnsweredAfter;

    @BeforeAll
    void start() throws Exception {
        server = DropwiseServer.builder().name("fresh").keepLogsWith(logs).start();
        // polled from launch on: the budget includes the JVM and framework start
        statusAnsweredAfter = server.awaitOk("/api/v1/status", STATUS_BUDGET);
        server.awaitReady(Duration.ofSeconds(20));
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void statusListsTheDropwiseBundlesActiveWithinTwentySeconds() throws Exception {
        assertTrue(statusAnsweredAfter.compareTo(STATUS_BUDGET) < 0, "status answered 200 after " + statusAnsweredAfter);

        HttpResponse<String> response = server.get("/api/v1/status");
        assertEquals(200, response.statusCode(), response.body());
        assertMediaType("application/json", response);
        JsonNode status = json.readTree(response.body());
        assertEquals("Dropwise", status.path("name").asText(), response.body());
        assertTrue(status.path("version").isTextual() && !status.path("version").asText().isBlank(),
                "version must be a non-empty string: " + response.body());

        Map<String, String> states = new LinkedHashMap<>();
        for (JsonNode bundle : status.path("bundles")) {
            states.put(bundle.path("symbolicName").asText(), bundle.path("state").asText());
            assertFalse(bundle.path("version").asText().isBlank(), "bundle without version: " + bundle);
        }
        assertAll(DROPWISE_BUNDLES.stream().map(bsn -> (Executable) () -> assertEquals("active", states.get(bsn),
                bsn + " in " + response.body())));
        assertTrue(states.keySet().stream().allMatch(bsn -> bsn.startsWith("io.dropwise.")),
                "only io.dropwise.* bundles are listed: " + states.keySet());
    }

    @Test
    void unknownApiPathIsAProblemNotFound() throws Exception {
        HttpResponse<String> response = server.get("/api/v1/no-such-resource");

        assertEquals(404, response.statusCode(), response.body());
        assertMediaType("application/problem+json", response);
        JsonNode problem = json.readTree(response.body());
        assertEquals("urn:dropwise:problem:not-found", problem.path("type").asText(), response.body());
        assertEquals(404, problem.path("status").asInt(), response.body());
        assertFalse(problem.path("title").asText().isBlank(), "title: " + response.body());
    }

    @Test
    void postToStatusIsMethodNotAllowed() throws Exception {
        HttpResponse<String> response = server.send(server.request("/api/v1/status")
                .POST(HttpRequest.BodyPublishers.ofString("{}"))
                .header("Content-Type", "application/json")
                .build());

        assertEquals(405, response.statusCode(), response.body());
        assertEquals("GET, HEAD", response.headers().firstValue("Allow").orElse(null), "Allow header");
        assertMediaType("application/problem+json", response);
        assertEquals(405, json.readTree(response.body()).path("status").asInt(), response.body());
    }

    @Test
    void healthIsOk() throws Exception {
        HttpResponse<String> response = server.get("/system/health");

        assertEquals(200, response.statusCode(), response.body());
        assertEquals("OK", json.readTree(response.body()).path("overallResult").asText(), response.body());
    }

    @Test
    void stdoutNamesThePort() {
        Pattern portLine = Pattern.compile("(?im)^.*\\bport\\b.*\\b" + server.port() + "\\b.*$");
        assertTrue(portLine.matcher(server.stdout()).find(), "stdout does not mention port " + server.port() + "\n" + server.tail());
    }

    private static void assertMediaType(String expected, HttpResponse<?> response) {
        String contentType = response.headers().firstValue("Content-Type").orElse("");
        assertEquals(expected, contentType.split(";")[0].trim().toLowerCase(java.util.Locale.ROOT), "Content-Type " + contentType);
    }
}
