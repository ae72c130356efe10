package io.dropwise.api;

/**
 * Framework properties the Dropwise launcher sets before any bundle starts, read with
 * {@code BundleContext.getProperty(name)}.
 *
 * <p>Operators set them through environment variables ({@code DROPWISE_HTTP_PORT},
 * {@code DROPWISE_DATA}, ...) or the matching {@code -Ddropwise....} options; see
 * {@code docs/operations.md}.
 */
public final class ServerProperties {

    /** Absolute path of the data folder: database, logs, deployed bundles, operator secrets. */
    public static final String DATA_DIR = "dropwise.data";

    /** The release of the Dropwise server, as built (for example {@code 0.1.0-SNAPSHOT}). */
    public static final String VERSION = "dropwise.version";

    /** The operator password for the {@code admin} account, when the operator chose one. */
    public static final String ADMIN_PASSWORD = "dropwise.admin.password";

    /** The password of the read-only {@code viewer} account; the account exists only when set. */
    public static final String VIEWER_PASSWORD = "dropwise.viewer.password";

    private ServerProperties() {
    }
}
