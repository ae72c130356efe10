package io.dropwise.runtime.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Only the Dropwise operator {@code admin}, with the right password, gets into the Felix Web Console. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(90)
class ConsoleSecurityIT {

    private static final String STRONG_PASSWORD = "e2e-Correct-Horse-7421";
    private static final String CONSOLE = "/system/console/bundles";
    private static final String SECURITY_BUNDLE = "io.dropwise.security";
    private static final Duration READY = Duration.ofSeconds(30);

    @RegisterExtension
    final KeepLogsOnFailure logs = new KeepLogsOnFailure();

    private final ObjectMapper json = new ObjectMapper();

    /** Configured with {@link #STRONG_PASSWORD}; only read from, so the sign-in tests share it. */
    private DropwiseServer configured;

    @BeforeAll
    void startConfigured() throws Exception {
        configured = DropwiseServer.builder().name("strong-password").keepLogsWith(logs)
                .env("DROPWISE_ADMIN_PASSWORD", STRONG_PASSWORD).start();
        configured.awaitReady(READY);
    }

    @AfterAll
    void stopConfigured() {
        if (configured != null) {
            configured.close();
        }
    }

    // ------------------------------------------------------------------ DROPWISE_ADMIN_PASSWORD set

    @Test
    void withoutCredentialsTheConsoleAsksForBasic() throws Exception {
        HttpResponse<String> response = configured.get(CONSOLE);

        assertEquals(401, response.statusCode(), response.body());
        String challenge = response.headers().firstValue("WWW-Authenticate").orElse("");
        assertTrue(challenge.toLowerCase(Locale.ROOT).startsWith("basic"), "WWW-Authenticate: " + challenge);
    }

    @Test
    void theWebConsoleDefaultAdminAdminIsRefused() throws Exception {
        assertEquals(401, configured.get(CONSOLE, "admin", "admin").statusCode());
    }

    @Test
    void aWrongPasswordIsRefused() throws Exception {
        assertEquals(401, configured.get(CONSOLE, "admin", STRONG_PASSWORD + "x").statusCode());
        assertEquals(401, configured.get(CONSOLE, "root", STRONG_PASSWORD).statusCode(), "unknown user");
    }

    @Test
    void theConfiguredPasswordOpensTheConsoleAndItsBundleList() throws Exception {
        assertEquals(200, configured.get(CONSOLE, "admin", STRONG_PASSWORD).statusCode());

        HttpResponse<String> bundles = configured.get(CONSOLE + ".json", "admin", STRONG_PASSWORD);
        assertEquals(200, bundles.statusCode(), bundles.body());
        assertEquals("Active", consoleState(bundles, SECURITY_BUNDLE), "state of " + SECURITY_BUNDLE);
    }

    // ------------------------------------------------------------------ DROPWISE_ADMIN_PASSWORD unset

