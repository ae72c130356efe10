package io.dropwise.testkit;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Assumptions;

/**
 * A real, throwaway PostgreSQL server for tests: {@code initdb} into a fresh temporary folder, {@code pg_ctl start}
 * on a private port on 127.0.0.1, and on {@link #close()} {@code pg_ctl stop -m fast} and the folder deleted.
 * Starting takes about 1-2 s, most of it {@code initdb}.
 *
 * <pre>{@code
 * @BeforeEach void postgres() { ThrowawayPostgres.assumeAvailable(); }   // skipped, never silently
 *
 * try (ThrowawayPostgres pg = ThrowawayPostgres.start()) {
 *     String url = pg.createDatabase("claims");          // jdbc:postgresql://127.0.0.1:<port>/claims
 *     ... DriverManager.getConnection(url, pg.user(), pg.password()) ...
 * }
 * }</pre>
 *
 * <p>Uses the installed server binaries ({@code initdb}, {@code pg_ctl}, {@code postgres}, {@code psql},
 * {@code createdb}), found through {@code pg_config --bindir}, {@code /usr/lib/postgresql/<version>/bin} (newest
 * first), {@code /usr/local/pgsql/bin}, {@code /usr/local/bin} and {@code PATH}; the testkit itself needs no JDBC
 * driver. On Debian and Ubuntu: {@value #INSTALL_COMMAND}. PostgreSQL refuses to run as root, so when the test JVM
 * runs as root (CI) the server commands run as the {@code postgres} OS user through {@code runuser}, and the
 * temporary folder is owned by that user.
 *
 * <p>The server: superuser {@link #user()} with a random {@link #password()}, {@code scram-sha-256} over TCP (so
 * JDBC clients authenticate with user and password) and {@code trust} only on its Unix socket, which lives in the
 * private 0700 folder; {@code listen_addresses='127.0.0.1'}, {@code fsync=on}, {@code synchronous_commit=on},
 * {@code max_connections=100}. The environment variable {@value #PORT_VARIABLE} forces the port; otherwise a free
 * one is picked.
 *
 * <p>Every process started here ends in {@link #close()}; a per-instance JVM shutdown hook stops the server if the
 * test JVM exits without closing it. Unix only.
 */
public final class ThrowawayPostgres implements AutoCloseable {

    /** The command that installs what this class needs on Debian and Ubuntu (run as root). */
    public static final String INSTALL_COMMAND = "apt-get install -y postgresql";

    /** Environment variable that forces the server's TCP port. */
    public static final String PORT_VARIABLE = "DROPWISE_TEST_PG_PORT";

    /** System property: the CPUs PostgreSQL runs on ({@code taskset -c} list), for benchmarks; unset: anywhere. */
    public static final String CPUS_PROPERTY = "dropwise.e2e.postgres.cpus";

    /** Name of the superuser, and of the database {@link #jdbcUrl()} points at. */
    private static final String USER = "dropwise";
    private static final String DATABASE = "dropwise";
    /** OS user that runs the server when the test JVM runs as root (created by the Debian package). */
    private static final String OS_USER = "postgres";

