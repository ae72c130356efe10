package io.dropwise.launcher;

import java.lang.reflect.InvocationTargetException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;

/**
 * The entry point of {@code dropwise.jar}: turns the operator's environment into framework
 * properties, prepares the data folder, then hands over to bnd's embedded launcher, which starts
 * Felix and the bundles.
 *
 * <p>This class runs before any OSGi framework exists and uses plain Java only.
 */
public final class Main {

    private static final String BND_LAUNCHER = "aQute.launcher.pre.EmbeddedLauncher";

    private Main() {
    }

    /** Jetty would only log a bind failure and leave a server without HTTP: fail at once instead. */
    private static void requireFreePort(int port) {
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(new InetSocketAddress(port));
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("HTTP port " + port + " is already in use (DROPWISE_HTTP_PORT / dropwise.http.port)");
        }
    }

    private static Path ownJar() {
        CodeSource source = Main.class.getProtectionDomain().getCodeSource();
        try {
            return source == null ? null : Path.of(source.getLocation().toURI());
        } catch (URISyntaxException | IllegalArgumentException e) {
            return null;
        }
    }

    public static void main(String[] args) throws Throwable {
        LaunchSettings settings;
        try {
            settings = LaunchSettings.resolve(System.getenv(), System.getProperties());
            Files.createDirectories(settings.dataDir());
            Files.createDirectories(settings.deployDir());
            Files.createDirectories(settings.etcDir());
            for (Path written : DefaultConfiguration.install(ownJar(), settings.etcDir())) {
                System.out.println("Dropwise: wrote default configuration " + written);
            }
            requireFreePort(settings.httpPort());
        } catch (IllegalArgumentException | java.io.IOException e) {
            System.err.println("dropwise: cannot start: " + e.getMessage());
            System.exit(2);
            return;
        }
        settings.systemProperties(Main.class.getResource("logback-default.xml"))
                .forEach(System::setProperty);
        System.out.println("Dropwise starting: HTTP port " + settings.httpPort() + ", data folder "
                + settings.dataDir());
        try {
            Class.forName(BND_LAUNCHER).getMethod("main", String[].class).invoke(null, (Object) args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
