package io.dropwise.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * Copies the configuration files shipped in {@code dropwise.jar} (under {@code etc-defaults/}) into
 * the data folder's {@code etc/}, where FileInstall applies them. A file that is already there is
 * the operator's and is never overwritten.
 */
final class DefaultConfiguration {

    static final String PREFIX = "etc-defaults/";

    private DefaultConfiguration() {
    }

    /**
     * @param jar the server jar, or {@code null} when not running from a jar (nothing to copy)
     * @param etc the folder to fill
     * @return the files written
     */
    static List<Path> install(Path jar, Path etc) throws IOException {
        List<Path> written = new ArrayList<>();
        if (jar == null || !Files.isRegularFile(jar)) {
            return written;
        }
        Path root = etc.toAbsolutePath().normalize();
        try (JarFile file = new JarFile(jar.toFile())) {
            for (Enumeration<JarEntry> entries = file.entries(); entries.hasMoreElements();) {
                JarEntry entry = entries.nextElement();
                if (entry.isDirectory() || !entry.getName().startsWith(PREFIX)) {
                    continue;
                }
                Path target = root.resolve(entry.getName().substring(PREFIX.length())).normalize();
                if (!target.startsWith(root) || Files.exists(target)) {
                    continue;
                }
                Files.createDirectories(target.getParent());
                try (InputStream in = file.getInputStream(entry)) {
                    Files.copy(in, target);
                }
                written.add(target);
            }
        }
        return written;
    }
}
