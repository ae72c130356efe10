package io.dropwise.console.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.lang.reflect.Proxy;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import org.junit.jupiter.api.Test;

import jakarta.servlet.http.HttpServletRequest;

class ConsoleGuardTest {

    private static HttpServletRequest uri(String uri) {
        return (HttpServletRequest) Proxy.newProxyInstance(ConsoleGuardTest.class.getClassLoader(), new Class<?>[] {HttpServletRequest.class},
                (proxy, m, args) -> m.getName().equals("getRequestURI") ? uri : null);
    }

    @Test
    void theConsoleLabelIsFoundAsTheConsoleFindsIt() {
        // the console resolves /bundles.json and /bundles.x to the bundles page, and /install is its legacy alias
        assertArrayEquals(new String[] {"bundles"}, ConsoleGuard.consolePath(uri("/system/console/bundles")));
        assertArrayEquals(new String[] {"bundles", "42"}, ConsoleGuard.consolePath(uri("/system/console/bundles/42")));
        assertArrayEquals(new String[] {"bundles"}, ConsoleGuard.consolePath(uri("/system/console/bundles.json")));
        assertArrayEquals(new String[] {"install"}, ConsoleGuard.consolePath(uri("/system/console/install")));
        assertEquals(0, ConsoleGuard.consolePath(uri("/admin/v1/deployments")).length);
    }

    @Test
    void thePagesThatPrintTheSystemPropertiesAreFoundInEveryFormat() {
        for (String secret : new String[] {"/system/console/status-System%20Properties", "/system/console/status-System Properties.txt",
                "/system/console/status-system%20properties.json", "/system/console/status-System%20Properties.zip",
                "/system/console/config/configuration-status.txt", "/system/console/config/configuration-status.zip"}) {
            assertTrue(ConsoleGuard.showsSecrets(uri(secret)), secret);
        }
        for (String fine : new String[] {"/system/console/status-Bundlelist", "/system/console/config", "/system/console/dropwise",
                "/system/console/status-Framework%20Properties"}) {
            assertFalse(ConsoleGuard.showsSecrets(uri(fine)), fine);
        }
    }

    @Test
    void theSymbolicNameIsReadWithoutItsDirectives() throws Exception {
        Manifest m = new Manifest();
        m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        m.getMainAttributes().putValue("Bundle-SymbolicName", "io.dropwise.rules.example;singleton:=true");
        ByteArrayOutputStream jar = new ByteArrayOutputStream();
        try (JarOutputStream out = new JarOutputStream(jar, m)) {
            out.flush();
        }
        assertEquals("io.dropwise.rules.example", ConsoleGuard.symbolicName(jar.toByteArray()));
        assertNull(ConsoleGuard.symbolicName("not a jar".getBytes()));
    }
}
