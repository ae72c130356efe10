package io.dropwise.http.internal;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

import org.osgi.framework.Bundle;

/**
 * The body of {@code GET /api/v1/status}.
 *
 * @param name the product
 * @param version the server release
 * @param bundles every {@code io.dropwise.*} bundle with its version and state
 */
public record ServerStatus(String name, String version, List<BundleStatus> bundles) {

    static final String PRODUCT = "Dropwise";
    static final String BUNDLE_PREFIX = "io.dropwise.";

    /**
     * @param symbolicName the bundle symbolic name
     * @param version the bundle version
     * @param state {@code installed}, {@code resolved}, {@code starting}, {@code stopping}, {@code active} or {@code uninstalled}
     */
    public record BundleStatus(String symbolicName, String version, String state) {
    }

    static ServerStatus of(String version, Bundle[] installed) {
        List<BundleStatus> ours = Arrays.stream(installed)
                .filter(b -> b.getSymbolicName() != null && b.getSymbolicName().startsWith(BUNDLE_PREFIX))
                .sorted(Comparator.comparing(Bundle::getSymbolicName).thenComparing(Bundle::getVersion))
                .map(b -> new BundleStatus(b.getSymbolicName(), b.getVersion().toString(), stateName(b.getState())))
                .toList();
        return new ServerStatus(PRODUCT, version == null ? "unknown" : version, ours);
    }

    static String stateName(int state) {
        return switch (state) {
            case Bundle.INSTALLED -> "installed";
            case Bundle.RESOLVED -> "resolved";
            case Bundle.STARTING -> "starting";
            case Bundle.STOPPING -> "stopping";
            case Bundle.ACTIVE -> "active";
            case Bundle.UNINSTALLED -> "uninstalled";
            default -> "unknown-" + Integer.toString(state).toLowerCase(Locale.ROOT);
        };
    }
}
