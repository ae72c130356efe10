package io.dropwise.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DefaultConfigurationTest {

    @TempDir
    Path tmp;

    private Path jar(String... namesAndContents) throws IOException {
        Path jar = tmp.resolve("server.jar");
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream zip = new JarOutputStream(out)) {
            for (int i = 0; i < namesAndContents.length; i += 2) {
                zip.putNextEntry(new JarEntry(namesAndContents[i]));
                zip.write(namesAndContents[i + 1].getBytes(StandardCharsets.UTF_8));
                zip.closeEntry();
            }
        }
        return jar;
    }

    @Test
    void copiesShippedDefaultsOnlyWhereTheOperatorHasNoFile() throws IOException {
        Path etc = tmp.resolve("etc");
        Files.createDirectories(etc);
        Files.writeString(etc.resolve("b.config"), "mine");
        Path jar = jar("etc-defaults/a.config", "shipped-a", "etc-defaults/b.config", "shipped-b", "other/c.config", "not config");

        List<Path> written = DefaultConfiguration.install(jar, etc);

        assertEquals(List.of(etc.resolve("a.config")), written);
        assertEquals("shipped-a", Files.readString(etc.resolve("a.config")));
        assertEquals("mine", Files.readString(etc.resolve("b.config")));
        assertFalse(Files.exists(etc.resolve("c.config")));
        assertTrue(DefaultConfiguration.install(jar, etc).isEmpty(), "a second start writes nothing");
    }

    @Test
    void neverWritesOutsideTheFolder() throws IOException {
        Path etc = tmp.resolve("etc");
        Path jar = jar("etc-defaults/../escaped.config", "x");
        assertTrue(DefaultConfiguration.install(jar, etc).isEmpty());
        assertFalse(Files.exists(tmp.resolve("escaped.config")));
    }

    @Test
    void notRunningFromAJarMeansNothingToCopy() throws IOException {
        assertTrue(DefaultConfiguration.install(null, tmp).isEmpty());
        assertTrue(DefaultConfiguration.install(tmp, tmp).isEmpty());
    }
}
