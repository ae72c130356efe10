package io.dropwise.runtime.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * SIGTERM stops the server cleanly, and the data folder it leaves behind starts again.
 *
 * <p>Not covered yet: a request in flight during SIGTERM finishes. The API has no slow endpoint to
 * hold a request open with.
 */
@Timeout(90)
class ShutdownIT {

    private static final Duration READY = Duration.ofSeconds(30);
    private static final Duration STOP_BUDGET = Duration.ofSeconds(15);
    private static final String STOP_MESSAGE = "Dropwise stopping (SIGTERM)";

    @RegisterExtension
    final KeepLogsOnFailure logs = new KeepLogsOnFailure();

    @Test
    void sigtermExitsWithCodeZeroWithinFifteenSecondsAndSaysSo() throws Exception {
        try (DropwiseServer server = DropwiseServer.builder().name("sigterm").keepLogsWith(logs).start()) {
            server.awaitReady(READY);

            DropwiseServer.Exit exit = server.stop();

            assertEquals(0, exit.exitCode(), "exit code after SIGTERM\n" + server.tail());
            assertTrue(exit.took().compareTo(STOP_BUDGET) < 0, "stopping took " + exit.took());
            assertTrue(server.stdout().contains(STOP_MESSAGE), "the output must contain '" + STOP_MESSAGE + "'\n" + server.tail());
        }
    }

    @Test
    void aStoppedServerStartsAgainOnTheSameDataFolder(@TempDir Path data) throws Exception {
        try (DropwiseServer first = DropwiseServer.builder().name("before-restart").dataDir(data).keepLogsWith(logs).start()) {
            first.awaitReady(READY);
            assertEquals(0, first.stop().exitCode(), "exit code of the first run\n" + first.tail());
        }
        try (DropwiseServer second = DropwiseServer.builder().name("after-restart").dataDir(data).keepLogsWith(logs).start()) {
            second.awaitReady(READY);

            HttpResponse<String> status = second.get("/api/v1/status");
            assertEquals(200, status.statusCode(), status.body());
            JsonNode bundles = new ObjectMapper().readTree(status.body()).path("bundles");
            assertTrue(bundles.size() >= 3, "bundles after restart: " + status.body());
            for (JsonNode bundle : bundles) {
                assertEquals("active", bundle.path("state").asText(), "after restart: " + bundle);
            }
            assertEquals(0, second.stop().exitCode(), "exit code of the second run\n" + second.tail());
        }
    }
}
