package io.dropwise.runtime.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A configuration the server cannot run with stops it at once, with exit code 2 and the reason on stderr. */
@Timeout(60)
class BadConfigurationIT {

    private static final Duration EXIT_BUDGET = Duration.ofSeconds(10);
    private static final String CANNOT_START = "dropwise: cannot start: ";

    @RegisterExtension
    final KeepLogsOnFailure logs = new KeepLogsOnFailure();

    @ParameterizedTest
    @ValueSource(strings = { "abc", "70000" })
    void aBadHttpPortExitsWithCodeTwoNamingTheVariable(String port) throws Exception {
        try (DropwiseServer server = DropwiseServer.builder().name("port-" + port).keepLogsWith(logs)
                .env("DROPWISE_HTTP_PORT", port).start()) {
            DropwiseServer.Exit exit = server.awaitExit(EXIT_BUDGET);

            assertEquals(2, exit.exitCode(), "exit code\n" + server.tail());
            assertTrue(exit.took().compareTo(EXIT_BUDGET) < 0, "took " + exit.took());
            String reason = server.stderr().lines().filter(l -> l.startsWith(CANNOT_START)).findFirst().orElse("");
            assertTrue(reason.contains("DROPWISE_HTTP_PORT"), "stderr must name DROPWISE_HTTP_PORT\n" + server.tail());
            assertTrue(reason.contains(port), "stderr must show the bad value\n" + server.tail());
            assertFalse(server.stdout().contains("Dropwise starting"), "the framework must not start\n" + server.tail());
        }
    }

    @Test
    void aDataFolderThatIsAFileExitsWithCodeTwoNamingIt(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("not-a-folder");
        Files.writeString(file, "keep me\n", StandardCharsets.UTF_8);

        try (DropwiseServer server = DropwiseServer.builder().name("data-is-a-file").keepLogsWith(logs)
                .env("DROPWISE_DATA", file.toString()).start()) {
            DropwiseServer.Exit exit = server.awaitExit(EXIT_BUDGET);

            assertEquals(2, exit.exitCode(), "exit code\n" + server.tail());
            assertTrue(exit.took().compareTo(EXIT_BUDGET) < 0, "took " + exit.took());
            String reason = server.stderr().lines().filter(l -> l.startsWith(CANNOT_START)).findFirst().orElse("");
            assertTrue(reason.contains(file.toAbsolutePath().toString()), "stderr must name the data folder " + file + "\n" + server.tail());
            assertEquals("keep me\n", Files.readString(file, StandardCharsets.UTF_8), "the file must be left alone");
        }
    }
}