    private static final String[] SERVER_BINARIES = {"initdb", "pg_ctl", "postgres"};
    private static final String[] RUNUSER_PATHS = {"/usr/sbin/runuser", "/sbin/runuser", "/usr/bin/runuser", "/bin/runuser"};
    private static final Pattern DATABASE_NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_-]{0,62}");
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(120);
    private static final int START_ATTEMPTS = 3;
    private static final int LOG_TAIL_LINES = 40;

    private final Binaries binaries;
    private final Path directory;
    private final Path dataDirectory;
    private final Path serverLog;
    private final Path commandLog;
    private final String password;
    private final Thread shutdownHook;
    private int port;
    private long serverPid = -1;
    private boolean closed;

    private ThrowawayPostgres(Binaries binaries, Path directory, String password) {
        this.binaries = binaries;
        this.directory = directory;
        this.dataDirectory = directory.resolve("data");
        this.serverLog = directory.resolve("server.log");
        this.commandLog = directory.resolve("commands.log");
        this.password = password;
        this.shutdownHook = new Thread(this::stopAndDelete, "ThrowawayPostgres shutdown " + directory.getFileName());
    }

    // ------------------------------------------------------------------------------------------------ availability

    /** Whether {@link #start()} can work here: the server binaries are installed (and, as root, the {@code postgres} OS user exists). */
    public static boolean available() {
        return unavailableReason() == null;
    }

    /**
     * Why {@link #start()} cannot work here, naming the install command; {@code null} when {@link #available()}.
     */
    public static String unavailableReason() {
        try {
            probe();
            return null;
        } catch (IllegalStateException e) {
            return e.getMessage();
        }
    }

    /**
     * Skips the calling test (JUnit 5 assumption, reported as skipped by Surefire and Failsafe with the reason and the
     * install command) when no PostgreSQL server can be started here.
     *
     * <p>Call it in the test or in a {@code @BeforeEach} method, not in {@code @BeforeAll}: Surefire (3.5) reports a
     * class aborted in {@code @BeforeAll} as "Tests run: 0, Skipped: 0" without the reason.
     */
    public static void assumeAvailable() {
        String reason = unavailableReason();
        Assumptions.assumeTrue(reason == null, reason);
    }

    /** Finds the binaries or throws {@link IllegalStateException} with the reason and the install command. */
    private static Binaries probe() {
        if (System.getProperty("os.name", "").toLowerCase().startsWith("windows")) {
            throw new IllegalStateException("ThrowawayPostgres supports Linux and other Unix systems only, not "
                    + System.getProperty("os.name"));
        }
        List<Path> candidates = candidateDirectories();
        Path serverDirectory = null;
        for (Path candidate : candidates) {
            if (hasAll(candidate, SERVER_BINARIES)) {
                serverDirectory = candidate;
                break;
            }
        }
        if (serverDirectory == null) {
            throw new IllegalStateException("PostgreSQL server binaries (initdb, pg_ctl, postgres) not found in "
                    + "pg_config --bindir, /usr/lib/postgresql/<version>/bin, /usr/local/pgsql/bin, /usr/local/bin or PATH"
                    + " (looked in " + candidates + "); install them (as root) with: " + INSTALL_COMMAND);
        }
        Path psql = findTool(serverDirectory, candidates, "psql");
        if (psql == null) {
            throw new IllegalStateException("PostgreSQL client psql not found next to " + serverDirectory
                    + " nor on PATH; install it (as root) with: " + INSTALL_COMMAND);
        }
        Path createdb = findTool(serverDirectory, candidates, "createdb");
        Path runuser = null;
        if (runningAsRoot()) {
            for (String path : RUNUSER_PATHS) {
                if (Files.isExecutable(Path.of(path))) {
                    runuser = Path.of(path);
                    break;
                }
            }
            if (runuser == null) {
                throw new IllegalStateException("running as root, and PostgreSQL refuses to run as root, but runuser "
                        + "(util-linux) is not installed to run it as the '" + OS_USER + "' OS user");
            }
            if (!osUserExists(OS_USER)) {
                throw new IllegalStateException("running as root, and PostgreSQL refuses to run as root, but the OS user '"
                        + OS_USER + "' to run it as does not exist; the Debian package creates it: " + INSTALL_COMMAND);
            }
        }
        return new Binaries(serverDirectory, psql, createdb, runuser);
    }

    private static List<Path> candidateDirectories() {
        Set<Path> directories = new LinkedHashSet<>();
        String pgConfigBindir = pgConfigBindir();
        if (pgConfigBindir != null && !pgConfigBindir.isBlank()) {
            directories.add(Path.of(pgConfigBindir.trim()));
        }
        Path debian = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(debian)) {
            try (var versions = Files.list(debian)) {
                versions.sorted((a, b) -> compareVersions(b.getFileName().toString(), a.getFileName().toString()))
                        .forEach(version -> directories.add(version.resolve("bin")));
            } catch (IOException | UncheckedIOException e) {
                // not readable: the other candidates remain
            }
        }
        directories.add(Path.of("/usr/local/pgsql/bin"));
        directories.add(Path.of("/usr/local/bin"));
        String path = System.getenv("PATH");
        if (path != null) {
            for (String entry : path.split(File.pathSeparator)) {
                if (!entry.isBlank()) {
                    directories.add(Path.of(entry));
                }
            }
        }
        return new ArrayList<>(directories);
    }

    /** Newest first: "15" before "9.6", "16" before "15". */
    private static int compareVersions(String a, String b) {
        String[] as = a.split("\\."), bs = b.split("\\.");
        for (int i = 0; i < Math.max(as.length, bs.length); i++) {
            int x = i < as.length ? parseOrZero(as[i]) : 0, y = i < bs.length ? parseOrZero(bs[i]) : 0;
            if (x != y) {
                return Integer.compare(x, y);
            }
        }
        return a.compareTo(b);
    }

    private static int parseOrZero(String s) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** {@code pg_config --bindir} from PATH, or null. */
    private static String pgConfigBindir() {
        Path pgConfig = null;
        String path = System.getenv("PATH");
        if (path != null) {
            for (String entry : path.split(File.pathSeparator)) {
                if (!entry.isBlank() && Files.isExecutable(Path.of(entry, "pg_config"))) {
                    pgConfig = Path.of(entry, "pg_config");
                    break;
                }
            }
        }
        if (pgConfig == null) {
            return null;
        }
        try {
            Process process = new ProcessBuilder(pgConfig.toString(), "--bindir")
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .start();
            byte[] out = process.getInputStream().readAllBytes();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return null;
            }
            return process.exitValue() == 0 ? new String(out, StandardCharsets.UTF_8).trim() : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private static boolean hasAll(Path directory, String... names) {
        for (String name : names) {
            Path file = directory.resolve(name);
            if (!Files.isRegularFile(file) || !Files.isExecutable(file)) {
                return false;
            }
        }
        return true;
    }

    /** A client tool: next to the server binaries first, then in the other candidate directories; or null. */
    private static Path findTool(Path serverDirectory, List<Path> candidates, String name) {
        if (hasAll(serverDirectory, name)) {
            return serverDirectory.resolve(name);
        }
        for (Path candidate : candidates) {
            if (hasAll(candidate, name)) {
                return candidate.resolve(name);
            }
        }
        return null;
    }

    private static boolean runningAsRoot() {
        try {
            // the owner of /proc/self is the process's effective user
            Object uid = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
            return uid instanceof Integer && (Integer) uid == 0;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException | SecurityException e) {
            return "root".equals(System.getProperty("user.name"));
        }
    }

    private static boolean osUserExists(String name) {
        try {
            Process process = new ProcessBuilder("id", "-u", name)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .start();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return false;
            }
            return process.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    // ------------------------------------------------------------------------------------------------ start

    /**
     * Creates, starts and returns a fresh server with an empty database {@code dropwise} ({@link #jdbcUrl()}).
     *
     * @throws IllegalStateException if PostgreSQL is not {@link #available()} (with the reason), or if the server
     *                               does not start (with the tail of the server's log and of the commands' output)
     */
    public static ThrowawayPostgres start() {
        Binaries binaries = probe();
        Integer forcedPort = forcedPort();
        boolean root = binaries.runuser != null;
        Path directory;
        try {
            directory = Files.createTempDirectory("dropwise-pg-",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary folder for PostgreSQL", e);
        }
        ThrowawayPostgres server = new ThrowawayPostgres(binaries, directory, randomPassword());
        try {
            // registered first, so that a JVM that dies while the server starts still stops it
            Runtime.getRuntime().addShutdownHook(server.shutdownHook);
            server.initialise(root);
            server.startServer(forcedPort);
            server.createDatabaseOrFail(DATABASE);
            return server;
        } catch (RuntimeException | Error e) {
            try {
                server.close();
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    private void initialise(boolean root) {
        Path passwordFile = directory.resolve("superuser-password");
        try {
            Files.writeString(passwordFile, password + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE);
            Files.setPosixFilePermissions(passwordFile, PosixFilePermissions.fromString("rw-------"));
            if (root) {
                UserPrincipal owner = directory.getFileSystem().getUserPrincipalLookupService()
                        .lookupPrincipalByName(OS_USER);
                Files.setOwner(directory, owner);
                Files.setOwner(passwordFile, owner);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare " + directory, e);
        }
        try {
            runServerCommand("initdb", List.of(
                    binaries.server("initdb").toString(),
                    "--pgdata=" + dataDirectory,
                    "--username=" + USER,
                    "--pwfile=" + passwordFile,
                    "--auth-local=trust",
                    "--auth-host=scram-sha-256",
                    "--encoding=UTF8",
                    "--locale=C"));
        } finally {
            try {
                Files.deleteIfExists(passwordFile);
            } catch (IOException e) {
                // deleted with the folder at the latest
            }
        }
        String settings = "\n# ThrowawayPostgres\n"
                + "listen_addresses = '127.0.0.1'\n"
                + "unix_socket_directories = '" + directory.toString().replace("'", "''") + "'\n"
                + "fsync = on\n"
                + "synchronous_commit = on\n"
                + "max_connections = 100\n";
        try {
            // appended by the JVM's user; the file keeps its owner (postgres when root)
            Files.writeString(dataDirectory.resolve("postgresql.conf"), settings, StandardCharsets.UTF_8,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot configure " + dataDirectory, e);
        }
    }

    private void startServer(Integer forced) {
        for (int attempt = 1; ; attempt++) {
            port = forced != null ? forced : freePort();
            try {
                runServerCommand("pg_ctl start", List.of(
                        binaries.server("pg_ctl").toString(), "start", "--wait", "--timeout=60",
                        "--pgdata=" + dataDirectory, "--log=" + serverLog, "-o", "-p " + port));
                serverPid = readServerPid();
                return;
            } catch (IllegalStateException e) {
                // the free port was taken between picking and binding: pick another one
                if (forced == null && attempt < START_ATTEMPTS && tail(serverLog).contains("could not bind")) {
                    continue;
                }
                throw e;
            }
        }
    }

    private static Integer forcedPort() {
        String value = System.getenv(PORT_VARIABLE);
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            int port = Integer.parseInt(value.trim());
            if (port < 1 || port > 65535) {
                throw new NumberFormatException();
            }
            return port;
        } catch (NumberFormatException e) {
            throw new IllegalStateException(PORT_VARIABLE + " must be a TCP port number, not '" + value + "'");
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free port on 127.0.0.1", e);
        }
    }

    private long readServerPid() {
        try {
            List<String> lines = Files.readAllLines(dataDirectory.resolve("postmaster.pid"), StandardCharsets.UTF_8);
            return lines.isEmpty() ? -1 : Long.parseLong(lines.get(0).trim());
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }

    private static String randomPassword() {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    // ------------------------------------------------------------------------------------------------ use

    /** {@code jdbc:postgresql://127.0.0.1:<port>/dropwise}, an empty database owned by {@link #user()}. */
    public String jdbcUrl() {
        return jdbcUrl(DATABASE);
    }

    /** The superuser's name. */
    public String user() {
        return USER;
    }

    /** The superuser's password (random per server); required over TCP. */
    public String password() {
        return password;
    }

    /** The TCP port on 127.0.0.1. */
    public int port() {
        return port;
    }

    /**
     * Creates an empty database and returns its JDBC URL.
     *
     * @param name letters, digits, {@code _} and {@code -}, at most 63 characters; used as is (case-sensitive)
     * @throws IllegalArgumentException for another name
     * @throws IllegalStateException    if the database cannot be created (with the command's output)
     */
    public String createDatabase(String name) {
        if (name == null || !DATABASE_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("database name must match " + DATABASE_NAME + ": " + name);
        }
        ensureOpen();
        createDatabaseOrFail(name);
        return jdbcUrl(name);
    }

    /** {@link #psql(String, String)} in the database of {@link #jdbcUrl()}. */
    public String psql(String sql) {
        return psql(DATABASE, sql);
    }

    /**
     * Runs SQL with {@code psql -c} over TCP as {@link #user()} (one implicit transaction unless the SQL has its own
     * {@code BEGIN}/{@code COMMIT}; stops at the first error) and returns the rows of the last statement, unaligned
     * ({@code |} between columns, one row a line) and without headers; for tests that need no JDBC driver.
     *
     * @throws IllegalStateException if psql fails (with its output)
     */
    public String psql(String database, String sql) {
        ensureOpen();
        return psqlAs(USER, password, database, sql);
    }

    /** psql with explicit credentials (tests check that a wrong password is refused). */
    String psqlAs(String user, String userPassword, String database, String sql) {
        return runClient("psql", List.of(binaries.psql.toString(), "--no-psqlrc", "--no-align", "--tuples-only",
                "--quiet", "--set=ON_ERROR_STOP=1", "--host=127.0.0.1", "--port=" + port, "--username=" + user,
                "--dbname=" + database, "--command=" + sql), userPassword).strip();
    }

    /** The temporary folder (data directory, server log, socket); deleted by {@link #close()}. */
    Path directory() {
        return directory;
    }

    /** Process id of the postmaster, or -1 if unknown. */
    long serverPid() {
        return serverPid;
    }

    /** The JVM shutdown hook of this server, removed by {@link #close()}. */
    Thread shutdownHook() {
        return shutdownHook;
    }

    private String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    private void createDatabaseOrFail(String name) {
        if (binaries.createdb != null) {
            runClient("createdb", List.of(binaries.createdb.toString(), "--host=127.0.0.1", "--port=" + port,
                    "--username=" + USER, "--maintenance-db=postgres", name), password);
        } else {
            runClient("psql", List.of(binaries.psql.toString(), "--no-psqlrc", "--quiet", "--set=ON_ERROR_STOP=1",
                    "--host=127.0.0.1", "--port=" + port, "--username=" + USER, "--dbname=postgres",
                    "--command=CREATE DATABASE \"" + name + "\""), password);
        }
    }

    private synchronized void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("ThrowawayPostgres on port " + port + " is closed");
        }
    }

    // ------------------------------------------------------------------------------------------------ stop

    /**
     * Stops the server as an outage would (connections are cut; the data stays), for tests of what a
     * client does while the database is down. {@link #resume()} starts it again on the same port.
     */
    public synchronized void suspend() {
        if (closed) {
            throw new IllegalStateException("closed");
        }
        stopServer();
    }

    /** Starts the server again after {@link #suspend()}, on the same port, with the same data. */
    public synchronized void resume() {
        if (closed) {
            throw new IllegalStateException("closed");
        }
        startServer(port);
    }

    /**
     * Stops the server ({@code pg_ctl stop -m fast}), deletes the temporary folder and removes the shutdown hook.
     * Idempotent.
     *
     * @throws IllegalStateException if the server cannot be stopped or the folder cannot be deleted (after trying
     *                               everything)
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // the JVM is shutting down: the hook runs (or runs this), stopping twice is harmless
        }
        stopAndDelete();
    }

    /** Stops the server if it runs and deletes the folder; used by close() and by the shutdown hook. */
    private synchronized void stopAndDelete() {
        RuntimeException failure = null;
        try {
            stopServer();
        } catch (RuntimeException e) {
            failure = e;
        }
        try {
            deleteRecursively(directory);
        } catch (IOException e) {
            UncheckedIOException deleteFailure = new UncheckedIOException("cannot delete " + directory, e);
            if (failure == null) {
                failure = deleteFailure;
            } else {
                failure.addSuppressed(deleteFailure);
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    private void stopServer() {
        if (!Files.exists(dataDirectory.resolve("postmaster.pid"))) {
            return; // never started, or already stopped
        }
        try {
            runServerCommand("pg_ctl stop", List.of(binaries.server("pg_ctl").toString(), "stop", "--wait",
                    "--timeout=60", "--mode=fast", "--pgdata=" + dataDirectory));
            // pg_ctl returns once postmaster.pid is gone, which the postmaster removes just before it exits
            awaitExit(serverPid);
            return;
        } catch (RuntimeException fastFailed) {
            // last resort: kill the postmaster and its backends so that nothing outlives the test
            long pid = serverPid > 0 ? serverPid : readServerPid();
            if (pid > 0) {
                ProcessHandle.of(pid).ifPresent(postmaster -> {
                    postmaster.descendants().forEach(ProcessHandle::destroyForcibly);
                    postmaster.destroyForcibly();
                });
                awaitExit(pid);
            }
            throw fastFailed;
        }
    }

    /**
     * Waits up to 10 s for a process that is not this JVM's child to end. Polls: for such processes
     * {@code ProcessHandle.onExit()} notices the exit only after up to 2 s.
     */
    private static void awaitExit(long pid) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (processRunning(pid) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * Whether a process runs. Unlike {@link ProcessHandle#isAlive()}, a zombie counts as ended: the postmaster is
     * re-parented when pg_ctl exits, and an init that does not reap (some containers) leaves it a zombie.
     */
    static boolean processRunning(long pid) {
        if (pid <= 0 || !ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
            return false;
        }
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.UTF_8);
            int endOfName = stat.lastIndexOf(')');
            char state = endOfName >= 0 && endOfName + 2 < stat.length() ? stat.charAt(endOfName + 2) : 'R';
            return state != 'Z' && state != 'X';
        } catch (NoSuchFileException e) {
            return false;
        } catch (IOException | UncheckedIOException e) {
            return true; // no /proc (not Linux): isAlive() said so
        }
    }

    private static void deleteRecursively(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (e instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE;
                }
                throw e;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                if (e != null && !(e instanceof NoSuchFileException)) {
                    throw e;
                }
                Files.deleteIfExists(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    // ------------------------------------------------------------------------------------------------ processes

    /** Runs a server command (initdb, pg_ctl), as the postgres OS user when root; throws with the logs' tails. */
    private void runServerCommand(String what, List<String> command) {
        List<String> full = new ArrayList<>();
        String cpus = System.getProperty(CPUS_PROPERTY, "");
        if (!cpus.isBlank()) { // benchmarks: the database beside the server under test, off the load generator's cores
            full.addAll(List.of("taskset", "-c", cpus.strip()));
        }
        if (binaries.runuser != null) {
            full.add(binaries.runuser.toString());
            full.add("-u");
            full.add(OS_USER);
            full.add("--");
        }
        full.addAll(command);
        int exit = run(full, Map.of());
        if (exit != 0) {
            throw new IllegalStateException(what + " failed (exit " + exit + ") for " + directory
                    + "\n--- server log (tail) ---\n" + tail(serverLog)
                    + "\n--- command output (tail) ---\n" + tail(commandLog));
        }
    }

    /** Runs a client tool over TCP with the password in PGPASSWORD; returns its standard output. */
    private String runClient(String what, List<String> command, String userPassword) {
        Path output;
        try {
            output = Files.createTempFile(directory, "client-", ".out");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create an output file in " + directory, e);
        }
        try {
            int exit = run(command, Map.of("PGPASSWORD", userPassword, "PGCONNECT_TIMEOUT", "10"), output);
            String stdout = Files.readString(output, StandardCharsets.UTF_8);
            if (exit != 0) {
                throw new IllegalStateException(what + " failed (exit " + exit + ") on port " + port + ":\n"
                        + stdout + "\n--- stderr (tail) ---\n" + tail(commandLog));
            }
            return stdout;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the output of " + what, e);
        } finally {
            try {
                Files.deleteIfExists(output);
            } catch (IOException e) {
                // deleted with the folder
            }
        }
    }

    private int run(List<String> command, Map<String, String> environment) {
        return run(command, environment, commandLog);
    }

    /**
     * Runs a command to completion with its output appended to files, never pipes: pg_ctl leaves a daemon behind,
     * which must not hold a pipe this JVM waits on. stderr goes to the command log.
     */
    private int run(List<String> command, Map<String, String> environment, Path stdout) {
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(directory.toFile()) // readable by the postgres OS user, unlike e.g. /root
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.appendTo(stdout.toFile()))
                .redirectError(ProcessBuilder.Redirect.appendTo(commandLog.toFile()));
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(name -> name.startsWith("PG")); // no PGPORT, PGDATA, PGHOST ... from the caller
        env.put("LC_ALL", "C");
        env.putAll(environment);
        try {
            appendToCommandLog("$ " + String.join(" ", command) + "\n");
            Process process = builder.start();
            if (!process.waitFor(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
                throw new IllegalStateException("timed out after " + COMMAND_TIMEOUT.toSeconds() + " s: "
                        + String.join(" ", command) + "\n--- command output (tail) ---\n" + tail(commandLog)
                        + "\n--- server log (tail) ---\n" + tail(serverLog));
            }
            return process.exitValue();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command.get(0), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command.get(0), e);
        }
    }

    private void appendToCommandLog(String line) throws IOException {
        Files.writeString(commandLog, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
    }

    private static String tail(Path file) {
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
        } catch (NoSuchFileException e) {
            return "(no " + file.getFileName() + ")";
        } catch (IOException | UncheckedIOException e) {
            return "(cannot read " + file + ": " + e + ")";
        }
    }

    @Override
    public String toString() {
        return "ThrowawayPostgres[" + jdbcUrl() + ", " + directory + "]";
    }

    /** Where the binaries are; runuser is null unless the JVM runs as root. */
    private static final class Binaries {
        final Path serverDirectory;
        final Path psql;
        final Path createdb;
        final Path runuser;

        Binaries(Path serverDirectory, Path psql, Path createdb, Path runuser) {
            this.serverDirectory = serverDirectory;
            this.psql = psql;
            this.createdb = createdb;
            this.runuser = runuser;
        }

        Path server(String name) {
            return serverDirectory.resolve(name);
        }
    }
}