    @Test
    void withoutAConfiguredPasswordOneIsGeneratedKeptPrivateAndReused(@TempDir Path data) throws Exception {
        String generated;
        try (DropwiseServer first = DropwiseServer.builder().name("generated-first").dataDir(data).keepLogsWith(logs).start()) {
            first.awaitReady(READY);
            Path file = first.initialAdminPasswordFile();
            assertTrue(Files.isRegularFile(file), file + " must exist");
            assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(file),
                    "permissions of " + file);
            generated = first.generatedAdminPassword();
            assertTrue(generated.length() >= 12, "generated password is too short: " + generated.length() + " characters");

            assertEquals(200, first.get(CONSOLE, "admin", generated).statusCode(), "the generated password");
            assertEquals(401, first.get(CONSOLE, "admin", "admin").statusCode(), "admin/admin");
            assertEquals(0, first.stop().exitCode(), "exit code of the first start");
        }
        try (DropwiseServer second = DropwiseServer.builder().name("generated-second").dataDir(data).keepLogsWith(logs).start()) {
            second.awaitReady(READY);
            assertEquals(generated, second.generatedAdminPassword(), "the second start must reuse the generated password");
            assertEquals(200, second.get(CONSOLE, "admin", generated).statusCode(), "the generated password after a restart");
        }
    }

    // ------------------------------------------------------------------ DROPWISE_ADMIN_PASSWORD weak

    @ParameterizedTest
    @ValueSource(strings = { "admin", "Elev3nChars" })
    void aWeakConfiguredPasswordIsRefusedAndTheGeneratedOneIsUsed(String weak) throws Exception {
        try (DropwiseServer server = DropwiseServer.builder().name("weak-password").keepLogsWith(logs)
                .env("DROPWISE_ADMIN_PASSWORD", weak).start()) {
            server.awaitReady(READY);

            assertEquals(401, server.get(CONSOLE, "admin", weak).statusCode(), "admin/" + weak);
            assertEquals(401, server.get(CONSOLE, "admin", "admin").statusCode(), "admin/admin");
            assertEquals(200, server.get(CONSOLE, "admin", server.generatedAdminPassword()).statusCode(),
                    "the generated password in " + server.initialAdminPasswordFile());
            assertTrue(server.stdout().lines().anyMatch(l -> l.contains("ERROR") && l.contains("DROPWISE_ADMIN_PASSWORD")),
                    "an ERROR line naming DROPWISE_ADMIN_PASSWORD\n" + server.tail());
        }
    }

    // ------------------------------------------------------------------ security bundle stopped

    @Test
    void withTheSecurityBundleStoppedTheConsoleServesNobody() throws Exception {
        try (DropwiseServer server = DropwiseServer.builder().name("security-stopped").keepLogsWith(logs)
                .env("DROPWISE_ADMIN_PASSWORD", STRONG_PASSWORD).start()) {
            server.awaitReady(READY);

            HttpResponse<String> stop = server.postForm("/system/console/bundles/" + SECURITY_BUNDLE,
                    Map.of("action", "stop"), "admin", STRONG_PASSWORD);
            assertEquals(200, stop.statusCode(), "stopping " + SECURITY_BUNDLE + " through the console: " + stop.body());
            awaitBundleState(server, SECURITY_BUNDLE, "resolved", Duration.ofSeconds(10));

            // a product bundle down makes the server not ready: load balancers must take it out
            HttpResponse<String> health = server.get("/system/health?tags=ready&forceInstantExecution=true");
            assertEquals(503, health.statusCode(), "readiness with " + SECURITY_BUNDLE + " stopped: " + health.body());
            assertEquals("CRITICAL", json.readTree(health.body()).path("overallResult").asText());

            // poll for a while: no moment may open the console once the provider is gone
            List<String[]> attempts = List.of(
                    new String[] { CONSOLE, "admin", "admin" },
                    new String[] { CONSOLE + ".json", "admin", "admin" },
                    new String[] { "/system/console", "admin", "admin" },
                    new String[] { CONSOLE, null, null },
                    new String[] { CONSOLE, "admin", STRONG_PASSWORD });
            long until = System.nanoTime() + Duration.ofSeconds(3).toNanos();
            int requests = 0;
            do {
                for (String[] a : attempts) {
                    HttpResponse<String> response = a[1] == null ? server.get(a[0]) : server.get(a[0], a[1], a[2]);
                    requests++;
                    assertNotEquals(200, response.statusCode(), "GET " + a[0] + " as " + (a[1] == null ? "anonymous" : a[1] + "/" + a[2])
                            + " with " + SECURITY_BUNDLE + " stopped: " + response.body());
                }
                Thread.sleep(100);
            } while (System.nanoTime() - until < 0);
            assertTrue(requests >= attempts.size(), "requests made: " + requests);
        }
    }

    private void awaitBundleState(DropwiseServer server, String bsn, String state, Duration timeout) throws Exception {
        long until = System.nanoTime() + timeout.toNanos();
        String last = null;
        while (System.nanoTime() - until < 0) {
            HttpResponse<String> status = server.get("/api/v1/status");
            if (status.statusCode() == 200) {
                for (JsonNode bundle : json.readTree(status.body()).path("bundles")) {
                    if (bsn.equals(bundle.path("symbolicName").asText())) {
                        last = bundle.path("state").asText();
                    }
                }
                if (state.equals(last)) {
                    return;
                }
            }
            Thread.sleep(100);
        }
        fail(bsn + " did not become " + state + " within " + timeout + " (last state: " + last + ")\n" + server.tail());
    }

    private String consoleState(HttpResponse<String> bundlesJson, String bsn) throws Exception {
        for (JsonNode bundle : json.readTree(bundlesJson.body()).path("data")) {
            if (bsn.equals(bundle.path("symbolicName").asText())) {
                return bundle.path("state").asText();
            }
        }
        return fail(bsn + " is not in " + bundlesJson.body());
    }
}
