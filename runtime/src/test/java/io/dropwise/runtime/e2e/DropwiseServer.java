package io.dropwise.runtime.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * One {@code java -jar dropwise.jar} process, started for an end-to-end test.
 *
 * <p>The server gets a free port on 127.0.0.1 and a data folder: a fresh temporary one (deleted by
 * {@link #close()}) or the one given to {@link Builder#dataDir(Path)} (left to its owner, so that a
 * second server can start on it). The process inherits the test JVM's environment without any
 * {@code DROPWISE_*} variable, then gets {@code DROPWISE_HTTP_PORT}, {@code DROPWISE_DATA} and the
 * variables given to {@link Builder#env(String, String)} (which win).
 *
 * <p>Its stdout and stderr go to {@code <data>/e2e-console-<n>.out} and {@code .err} (n counts the
 * servers started on that data folder), next to the server's own {@code <data>/logs/dropwise.log}.
 * With {@link Builder#keepLogsWith(KeepLogsOnFailure)}, these files are kept in
 * {@code dropwise.test.logs} when the test fails.
 *
 * <p>Not thread-safe: one test drives one server.
 */
public final class DropwiseServer implements AutoCloseable {

    /** System property (set by failsafe) naming the server jar. */
    public static final String JAR_PROPERTY = "dropwise.jar";

    /** How long {@link #stop()} waits after SIGTERM before it kills the process and fails. */
    /**
     * System property: the CPUs the server runs on ({@code taskset -c} list, e.g. {@code 0}), for
     * benchmarks that pin the load generator (the test JVM, e.g. {@code taskset -c 1 mvn ...}) to the
     * others. Unset: anywhere.
     */
    public static final String SERVER_CPUS_PROPERTY = "dropwise.e2e.server.cpus";

    public static final Duration STOP_TIMEOUT = Duration.ofSeconds(20);

    /** How long {@link #kill()} waits after SIGKILL for the process to end. */
    public static final Duration KILL_TIMEOUT = Duration.ofSeconds(10);

    static final String INITIAL_ADMIN_PASSWORD_FILE = "initial-admin-password";
    private static final int TAIL_LINES = 80;
    private static final long POLL_MILLIS = 100;

    private final String name;
    private final Path dataDir;
    private final boolean ownsDataDir;
    private final int port;
    private final Map<String, String> givenEnv;
    private final Path stdoutFile;
    private final Path stderrFile;
    private final Process process;
    private final long launchedAtNanos;
    private final KeepLogsOnFailure keepLogs;
    private final Thread killOnExit;
    private final HttpClient http;
    private boolean closed;

    /** @return a builder for a server on a fresh data folder with no extra environment */
    public static Builder builder() {
        return new Builder();
    }

    /** What the server is started with. */
    public static final class Builder {
        private Path jar;
        private Path dataDir;
        private String name = "dropwise";
        private final Map<String, String> env = new LinkedHashMap<>();
        private final List<String> jvmArgs = new ArrayList<>();
        private KeepLogsOnFailure keepLogs;

        private Builder() {
        }

        /** @param jar the server jar (default: the {@value DropwiseServer#JAR_PROPERTY} system property) */
        public Builder jar(Path jar) {
            this.jar = jar;
            return this;
        }

        /** @param dataDir the data folder to use (and leave in place); default: a fresh temporary one */
        public Builder dataDir(Path dataDir) {
            this.dataDir = dataDir;
            return this;
        }

        /**
         * @param variable an environment variable of the server process
         * @param value its value, or {@code null} to leave it out (e.g. {@code DROPWISE_DATA})
         */
        public Builder env(String variable, String value) {
            env.put(variable, value);
            return this;
        }

        /** @param arg an option for the server's JVM, before {@code -jar} */
        public Builder jvmArg(String arg) {
            jvmArgs.add(arg);
            return this;
        }

        /** @param name how this server is called in messages and kept logs */
        public Builder name(String name) {
            this.name = Objects.requireNonNull(name);
            return this;
        }

        /** @param keepLogs the test's extension that keeps this server's logs when the test fails */
        public Builder keepLogsWith(KeepLogsOnFailure keepLogs) {
            this.keepLogs = keepLogs;
            return this;
        }

        /** Launches the process; it does not wait for the server to be ready (see {@link #awaitReady(Duration)}). */
        public DropwiseServer start() throws IOException {
            return new DropwiseServer(this);
        }
    }

    /**
     * How a server process ended.
     *
     * @param exitCode the process exit code
     * @param took for {@link #stop()}: from SIGTERM to exit; for {@link #awaitExit(Duration)}: from launch to exit
     */
    public record Exit(int exitCode, Duration took) {
    }

    private DropwiseServer(Builder b) throws IOException {
        Path jar = b.jar != null ? b.jar : jarFromSystemProperty();
        this.name = b.name;
        this.ownsDataDir = b.dataDir == null;
        this.dataDir = (ownsDataDir ? Files.createTempDirectory("dropwise-e2e-") : b.dataDir).toAbsolutePath().normalize();
        Files.createDirectories(dataDir);
        this.port = freePort();
        this.givenEnv = new HashMap<>(b.env);
        int n = 1;
        while (Files.exists(dataDir.resolve("e2e-console-" + n + ".out"))) {
            n++;
        }
        this.stdoutFile = dataDir.resolve("e2e-console-" + n + ".out");
        this.stderrFile = dataDir.resolve("e2e-console-" + n + ".err");
        this.keepLogs = b.keepLogs;

        List<String> command = new ArrayList<>();
        String cpus = System.getProperty(SERVER_CPUS_PROPERTY, "");
        if (!cpus.isBlank()) { // benchmarks: keep the server off the load generator's cores (Linux taskset)
            command.addAll(List.of("taskset", "-c", cpus.strip()));
        }
        command.add(javaExecutable());
        command.addAll(b.jvmArgs);
        command.add("-jar");
        command.add(jar.toString());
        ProcessBuilder pb = new ProcessBuilder(command)
                .directory(dataDir.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(nullDevice()))
                .redirectOutput(stdoutFile.toFile())
                .redirectError(stderrFile.toFile());
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("DROPWISE_"));
        env.put("DROPWISE_HTTP_PORT", Integer.toString(port));
        env.put("DROPWISE_DATA", dataDir.toString());
        b.env.forEach((k, v) -> {
            if (v == null) {
                env.remove(k);
            } else {
                env.put(k, v);
            }
        });

        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2))
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        this.launchedAtNanos = System.nanoTime();
        this.process = pb.start();
        this.killOnExit = new Thread(process::destroyForcibly, "kill " + name + " (pid " + process.pid() + ")");
        Runtime.getRuntime().addShutdownHook(killOnExit);
        if (keepLogs != null) {
            keepLogs.opened(this);
        }
    }

    private static Path jarFromSystemProperty() {
        String property = System.getProperty(JAR_PROPERTY);
        if (property == null || property.isBlank()) {
            throw new IllegalStateException("System property " + JAR_PROPERTY
                    + " is not set: run the end-to-end tests through maven-failsafe (mvn -pl runtime verify)");
        }
        Path jar = Path.of(property);
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " does not exist: build it first (mvn -DskipTests -pl runtime install)");
        }
        return jar;
    }

    private static String javaExecutable() {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        if (Files.isExecutable(java)) {
            return java.toString();
        }
        return ProcessHandle.current().info().command().orElse("java");
    }

    private static java.io.File nullDevice() {
        return new java.io.File(System.getProperty("os.name").startsWith("Windows") ? "NUL" : "/dev/null");
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    // ---------------------------------------------------------------- what the server is

    /** @return the name given to the builder */
    public String name() {
        return name;
    }

    /** @return the port the server was told to listen on ({@code DROPWISE_HTTP_PORT}, unless overridden) */
    public int port() {
        return port;
    }

    /** @return {@code http://127.0.0.1:<port>} */
    public URI baseUri() {
        return URI.create("http://127.0.0.1:" + port);
    }

    /** @param path an absolute path such as {@code /api/v1/status} */
    public URI uri(String path) {
        return baseUri().resolve(path);
    }

    /** @return the data folder given to the server (unless {@code DROPWISE_DATA} was overridden) */
    public Path dataDir() {
        return dataDir;
    }

    /** @return the process id */
    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** @return the time since the process was launched */
    public Duration sinceLaunch() {
        return Duration.ofNanos(System.nanoTime() - launchedAtNanos);
    }

    /**
     * @return the password the server should accept for {@code admin}: {@code DROPWISE_ADMIN_PASSWORD}
     *         as given to this server, else the generated one from {@link #generatedAdminPassword()}.
     *         A weak configured password is returned as given; a test of its refusal wants
     *         {@link #generatedAdminPassword()}.
     */
    public String adminPassword() {
        String configured = givenEnv.get("DROPWISE_ADMIN_PASSWORD");
        return configured != null && !configured.isEmpty() ? configured : generatedAdminPassword();
    }

    /** @return the content of {@code <data>/initial-admin-password}, trimmed (fails when it is missing) */
    public String generatedAdminPassword() {
        Path file = initialAdminPasswordFile();
        try {
            return Files.readString(file, StandardCharsets.UTF_8).trim();
        } catch (NoSuchFileException e) {
            throw new AssertionError(name + ": " + file + " does not exist" + tailForMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return {@code <data>/initial-admin-password} */
    public Path initialAdminPasswordFile() {
        return dataDir.resolve(INITIAL_ADMIN_PASSWORD_FILE);
    }

    /** @return everything the process wrote to stdout so far */
    public String stdout() {
        return read(stdoutFile);
    }

    /** @return everything the process wrote to stderr so far */
    public String stderr() {
        return read(stderrFile);
    }

    /** @return the server's own log file, {@code <data>/logs/dropwise.log} (empty when it does not exist) */
    public String serverLog() {
        // the log rolls over at midnight (logback-default.xml): a test that runs across it reads the rolled
        // part too, compressed (dropwise.<date>.<n>.log.gz) or still being compressed (*.tmp), oldest first
        StringBuilder all = new StringBuilder();
        try (var rolled = Files.list(serverLogFile().getParent())) {
            for (Path p : rolled.filter(f -> !f.equals(serverLogFile()) && f.getFileName().toString().startsWith("dropwise."))
                    .sorted(java.util.Comparator.comparing(DropwiseServer::lastModified)).toList()) {
                all.append(p.toString().endsWith(".gz") ? gunzip(p) : read(p));
            }
        } catch (NoSuchFileException e) {
            return "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return all.append(read(serverLogFile())).toString();
    }

    private static java.nio.file.attribute.FileTime lastModified(Path file) {
        try {
            return Files.getLastModifiedTime(file);
        } catch (IOException e) {
            return java.nio.file.attribute.FileTime.fromMillis(0);
        }
    }

    /** @return what a gzip file holds, as far as it is written (logback may still be compressing it) */
    private static String gunzip(Path file) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try (var in = new java.util.zip.GZIPInputStream(Files.newInputStream(file))) {
            in.transferTo(out);
        } catch (java.io.EOFException | NoSuchFileException e) {
            // partly written, or gone: what was read is all there is
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    Path serverLogFile() {
        return dataDir.resolve("logs").resolve("dropwise.log");
    }

    /** @return the files worth keeping when a test fails, by the name to keep them under */
    Map<String, Path> logFiles() {
        Map<String, Path> files = new LinkedHashMap<>();
        files.put("console.out", stdoutFile);
        files.put("console.err", stderrFile);
        files.put("dropwise.log", serverLogFile());
        return files;
    }

    private static String read(Path file) {
        try {
            // decoded leniently: the process may be in the middle of writing a multi-byte character
            return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return the last lines of stdout and stderr, for a failure message */
    public String tail() {
        return "----- " + name + " stdout (last " + TAIL_LINES + " lines) -----\n" + lastLines(stdout())
                + "----- " + name + " stderr (last " + TAIL_LINES + " lines) -----\n" + lastLines(stderr())
                + "-----";
    }

    private String tailForMessage() {
        return "\n" + tail();
    }

    private static String lastLines(String text) {
        List<String> lines = text.lines().collect(Collectors.toList());
        return lines.subList(Math.max(0, lines.size() - TAIL_LINES), lines.size()).stream()
                .map(l -> l + "\n").collect(Collectors.joining());
    }

    // ---------------------------------------------------------------- waiting

    /**
     * Waits until {@code GET /system/health} answers 200.
     *
     * @return the time from launch to ready
     * @throws AssertionError with the tail of the output when the process dies or time runs out
     */
    public Duration awaitReady(Duration timeout) {
        return awaitOk("/system/health", timeout);
    }

    /**
     * Polls {@code GET path} until it answers 200.
     *
     * @return the time from launch to the first 200
     * @throws AssertionError with the tail of the output when the process dies or time runs out
     */
    public Duration awaitOk(String path, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "no answer yet";
        while (true) {
            if (!process.isAlive()) {
                throw new AssertionError(name + " exited with code " + process.exitValue() + " before GET " + path
                        + " answered 200 (last: " + last + ")" + tailForMessage());
            }
            try {
                HttpResponse<String> response = http.send(request(path).timeout(Duration.ofSeconds(2)).GET().build(),
                        HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    return sinceLaunch();
                }
                last = "HTTP " + response.statusCode();
            } catch (IOException e) {
                last = e.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for " + name, e);
            }
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError(name + ": GET " + path + " did not answer 200 within " + timeout
                        + " (last: " + last + ")" + tailForMessage());
            }
            sleep(POLL_MILLIS);
        }
    }

    /**
     * Waits for the process to end on its own.
     *
     * @return its exit code and the time from launch to exit
     * @throws AssertionError (after killing it) when it is still running after {@code timeout}
     */
    public Exit awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                throw new AssertionError(name + " was still running " + timeout + " after launch; killed it" + tailForMessage());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for " + name, e);
        }
        return new Exit(process.exitValue(), sinceLaunch());
    }

    /**
     * Sends SIGTERM ({@link Process#destroy()} on Linux) and waits up to {@link #STOP_TIMEOUT}.
     *
     * @return the exit code and the time from the signal to the exit
     * @throws AssertionError (after killing it) when the process has not ended in time
     * @throws IllegalStateException when the process had already ended
     */
    public Exit stop() {
        if (!process.isAlive()) {
            throw new IllegalStateException(name + " is not running (exit code " + process.exitValue() + ")");
        }
        long signalled = System.nanoTime();
        process.destroy();
        try {
            if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                throw new AssertionError(name + " did not exit within " + STOP_TIMEOUT + " of SIGTERM; killed it" + tailForMessage());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new AssertionError("interrupted while stopping " + name, e);
        }
        return new Exit(process.exitValue(), Duration.ofNanos(System.nanoTime() - signalled));
    }

    /**
     * Sends SIGKILL ({@link Process#destroyForcibly()} on Linux), as a crash or {@code kill -9} would:
     * the server gets no chance to stop cleanly. Waits up to {@link #KILL_TIMEOUT} for the process to end.
     *
     * @return the exit code and the time from the signal to the exit
     * @throws AssertionError when the process has not ended in time
     * @throws IllegalStateException when the process had already ended
     */
    public Exit kill() {
        if (!process.isAlive()) {
            throw new IllegalStateException(name + " is not running (exit code " + process.exitValue() + ")");
        }
        long signalled = System.nanoTime();
        process.destroyForcibly();
        try {
            if (!process.waitFor(KILL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError(name + " (pid " + process.pid() + ") did not exit within " + KILL_TIMEOUT + " of SIGKILL");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while killing " + name, e);
        }
        return new Exit(process.exitValue(), Duration.ofNanos(System.nanoTime() - signalled));
    }

    /**
     * Stops the server if it is still running, hands its logs to the {@link KeepLogsOnFailure}
     * extension (which keeps them if the test fails) and deletes the data folder if it was created here.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (process.isAlive()) {
                stop();
            }
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(killOnExit);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs anyway
            }
            process.destroyForcibly();
            try {
                if (keepLogs != null) {
                    keepLogs.closed(this);
                }
            } finally {
                if (ownsDataDir) {
                    deleteRecursively(dataDir);
                }
            }
        }
    }

    /** Deletes a folder and everything in it, quietly (test clean-up). */
    static void deleteRecursively(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                    Files.deleteIfExists(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            System.err.println("Could not delete " + root + ": " + e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    // ---------------------------------------------------------------- HTTP

    /** @return a request builder for {@code path} on this server, with a 10 s timeout */
    public HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10));
    }

    /** @return a request builder for {@code path} carrying HTTP Basic credentials */
    public HttpRequest.Builder request(String path, String user, String password) {
        return request(path).header("Authorization", basic(user, password));
    }

    /** @return the {@code Authorization} header value for HTTP Basic */
    public static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** Sends a request to this server and reads the body as a string. */
    public HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** {@code GET path} without credentials. */
    public HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return send(request(path).GET().build());
    }

    /** {@code GET path} with HTTP Basic credentials. */
    public HttpResponse<String> get(String path, String user, String password) throws IOException, InterruptedException {
        return send(request(path, user, password).GET().build());
    }

    /** {@code POST path} with an {@code application/x-www-form-urlencoded} body and HTTP Basic credentials. */
    public HttpResponse<String> postForm(String path, Map<String, String> form, String user, String password)
            throws IOException, InterruptedException {
        String body = form.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        return send(request(path, user, password)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build());
    }

    @Override
    public String toString() {
        return name + "[pid " + process.pid() + ", " + baseUri() + ", data " + dataDir + "]";
    }
}
