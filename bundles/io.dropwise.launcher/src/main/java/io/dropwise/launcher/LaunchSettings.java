package io.dropwise.launcher;

import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * What the operator asked for, read from {@code -D} options first and environment variables second,
 * and the framework properties that follow from it.
 *
 * @param httpPort the HTTP port
 * @param dataDir the absolute data folder
 * @param adminPassword the operator password chosen for {@code admin}, or {@code null}
 * @param viewerPassword the password of the read-only {@code viewer}, or {@code null}
 * @param otherSettings every other {@code DROPWISE_X_Y} variable as {@code dropwise.x.y} (a
 *        {@code -Ddropwise.x.y} option wins), for the bundles that read them
 */
public record LaunchSettings(int httpPort, Path dataDir, String adminPassword, String viewerPassword,
        Map<String, String> otherSettings) {

    public static final int DEFAULT_HTTP_PORT = 8080;
    public static final String DEFAULT_DATA_DIR = "data";
    private static final String ENV_PREFIX = "DROPWISE_";

    /**
     * @param env the process environment
     * @param system the system properties ({@code -D} options win over the environment)
     * @return the settings
     * @throws IllegalArgumentException naming the setting that is wrong and why
     */
    public static LaunchSettings resolve(Map<String, String> env, Properties system) {
        String port = pick(system, "dropwise.http.port", env, "DROPWISE_HTTP_PORT");
        int httpPort = DEFAULT_HTTP_PORT;
        if (port != null) {
            try {
                httpPort = Integer.parseInt(port.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("DROPWISE_HTTP_PORT / dropwise.http.port must be a number from 1 to 65535, not '" + port + "'");
            }
            if (httpPort < 1 || httpPort > 65535) {
                throw new IllegalArgumentException("DROPWISE_HTTP_PORT / dropwise.http.port must be from 1 to 65535, not " + httpPort);
            }
        }
        String data = pick(system, "dropwise.data", env, "DROPWISE_DATA");
        Path dataDir = Path.of(data == null || data.isBlank() ? DEFAULT_DATA_DIR : data.trim()).toAbsolutePath().normalize();
        if (Files.exists(dataDir) && !Files.isDirectory(dataDir)) {
            throw new IllegalArgumentException("the data folder " + dataDir + " (DROPWISE_DATA / dropwise.data) is a file, not a folder");
        }
        Map<String, String> other = new java.util.TreeMap<>();
        env.forEach((variable, value) -> {
            if (variable.startsWith(ENV_PREFIX) && !value.isEmpty()) {
                other.put(variable.toLowerCase(java.util.Locale.ROOT).replace('_', '.'), value);
            }
        });
        for (String name : system.stringPropertyNames()) {
            if (name.startsWith("dropwise.")) {
                other.put(name, system.getProperty(name));
            }
        }
        for (String known : new String[] {"dropwise.http.port", "dropwise.data", "dropwise.admin.password", "dropwise.viewer.password"}) {
            other.remove(known);
        }
        return new LaunchSettings(httpPort, dataDir,
                pick(system, "dropwise.admin.password", env, "DROPWISE_ADMIN_PASSWORD"),
                pick(system, "dropwise.viewer.password", env, "DROPWISE_VIEWER_PASSWORD"), Map.copyOf(other));
    }

    private static String pick(Properties system, String property, Map<String, String> env, String variable) {
        String value = system.getProperty(property);
        if (value == null || value.isEmpty()) {
            value = env.get(variable);
        }
        return value == null || value.isEmpty() ? null : value;
    }

    /** @return where the framework keeps its bundle cache (rebuilt at every start) */
    public Path frameworkDir() {
        return dataDir.resolve("framework");
    }

    /** @return the folder FileInstall watches for bundles */
    public Path deployDir() {
        return dataDir.resolve("deploy");
    }

    /** @return the folder FileInstall watches for configuration files, and where logback.xml may be overridden */
    public Path etcDir() {
        return dataDir.resolve("etc");
    }

    /**
     * @param defaultLogbackConfig the built-in logging configuration, used unless {@code etc/logback.xml} exists
     * @return the system properties to set before the framework is created
     */
    public Map<String, String> systemProperties(URL defaultLogbackConfig) {
        Map<String, String> p = new LinkedHashMap<>(otherSettings);
        p.put("dropwise.data", dataDir.toString());
        p.put("dropwise.http.port", Integer.toString(httpPort));
        p.put("org.osgi.service.http.port", Integer.toString(httpPort));
        p.put("org.osgi.framework.storage", frameworkDir().toString());
        p.put("felix.fileinstall.dir", deployDir() + "," + etcDir());
        p.put("dropwise.etc", etcDir().toString());
        Path logback = etcDir().resolve("logback.xml");
        if (Files.isRegularFile(logback)) {
            p.put("logback.configurationFile", logback.toString());
        } else if (defaultLogbackConfig != null) {
            p.put("logback.configurationFile", defaultLogbackConfig.toExternalForm());
        }
        if (adminPassword != null) {
            p.put("dropwise.admin.password", adminPassword);
        }
        if (viewerPassword != null) {
            p.put("dropwise.viewer.password", viewerPassword);
        }
        // The Web Console's built-in fallback account is admin/admin. Dropwise's own security
        // provider replaces it, and the console refuses to serve until that provider is present;
        // as a second lock, the fallback gets a random password nobody knows.
        p.put("felix.webconsole.password", randomSecret());
        return p;
    }

    private static String randomSecret() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    @Override
    public String toString() {
        return "LaunchSettings[httpPort=" + httpPort + ", dataDir=" + dataDir + ", adminPassword="
                + (adminPassword == null ? "unset" : "set") + ", viewerPassword=" + (viewerPassword == null ? "unset" : "set")
                + ", otherSettings=" + otherSettings.keySet() + "]";
    }
}
