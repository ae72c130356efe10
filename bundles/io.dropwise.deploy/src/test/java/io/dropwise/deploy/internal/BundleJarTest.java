package io.dropwise.deploy.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import org.junit.jupiter.api.Test;
import org.osgi.framework.Version;

import io.dropwise.api.deploy.InvalidDeploymentException;

class BundleJarTest {

    private static byte[] jar(Map<String, String> headers) throws IOException {
        Manifest m = new Manifest();
        m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        headers.forEach((k, v) -> m.getMainAttributes().putValue(k, v));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JarOutputStream jar = new JarOutputStream(out, m)) {
            jar.flush();
        }
        return out.toByteArray();
    }

    @Test
    void readsNameAndVersionWithoutDirectives() throws Exception {
        BundleJar b = BundleJar.read(jar(Map.of("Bundle-ManifestVersion", "2", "Bundle-SymbolicName", "io.dropwise.rules.x;singleton:=true",
                "Bundle-Version", "1.2.3.v4")));
        assertEquals("io.dropwise.rules.x", b.symbolicName());
        assertEquals(Version.parseVersion("1.2.3.v4"), b.version());
        b.checkAllowed(List.of("io.dropwise."));
    }

    @Test
    void refusesWhatIsNotADeployableBundle() throws Exception {
        assertRefused(new byte[] {1, 2, 3}, "manifest");
        assertRefused(jar(Map.of("Bundle-SymbolicName", "x")), "Bundle-ManifestVersion");
        assertRefused(jar(Map.of("Bundle-ManifestVersion", "2")), "Bundle-SymbolicName");
        assertRefused(jar(Map.of("Bundle-ManifestVersion", "2", "Bundle-SymbolicName", "x", "Bundle-Version", "one")), "Bundle-Version");

        InvalidDeploymentException platform = assertThrows(InvalidDeploymentException.class, () -> BundleJar.read(jar(Map.of(
                "Bundle-ManifestVersion", "2", "Bundle-SymbolicName", "io.dropwise.api"))).checkAllowed(List.of("io.dropwise.")));
        assertTrue(platform.getMessage().contains("platform"), platform.getMessage());
        InvalidDeploymentException outside = assertThrows(InvalidDeploymentException.class, () -> BundleJar.read(jar(Map.of(
                "Bundle-ManifestVersion", "2", "Bundle-SymbolicName", "org.evil.rootkit"))).checkAllowed(List.of("io.dropwise.", "com.example.")));
        assertTrue(outside.getMessage().contains("namespaces"), outside.getMessage());
    }

    private static void assertRefused(byte[] jar, String reasonPart) {
        InvalidDeploymentException e = assertThrows(InvalidDeploymentException.class, () -> BundleJar.read(jar));
        assertTrue(e.getMessage().contains(reasonPart), e.getMessage());
    }
}
