package io.dropwise.security.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.dropwise.api.ServerProperties;
import io.dropwise.api.operator.Operator;
import io.dropwise.api.operator.OperatorAuthenticator;
import io.dropwise.api.operator.OperatorRole;
import io.dropwise.api.operator.OperatorSession;

/**
 * The operator accounts: {@code admin} always, {@code viewer} when a viewer password is set.
 *
 * <p>The admin password comes from {@code DROPWISE_ADMIN_PASSWORD}. When it is not set, or is too
 * weak to accept, a random password is generated once, written to {@code <data>/initial-admin-password}
 * (readable by the owner only) and reused at every later start.
 *
 * <p>Password guessing is slowed: after {@link #MAX_FAILURES} wrong passwords for one account within
 * {@link #FAILURE_WINDOW}, sign-in for that account is paused for {@link #LOCK} (the right password
 * included), whatever front the guesses come through.
 *
 * <p>Browser sessions (the console's sign-in form) live in memory: they end after
 * {@link #SESSION_IDLE} without a request, after {@link #SESSION_MAX} in any case, at sign-out, and
 * when this bundle stops (operators then sign in again). At most {@link #MAX_SESSIONS} are open.
 */
@Component(service = OperatorAuthenticator.class)
public final class OperatorAccounts implements OperatorAuthenticator {

    static final String ADMIN = "admin";
    static final String VIEWER = "viewer";
    static final String INITIAL_PASSWORD_FILE = "initial-admin-password";

    private static final Logger LOG = LoggerFactory.getLogger(OperatorAccounts.class);

    /** Wrong passwords for one account within {@link #FAILURE_WINDOW} that pause its sign-in for {@link #LOCK}. */
    static final int MAX_FAILURES = 10;
    static final Duration FAILURE_WINDOW = Duration.ofMinutes(15);
    static final Duration LOCK = Duration.ofMinutes(1);

    static final Duration SESSION_IDLE = Duration.ofMinutes(30);
    static final Duration SESSION_MAX = Duration.ofHours(12);
    static final int MAX_SESSIONS = 10_000;

    private final Map<String, Account> accounts = new LinkedHashMap<>();
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final SecureRandom random;
    private final Clock clock;

    /** Recent wrong passwords of one account. */
    private static final class Attempts {
        int failures;
        Instant firstFailure;
        Instant lockedUntil;
    }

    private final Map<String, Attempts> attempts = new ConcurrentHashMap<>();

    /** A session and the limits of its life. */
    private record Session(OperatorSession session, Instant endsAt) {
    }

    private record Account(Operator operator, Credential credential) {
    }

    @Activate
    public OperatorAccounts(BundleContext context) throws IOException {
        this(dataDir(context), context.getProperty(ServerProperties.ADMIN_PASSWORD),
                context.getProperty(ServerProperties.VIEWER_PASSWORD), new SecureRandom(), Clock.systemUTC());
    }

    OperatorAccounts(Path dataDir, String adminPassword, String viewerPassword, SecureRandom random, Clock clock) throws IOException {
        this.random = random;
        this.clock = clock;
        String admin = adminPassword;
        if (admin != null) {
            Optional<String> refused = PasswordPolicy.whyRefused(ADMIN, admin);
            if (refused.isPresent()) {
                LOG.error("DROPWISE_ADMIN_PASSWORD is refused because {}; using the generated password in {} instead",
                        refused.get(), dataDir.resolve(INITIAL_PASSWORD_FILE));
                admin = null;
            }
        }
        if (admin == null) {
            admin = initialPassword(dataDir, random);
        }
        accounts.put(ADMIN, new Account(new Operator(ADMIN, OperatorRole.ADMIN), new Credential(admin, random)));

        if (viewerPassword != null) {
            Optional<String> refused = PasswordPolicy.whyRefused(VIEWER, viewerPassword);
            if (refused.isPresent()) {
                LOG.error("DROPWISE_VIEWER_PASSWORD is refused because {}; the viewer account is disabled", refused.get());
            } else if (viewerPassword.equals(admin)) {
                LOG.error("DROPWISE_VIEWER_PASSWORD equals the admin password; the viewer account is disabled");
            } else {
                accounts.put(VIEWER, new Account(new Operator(VIEWER, OperatorRole.VIEWER), new Credential(viewerPassword, random)));
            }
        }
        LOG.info("Operator accounts ready: {}", accounts.keySet());
    }

