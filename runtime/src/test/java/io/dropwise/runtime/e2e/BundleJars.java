package io.dropwise.runtime.e2e;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import org.osgi.framework.BundleActivator;

import aQute.bnd.osgi.Builder;
import aQute.bnd.osgi.Jar;

/**
 * Bundle jars made by the end-to-end tests of live deployments: a freshly built bundle under
 * another {@code Bundle-Version}, and small broken bundles built with bndlib from the classes of
 * {@code io.dropwise.runtime.e2e.fixtures}.
 */
final class BundleJars {

    /** System property (set by failsafe) naming the folder with the bundles to deploy again and again. */
    static final String UPGRADE_JARS_PROPERTY = "dropwise.upgrade.jars";
    static final String FIXTURES_PACKAGE = "io.dropwise.runtime.e2e.fixtures";

    private BundleJars() {
    }

    /** @return {@code <dropwise.upgrade.jars>/<symbolicName>.jar}, checked to exist */
    static Path upgradeJar(String symbolicName) {
        String folder = System.getProperty(UPGRADE_JARS_PROPERTY);
        if (folder == null || folder.isBlank()) {
            throw new IllegalStateException("system property " + UPGRADE_JARS_PROPERTY
                    + " is not set: run the end-to-end tests through maven-failsafe (mvn -pl runtime verify)");
        }
        Path jar = Path.of(folder, symbolicName + ".jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " does not exist (copied by maven-dependency-plugin in pre-integration-test)");
        }
        return jar;
    }

    /** @return the main attribute of the jar's manifest */
    static String header(Path jar, String name) throws IOException {
        try (JarFile file = new JarFile(jar.toFile())) {
            return file.getManifest().getMainAttributes().getValue(name);
        }
    }

    /**
     * @return the jar with only its {@code Bundle-Version} changed: the manifest is rewritten through
     *         {@link Manifest} (so it stays valid: line lengths, continuation lines) and comes first,
     *         every other entry is copied as it is
     */
    static byte[] withVersion(Path jar, String version) throws IOException {
        try (JarFile in = new JarFile(jar.toFile())) {
            Manifest manifest = new Manifest(in.getManifest());
            manifest.getMainAttributes().putValue("Bundle-Version", version);
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (JarOutputStream out = new JarOutputStream(bytes, manifest)) {
                Enumeration<JarEntry> entries = in.entries();
                while (entries.hasMoreElements()) {
                    JarEntry entry = entries.nextElement();
                    if (entry.getName().equalsIgnoreCase(JarFile.MANIFEST_NAME)) {
                        continue;
                    }
                    JarEntry copy = new JarEntry(entry.getName());
                    copy.setTime(entry.getTime());
                    out.putNextEntry(copy);
                    if (!entry.isDirectory()) {
                        in.getInputStream(entry).transferTo(out);
                    }
                    out.closeEntry();
                }
            }
            return bytes.toByteArray();
        }
    }

    /**
     * Builds a bundle of the fixture classes with bndlib, started by {@code activator}; its imports
     * are computed by bnd from the classes (with version ranges from the jars on the test class path).
     *
     * @param symbolicName the {@code Bundle-SymbolicName}
     * @param version the {@code Bundle-Version}
     * @param activator the {@code Bundle-Activator}, a class of {@value #FIXTURES_PACKAGE}
     * @param exportersOnClassPath classes whose jars (or folders) bnd should read for the versions of the imported packages
     */
    static byte[] fixtureBundle(String symbolicName, String version, Class<?> activator, Class<?>... exportersOnClassPath) throws Exception {
        return fixtureBundle(symbolicName, version, java.util.Map.of(), activator, exportersOnClassPath);
    }

    /** The same, with extra manifest headers (read by the fixture's activator). */
    static byte[] fixtureBundle(String symbolicName, String version, java.util.Map<String, String> headers, Class<?> activator,
            Class<?>... exportersOnClassPath) throws Exception {
        if (!activator.getPackageName().equals(FIXTURES_PACKAGE) && !activator.getPackageName().startsWith(FIXTURES_PACKAGE + ".")) {
            throw new IllegalArgumentException(activator + " is not a fixture");
        }
        quietBnd();
        try (Builder builder = new Builder()) {
            builder.addClasspath(location(activator));
            for (Class<?> c : exportersOnClassPath) {
                builder.addClasspath(location(c));
            }
            builder.setProperty("Bundle-SymbolicName", symbolicName);
            builder.setProperty("Bundle-Version", version);
            builder.setProperty("Bundle-Name", symbolicName + " (broken on purpose: " + activator.getSimpleName() + ")");
            if (BundleActivator.class.isAssignableFrom(activator)) {
                builder.setProperty("Bundle-Activator", activator.getName());
                builder.setProperty("-dsannotations", "!*");
            } else {
                builder.setProperty("-dsannotations", activator.getName()); // a Declarative Services component instead
            }
            headers.forEach(builder::setProperty);
            // only the fixture's own package: a fixture bundle must not carry the others (nor their DS components)
            builder.setProperty("Private-Package", activator.getPackageName());
            builder.setProperty("-noextraheaders", "true");
            builder.setProperty("-removeheaders", "Bnd-LastModified,Created-By,Tool");
            Jar jar = builder.build();
            if (!builder.isOk()) {
                throw new IllegalStateException("bnd could not build " + symbolicName + " " + version + ": " + builder.getErrors());
            }
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            jar.write(bytes);
            return bytes.toByteArray();
        }
    }

    /** bndlib logs every step at DEBUG; the test JVM's logback (no configuration) would print it all. */
    private static void quietBnd() {
        if (org.slf4j.LoggerFactory.getLogger("aQute") instanceof ch.qos.logback.classic.Logger logger) {
            logger.setLevel(ch.qos.logback.classic.Level.INFO);
        }
    }

    private static File location(Class<?> c) throws URISyntaxException {
        return new File(c.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    /** @return the main attribute of the manifest of a jar in memory */
    static String header(byte[] jar, String name) throws IOException {
        try (java.util.jar.JarInputStream in = new java.util.jar.JarInputStream(new java.io.ByteArrayInputStream(jar))) {
            return in.getManifest().getMainAttributes().getValue(name);
        }
    }
}
