package io.dropwise.runtime.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * Keeps the logs of the {@link DropwiseServer}s of a failed test in the folder named by the system
 * property {@value #LOGS_PROPERTY} (default {@code target/e2e-logs}), under
 * {@code <TestClass>/<test>/<n>-<server>/}.
 *
 * <p>Register it on an instance field and hand it to the servers:
 *
 * <pre>
 * &#64;RegisterExtension
 * final KeepLogsOnFailure logs = new KeepLogsOnFailure();
 * ...
 * try (DropwiseServer server = DropwiseServer.builder().keepLogsWith(logs).start()) { ... }
 * </pre>
 *
 * <p>A server closed during a test (try-with-resources, {@code @AfterEach}) hands its logs over when
 * it closes, before it deletes its data folder; they are written out if that test fails and dropped
 * otherwise. A server still running when a test fails (one shared by the class, with
 * {@code @TestInstance(PER_CLASS)}) has its logs so far written out. A server closed in
 * {@code @AfterAll} has its complete logs written out when any test of the class, or the class
 * set-up itself, failed.
 */
public final class KeepLogsOnFailure implements TestWatcher, AfterAllCallback {

    /** System property (set by failsafe) naming the folder the logs of failed tests go to. */
    public static final String LOGS_PROPERTY = "dropwise.test.logs";

    /** The end of a log file is what explains a failure; anything before this many bytes from the end is cut. */
    private static final int MAX_BYTES_PER_FILE = 4 * 1024 * 1024;

    private final Path root;
    private final Map<DropwiseServer, String> open = new IdentityHashMap<>();
    private final List<Captured> closed = new ArrayList<>();
    private int started;
    private boolean aTestFailed;

    private record Captured(String label, Map<String, byte[]> files) {
    }

    public KeepLogsOnFailure() {
        this(Path.of(System.getProperty(LOGS_PROPERTY, "target/e2e-logs")));
    }

    /** @param root the folder to keep the logs in */
    public KeepLogsOnFailure(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    synchronized void opened(DropwiseServer server) {
        open.put(server, String.format("%02d-%s", ++started, sanitize(server.name())));
    }

    synchronized void closed(DropwiseServer server) {
        String label = open.remove(server);
        if (label != null) {
            closed.add(capture(label, server));
        }
    }

    @Override
    public synchronized void testFailed(ExtensionContext context, Throwable cause) {
        aTestFailed = true;
        Path dir = root.resolve(sanitize(context.getRequiredTestClass().getSimpleName())).resolve(testFolder(context));
        closed.forEach(c -> write(dir, c));
        closed.clear();
        open.forEach((server, label) -> write(dir, capture(label + "-while-running", server)));
    }

    @Override
    public synchronized void testSuccessful(ExtensionContext context) {
        closed.clear();
    }

    @Override
    public synchronized void testAborted(ExtensionContext context, Throwable cause) {
        closed.clear();
    }

    @Override
    public synchronized void testDisabled(ExtensionContext context, Optional<String> reason) {
        closed.clear();
    }

    @Override
    public synchronized void afterAll(ExtensionContext context) {
        if (aTestFailed || context.getExecutionException().isPresent()) {
            Path dir = root.resolve(sanitize(context.getRequiredTestClass().getSimpleName())).resolve("class-lifecycle");
            closed.forEach(c -> write(dir, c));
            open.forEach((server, label) -> write(dir, capture(label + "-still-running", server)));
        }
        closed.clear();
    }

    private static String testFolder(ExtensionContext context) {
        String method = context.getTestMethod().map(m -> m.getName()).orElse("test");
        String display = context.getDisplayName();
        if (display.equals(method) || display.startsWith(method + "(")) {
            return sanitize(method);
        }
        return sanitize(method + "-" + display); // a parameterized invocation, e.g. "[1] abc"
    }

    private static Captured capture(String label, DropwiseServer server) {
        Map<String, byte[]> files = new LinkedHashMap<>();
        server.logFiles().forEach((name, file) -> {
            byte[] bytes = readTail(file);
            if (bytes != null) {
                files.put(name, bytes);
            }
        });
        return new Captured(label, files);
    }

    private static byte[] readTail(Path file) {
        try {
            byte[] bytes = Files.readAllBytes(file);
            return bytes.length <= MAX_BYTES_PER_FILE ? bytes : Arrays.copyOfRange(bytes, bytes.length - MAX_BYTES_PER_FILE, bytes.length);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void write(Path dir, Captured captured) {
        Path target = dir.resolve(captured.label());
        try {
            Files.createDirectories(target);
            for (Map.Entry<String, byte[]> file : captured.files().entrySet()) {
                Files.write(target.resolve(file.getKey()), file.getValue());
            }
            System.err.println("Kept the logs of " + captured.label() + " in " + target);
        } catch (IOException e) {
            System.err.println("Could not keep the logs of " + captured.label() + " in " + target + ": " + e);
        }
    }

    private static String sanitize(String name) {
        String safe = name.replaceAll("[^A-Za-z0-9._-]+", "_");
        return safe.length() <= 100 ? safe : safe.substring(0, 100);
    }
}
