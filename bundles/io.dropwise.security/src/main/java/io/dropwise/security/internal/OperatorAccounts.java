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

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.dropwise.api.ServerProperties;
import io.dropwise.api.operator.Operator;
import io.dropwise.api.operator.OperatorAuthenticator;
import io.dropwise.api.operator.OperatorRole;

/**
 * The operator accounts: {@code admin} always, {@code viewer} when a viewer password is set.
 *
 * <p>The admin password comes from {@code DROPWISE_ADMIN_PASSWORD}. When it is not set, or is too
 * weak to accept, a random password is generated once, written to {@code <data>/initial-admin-password}
 * (readable by the owner only) and reused at every later start.
 */
@Component(service = OperatorAuthenticator.class)
public final class OperatorAccounts implements OperatorAuthenticator {

    static final String ADMIN = "admin";
    static final String VIEWER = "viewer";
    static final String INITIAL_PASSWORD_FILE = "initial-admin-password";

    private static final Logger LOG = LoggerFactory.getLogger(OperatorAccounts.class);

    private final Map<String, Account> accounts = new LinkedHashMap<>();

    private record Account(Operator operator, Credential credential) {
    }

    @Activate
    public OperatorAccounts(BundleContext context) throws IOException {
        this(dataDir(context), context.getProperty(ServerProperties.ADMIN_PASSWORD),
                context.getProperty(ServerProperties.VIEWER_PASSWORD), new SecureRandom());
    }

    OperatorAccounts(Path dataDir, String adminPassword, String viewerPassword, SecureRandom random) throws IOException {
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
        if (account == null || password == null || !account.credential().matches(password)) {
            return Optional.empty();
        }
        return Optional.of(account.operator());
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
