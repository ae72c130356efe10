package io.dropwise.testkit;

import static org.ops4j.pax.exam.CoreOptions.bundle;
import static org.ops4j.pax.exam.CoreOptions.cleanCaches;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;
import static org.ops4j.pax.exam.CoreOptions.junitBundles;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;
import static org.ops4j.pax.exam.CoreOptions.systemTimeout;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import org.ops4j.pax.exam.Option;

/**
 * A Pax Exam framework for testing a Dropwise bundle, or a plugin, in OSGi: Felix with SCR,
 * ConfigAdmin and the HTTP Whiteboard on Jetty, plus the bundle that was just built.
 *
 * <p>Bundles are installed by file URL, never from a Maven repository, so a test always runs the
 * freshly built jar:
 * <ul>
 * <li>every jar in the folder named by the system property {@value #BUNDLES} (the build copies the
 * infrastructure bundles there in {@code pre-integration-test});</li>
 * <li>the jar named by {@value #UNDER_TEST} (the module's own {@code target/*.jar}).</li>
 * </ul>
 * Use it from a {@code @Configuration} method: {@code return DropwiseExam.options();}.
 */
public final class DropwiseExam {

    /** System property: folder of bundles to install. */
    public static final String BUNDLES = "dropwise.test.bundles";
    /** System property: the bundle jar under test. */
    public static final String UNDER_TEST = "dropwise.bundle.under.test";
    /** Framework property the HTTP service reads its port from; tests read it back from the bundle context. */
    public static final String HTTP_PORT = "org.osgi.service.http.port";

    private DropwiseExam() {
    }

    /**
     * @param extra further options (framework properties, more bundles)
     * @return the options for a framework with the Dropwise infrastructure and the bundle under test
     */
    public static Option[] options(Option... extra) {
        List<Option> options = new ArrayList<>();
        options.add(systemTimeout(30_000));
        options.add(cleanCaches());
        options.add(junitBundles());
        options.add(systemProperty("org.ops4j.pax.logging.DefaultServiceLog.level").value("WARN"));
        options.add(systemProperty("org.slf4j.simpleLogger.defaultLogLevel").value("warn"));
        options.add(frameworkProperty(HTTP_PORT).value(Integer.toString(freePort())));
        options.add(frameworkProperty("dropwise.data").value(tempDir().toString()));
        for (Path jar : bundles()) {
            options.add(bundle(jar.toUri().toString()));
        }
        options.addAll(Arrays.asList(extra));
        return options.toArray(new Option[0]);
    }

    /** @return the infrastructure bundles and the bundle under test, as files */
    public static List<Path> bundles() {
        List<Path> jars = new ArrayList<>();
        Path folder = Path.of(required(BUNDLES));
        try (Stream<Path> files = Files.list(folder)) {
            files.filter(p -> p.toString().endsWith(".jar")).sorted().forEach(jars::add);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list the test bundles in " + folder
                    + " (the build copies them in pre-integration-test)", e);
        }
        Path underTest = Path.of(required(UNDER_TEST));
        if (!Files.isRegularFile(underTest)) {
            throw new IllegalStateException("The bundle under test " + underTest + " is missing: run the tests with 'mvn verify'");
        }
        jars.add(underTest);
        return jars;
    }

    /** @return a TCP port that was free on the loopback address a moment ago */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("dropwise-exam-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String required(String property) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("System property " + property + " is not set: run the Pax Exam tests through Maven Failsafe");
        }
        return value;
    }
}
