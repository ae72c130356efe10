package io.dropwise.http.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.Proxy;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.Version;

class ServerStatusTest {

    private static Bundle bundle(String name, String version, int state) {
        return (Bundle) Proxy.newProxyInstance(ServerStatusTest.class.getClassLoader(), new Class<?>[] {Bundle.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getSymbolicName" -> name;
                    case "getVersion" -> Version.parseVersion(version);
                    case "getState" -> state;
                    default -> null;
                });
    }

    @Test
    void listsOnlyDropwiseBundlesSortedWithReadableStates() {
        ServerStatus status = ServerStatus.of("1.2.3", new Bundle[] {
                bundle("org.apache.felix.scr", "2.2.18", Bundle.ACTIVE),
                bundle("io.dropwise.http", "0.2.0", Bundle.RESOLVED),
                bundle("io.dropwise.api", "0.1.0", Bundle.ACTIVE),
                bundle("io.dropwise.http", "0.1.0", Bundle.STOPPING),
                bundle(null, "0.0.0", Bundle.INSTALLED)});
        assertEquals("Dropwise", status.name());
        assertEquals("1.2.3", status.version());
        assertEquals(List.of(
                new ServerStatus.BundleStatus("io.dropwise.api", "0.1.0", "active"),
                new ServerStatus.BundleStatus("io.dropwise.http", "0.1.0", "stopping"),
                new ServerStatus.BundleStatus("io.dropwise.http", "0.2.0", "resolved")), status.bundles());
    }

    @Test
    void anUnknownVersionIsSaidSo() {
        assertEquals("unknown", ServerStatus.of(null, new Bundle[0]).version());
        assertEquals("starting", ServerStatus.stateName(Bundle.STARTING));
        assertEquals("uninstalled", ServerStatus.stateName(Bundle.UNINSTALLED));
        assertEquals("installed", ServerStatus.stateName(Bundle.INSTALLED));
    }
}
