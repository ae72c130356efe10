package io.dropwise.deploy.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.FileInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.CertPath;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.zip.ZipFile;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.dropwise.api.deploy.InvalidDeploymentException;
import jdk.security.jarsigner.JarSigner;

/** Real signatures: keys made with the JDK's keytool, jars signed with the JDK's JarSigner API. */
class TrustedSignersTest {

    @TempDir
    Path dir;

    private Path unsigned;

    @BeforeEach
    void jar() throws Exception {
        Manifest m = new Manifest();
        m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        m.getMainAttributes().putValue("Bundle-ManifestVersion", "2");
        m.getMainAttributes().putValue("Bundle-SymbolicName", "io.dropwise.rules.signed");
        unsigned = dir.resolve("unsigned.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(unsigned), m)) {
            byte[] content = "not really a class".getBytes(StandardCharsets.UTF_8);
            JarEntry entry = new JarEntry("com/example/Rule.class");
            // stored, not deflated: the test below changes a byte of it after signing
            entry.setMethod(JarEntry.STORED);
            entry.setSize(content.length);
            java.util.zip.CRC32 crc = new java.util.zip.CRC32();
            crc.update(content);
            entry.setCrc(crc.getValue());
            out.putNextEntry(entry);
            out.write(content);
            out.closeEntry();
        }
    }

    private KeyStore keys(String alias) throws Exception {
        Path store = dir.resolve(alias + ".p12");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(), "-genkeypair", "-keystore",
                store.toString(), "-storetype", "PKCS12", "-storepass", "changeit", "-alias", alias, "-keyalg", "EC", "-dname",
                "CN=" + alias, "-validity", "2").redirectErrorStream(true).start();
        assertEquals(0, p.waitFor(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = new FileInputStream(store.toFile())) {
            ks.load(in, "changeit".toCharArray());
        }
        return ks;
    }

    private byte[] sign(KeyStore ks, String alias) throws Exception {
        PrivateKey key = (PrivateKey) ks.getKey(alias, "changeit".toCharArray());
        CertPath path = CertificateFactory.getInstance("X.509").generateCertPath(List.of(ks.getCertificateChain(alias)));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipFile zip = new ZipFile(unsigned.toFile())) {
            new JarSigner.Builder(key, path).build().sign(zip, out);
        }
        return out.toByteArray();
    }

    private Path trust(KeyStore ks, String alias) throws Exception {
        Path folder = Files.createDirectories(dir.resolve("trusted-signers"));
        Files.write(folder.resolve(alias + ".cer"), ((X509Certificate) ks.getCertificate(alias)).getEncoded());
        return folder;
    }

    @Test
    void withoutTrustedCertificatesNothingIsRequired() throws Exception {
        TrustedSigners none = TrustedSigners.load(dir.resolve("missing"));
        assertFalse(none.required());
        none.check(Files.readAllBytes(unsigned));
    }

    @Test
    void onlyJarsSignedByATrustedCertificatePass() throws Exception {
        KeyStore bank = keys("bank");
        KeyStore stranger = keys("stranger");
        TrustedSigners trusted = TrustedSigners.load(trust(bank, "bank"));
        assertTrue(trusted.required());

        trusted.check(sign(bank, "bank"));
        assertRefused(trusted, Files.readAllBytes(unsigned), "not signed");
        assertRefused(trusted, sign(stranger, "stranger"), "not signed by a trusted certificate");

        byte[] tampered = sign(bank, "bank");
        byte[] marker = "not really a class".getBytes(StandardCharsets.UTF_8);
        int at = indexOf(tampered, marker);
        assertTrue(at >= 0, "the signed entry is stored uncompressed");
        tampered[at] = 'N';
        // the zip's CRC no longer matches either: whichever check notices first, the jar is refused
        assertThrows(InvalidDeploymentException.class, () -> trusted.check(tampered));
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static void assertRefused(TrustedSigners trusted, byte[] jar, String reasonPart) {
        InvalidDeploymentException e = assertThrows(InvalidDeploymentException.class, () -> trusted.check(jar));
        assertTrue(e.getMessage().contains(reasonPart), e.getMessage());
    }
}