    @Override
    public Optional<Operator> authenticate(String username, String password) {
        Account account = username == null ? null : accounts.get(username);
        if (account == null) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        Attempts a = attempts.computeIfAbsent(username, k -> new Attempts());
        synchronized (a) {
            if (a.lockedUntil != null && now.isBefore(a.lockedUntil)) {
                return Optional.empty(); // guessing is paused for this account; the right password waits too
            }
            if (password != null && account.credential().matches(password)) {
                a.failures = 0;
                return Optional.of(account.operator());
            }
            if (a.firstFailure == null || now.isAfter(a.firstFailure.plus(FAILURE_WINDOW))) {
                a.firstFailure = now;
                a.failures = 0;
            }
            if (++a.failures >= MAX_FAILURES) {
                a.lockedUntil = now.plus(LOCK);
                a.failures = 0;
                a.firstFailure = null;
                LOG.warn("{} wrong passwords for operator '{}' within {} min: sign-in for it is paused for {} s", MAX_FAILURES, username,
                        FAILURE_WINDOW.toMinutes(), LOCK.toSeconds());
            }
            return Optional.empty();
        }
    }

    @Override
    public OperatorSession openSession(Operator operator) {
        Instant now = clock.instant();
        sessions.values().removeIf(s -> !s.session().expiresAt().isAfter(now));
        if (sessions.size() >= MAX_SESSIONS) {
            // the oldest session gives way: sign-ins never fail because of abandoned sessions
            sessions.values().stream().min(java.util.Comparator.comparing(Session::endsAt))
                    .ifPresent(oldest -> sessions.remove(oldest.session().id()));
        }
        OperatorSession session = new OperatorSession(randomToken(), operator, randomToken(), now.plus(SESSION_IDLE));
        sessions.put(session.id(), new Session(session, now.plus(SESSION_MAX)));
        LOG.info("Operator {} signed in (browser session)", operator.name());
        return session;
    }

    @Override
    public Optional<OperatorSession> session(String id) {
        if (id == null) {
            return Optional.empty();
        }
        Session found = sessions.get(id);
        Instant now = clock.instant();
        if (found == null) {
            return Optional.empty();
        }
        if (!found.session().expiresAt().isAfter(now) || !found.endsAt().isAfter(now)) {
            sessions.remove(id, found);
            return Optional.empty();
        }
        Instant idleEnd = now.plus(SESSION_IDLE);
        OperatorSession extended = new OperatorSession(id, found.session().operator(), found.session().csrfToken(),
                idleEnd.isBefore(found.endsAt()) ? idleEnd : found.endsAt());
        sessions.replace(id, found, new Session(extended, found.endsAt()));
        return Optional.of(extended);
    }

    @Override
    public void closeSession(String id) {
        if (id != null) {
            Session gone = sessions.remove(id);
            if (gone != null) {
                LOG.info("Operator {} signed out", gone.session().operator().name());
            }
        }
    }

    private String randomToken() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static Path dataDir(BundleContext context) {
        String dir = context.getProperty(ServerProperties.DATA_DIR);
        return dir != null ? Path.of(dir) : context.getDataFile("").toPath();
    }

    private static String initialPassword(Path dataDir, SecureRandom random) throws IOException {
        Path file = dataDir.resolve(INITIAL_PASSWORD_FILE);
        if (Files.isRegularFile(file)) {
            String stored = Files.readString(file, StandardCharsets.UTF_8).trim();
            if (PasswordPolicy.whyRefused(ADMIN, stored).isEmpty()) {
                LOG.info("No DROPWISE_ADMIN_PASSWORD set: the password for 'admin' is in {}", file);
                return stored;
            }
            LOG.warn("The password in {} is too weak; replacing it with a new random one", file);
        }
        byte[] bytes = new byte[18];
        random.nextBytes(bytes);
        String generated = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        Files.createDirectories(dataDir);
        Path tmp = Files.createTempFile(dataDir, INITIAL_PASSWORD_FILE, ".tmp");
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
        }
        Files.writeString(tmp, generated + System.lineSeparator(), StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        LOG.warn("No DROPWISE_ADMIN_PASSWORD set: generated a password for operator 'admin' and wrote it to {}", file);
        return generated;
    }
}
