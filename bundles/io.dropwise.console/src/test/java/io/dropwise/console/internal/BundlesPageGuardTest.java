package io.dropwise.console.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.ByteArrayOutputStream;
import java.lang.reflect.Proxy;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import org.junit.jupiter.api.Test;

import jakarta.servlet.http.HttpServletRequest;

class BundlesPageGuardTest {

    private static HttpServletRequest uri(String uri) {
        return (HttpServletRequest) Proxy.newProxyInstance(BundlesPageGuardTest.class.getClassLoader(), new Class<?>[] {HttpServletRequest.class},
                (proxy, m, args) -> m.getName().equals("getRequestURI") ? uri : null);
    }

    @Test
    void theConsoleLabelIsFoundAsTheConsoleFindsIt() {
        // the console resolves /bundles.json and /bundles.x to the bundles page, and /install is its legacy alias
        assertArrayEquals(new String[] {"bundles"}, BundlesPageGuard.consolePath(uri("/system/console/bundles")));
        assertArrayEquals(new String[] {"bundles", "42"}, BundlesPageGuard.consolePath(uri("/system/console/bundles/42")));
        assertArrayEquals(new String[] {"bundles"}, BundlesPageGuard.consolePath(uri("/system/console/bundles.json")));
        assertArrayEquals(new String[] {"install"}, BundlesPageGuard.consolePath(uri("/system/console/install")));
        assertEquals(0, BundlesPageGuard.consolePath(uri("/admin/v1/deployments")).length);
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
        assertEquals("io.dropwise.rules.example", BundlesPageGuard.symbolicName(jar.toByteArray()));
        assertNull(BundlesPageGuard.symbolicName("not a jar".getBytes()));
    }
}
