package io.dropwise.deploy.internal;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarInputStream;
import java.util.jar.Manifest;

import org.osgi.framework.Version;

import io.dropwise.api.deploy.InvalidDeploymentException;

/**
 * What a jar says about itself: its symbolic name and version, read from the manifest, and whether
 * it may be deployed live.
 *
 * @param symbolicName the bundle symbolic name, without directives
 * @param version the bundle version
 */
record BundleJar(String symbolicName, Version version) {

    /** Bundles that are the platform: changing them needs a (rolling) restart. */
    static final List<String> PLATFORM = List.of("io.dropwise.api", "io.dropwise.launcher", "io.dropwise.deploy", "io.dropwise.gateway",
            "io.dropwise.supervisor", "io.dropwise.testkit");

    static BundleJar read(byte[] jar) throws InvalidDeploymentException {
        Manifest manifest;
        try (JarInputStream in = new JarInputStream(new ByteArrayInputStream(jar))) {
            manifest = in.getManifest();
        } catch (IOException e) {
            throw new InvalidDeploymentException("not a jar: " + e.getMessage());
        }
        if (manifest == null) {
            throw new InvalidDeploymentException("the jar has no manifest, so it is not an OSGi bundle");
        }
        Attributes main = manifest.getMainAttributes();
        if (!"2".equals(main.getValue("Bundle-ManifestVersion"))) {
            throw new InvalidDeploymentException("not an OSGi bundle (Bundle-ManifestVersion 2 is missing)");
        }
        String bsn = main.getValue("Bundle-SymbolicName");
        if (bsn == null || bsn.isBlank()) {
            throw new InvalidDeploymentException("the bundle has no Bundle-SymbolicName");
        }
        bsn = bsn.split(";")[0].strip();
        Version version;
        try {
            version = Version.parseVersion(main.getValue("Bundle-Version"));
        } catch (IllegalArgumentException e) {
            throw new InvalidDeploymentException("Bundle-Version is not a version: " + main.getValue("Bundle-Version"));
        }
        return new BundleJar(bsn, version);
    }

    /**
     * @param namespaces the symbolic-name prefixes that may be deployed
     * @throws InvalidDeploymentException when this bundle may not be deployed live
     */
    void checkAllowed(List<String> namespaces) throws InvalidDeploymentException {
        if (PLATFORM.contains(symbolicName)) {
            throw new InvalidDeploymentException(symbolicName + " is part of the platform; upgrade it with a (rolling) restart");
        }
        if (namespaces.stream().noneMatch(symbolicName::startsWith)) {
            throw new InvalidDeploymentException(symbolicName + " is outside the deployable namespaces " + namespaces
                    + " (DROPWISE_DEPLOY_NAMESPACES)");
        }
    }
}
