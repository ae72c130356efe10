package io.dropwise.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LaunchSettingsTest {

    @TempDir
    Path tmp;

    @Test
    void defaultsArePort8080AndDataInTheWorkingFolder() {
        LaunchSettings s = LaunchSettings.resolve(Map.of(), new Properties());
        assertEquals(8080, s.httpPort());
        assertEquals(Path.of("data").toAbsolutePath().normalize(), s.dataDir());
        assertNull(s.adminPassword());
    }

    @Test
    void environmentVariablesAreRead() {
        LaunchSettings s = LaunchSettings.resolve(Map.of("DROPWISE_HTTP_PORT", "9090", "DROPWISE_DATA", tmp.toString(),
                "DROPWISE_ADMIN_PASSWORD", "a-strong-password"), new Properties());
        assertEquals(9090, s.httpPort());
        assertEquals(tmp, s.dataDir());
        assertEquals("a-strong-password", s.adminPassword());
    }

    @Test
    void systemPropertiesWinOverTheEnvironment() {
        Properties system = new Properties();
        system.setProperty("dropwise.http.port", "7070");
        system.setProperty("dropwise.data", tmp.resolve("other").toString());
        LaunchSettings s = LaunchSettings.resolve(Map.of("DROPWISE_HTTP_PORT", "9090", "DROPWISE_DATA", tmp.toString()), system);
        assertEquals(7070, s.httpPort());
        assertEquals(tmp.resolve("other"), s.dataDir());
    }

    @Test
    void aBadPortIsRefusedWithTheSettingNamed() {
        IllegalArgumentException notANumber = assertThrows(IllegalArgumentException.class,
                () -> LaunchSettings.resolve(Map.of("DROPWISE_HTTP_PORT", "eighty"), new Properties()));
        assertTrue(notANumber.getMessage().contains("DROPWISE_HTTP_PORT"), notANumber.getMessage());
        assertThrows(IllegalArgumentException.class, () -> LaunchSettings.resolve(Map.of("DROPWISE_HTTP_PORT", "0"), new Properties()));
        assertThrows(IllegalArgumentException.class, () -> LaunchSettings.resolve(Map.of("DROPWISE_HTTP_PORT", "65536"), new Properties()));
    }

    @Test
    void aDataFolderThatIsAFileIsRefused() throws IOException {
        Path file = Files.writeString(tmp.resolve("file"), "x");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LaunchSettings.resolve(Map.of("DROPWISE_DATA", file.toString()), new Properties()));
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    }

    @Test
    void frameworkPropertiesFollowFromTheSettings() throws IOException {
        LaunchSettings s = LaunchSettings.resolve(Map.of("DROPWISE_HTTP_PORT", "9191", "DROPWISE_DATA", tmp.toString()), new Properties());
        URL fallback = tmp.toUri().toURL();
        Map<String, String> p = s.systemProperties(fallback);
        assertEquals("9191", p.get("org.osgi.service.http.port"));
        assertEquals(tmp.resolve("framework").toString(), p.get("org.osgi.framework.storage"));
        assertEquals(tmp.resolve("deploy") + "," + tmp.resolve("etc"), p.get("felix.fileinstall.dir"));
        assertEquals(fallback.toExternalForm(), p.get("logback.configurationFile"));
        assertFalse(p.containsKey("dropwise.admin.password"));
        // the Web Console's fallback account never keeps its well-known password
        assertNotEquals("admin", p.get("felix.webconsole.password"));
        assertTrue(p.get("felix.webconsole.password").length() >= 40);

        Files.createDirectories(s.etcDir());
        Files.writeString(s.etcDir().resolve("logback.xml"), "<configuration/>");
        assertEquals(s.etcDir().resolve("logback.xml").toString(), s.systemProperties(fallback).get("logback.configurationFile"));
    }

    @Test
    void otherDropwiseVariablesBecomeFrameworkProperties() {
        Properties system = new Properties();
        system.setProperty("dropwise.token.issuer", "from-option");
        LaunchSettings s = LaunchSettings.resolve(Map.of("DROPWISE_TOKEN_SECRET", "s3cret", "DROPWISE_TOKEN_ISSUER", "from-env",
                "DROPWISE_JDBC_URL", "jdbc:postgresql://127.0.0.1/x", "PATH", "/usr/bin"), system);
        Map<String, String> p = s.systemProperties(null);
        assertEquals("s3cret", p.get("dropwise.token.secret"));
        assertEquals("from-option", p.get("dropwise.token.issuer"));
        assertEquals("jdbc:postgresql://127.0.0.1/x", p.get("dropwise.jdbc.url"));
        assertFalse(p.containsKey("path"));
        assertFalse(s.toString().contains("s3cret"));
    }

    @Test
    void passwordsAreNotPrinted() {
        LaunchSettings s = LaunchSettings.resolve(Map.of("DROPWISE_ADMIN_PASSWORD", "a-strong-password"), new Properties());
        assertFalse(s.toString().contains("a-strong-password"));
    }
}
