package io.dropwise.deploy.internal;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSigner;
import java.security.GeneralSecurityException;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;

import io.dropwise.api.deploy.InvalidDeploymentException;

/**
 * The certificates deployed bundles must be signed with, when the operator put any in
 * {@code <data>/etc/trusted-signers/} (PEM or DER, {@code *.pem}, {@code *.crt}, {@code *.cer}).
 * With none there, signatures are not required.
 */
final class TrustedSigners {

    private final List<X509Certificate> trusted;

    private TrustedSigners(List<X509Certificate> trusted) {
        this.trusted = List.copyOf(trusted);
    }

    static TrustedSigners load(Path folder) throws IOException, GeneralSecurityException {
        List<X509Certificate> certs = new ArrayList<>();
        if (Files.isDirectory(folder)) {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            try (DirectoryStream<Path> files = Files.newDirectoryStream(folder, "*.{pem,crt,cer}")) {
                for (Path f : files) {
                    try (InputStream in = Files.newInputStream(f)) {
                        for (Certificate c : factory.generateCertificates(in)) {
                            certs.add((X509Certificate) c);
                        }
                    }
                }
            }
        }
        return new TrustedSigners(certs);
    }

    boolean required() {
        return !trusted.isEmpty();
    }

    int size() {
        return trusted.size();
    }

    /** @throws InvalidDeploymentException unless every entry of the jar is signed by a trusted certificate (or one it issued) */
    void check(byte[] jar) throws InvalidDeploymentException {
        if (!required()) {
            return;
        }
        int signed = 0;
        try (JarInputStream in = new JarInputStream(new ByteArrayInputStream(jar), true)) {
            byte[] buffer = new byte[8192];
            for (JarEntry e = in.getNextJarEntry(); e != null; e = in.getNextJarEntry()) {
                while (in.read(buffer) >= 0) {
                    // reading the entry to its end makes the verifier check its digest
                }
                if (e.isDirectory() || e.getName().startsWith("META-INF/")) {
                    continue;
                }
                CodeSigner[] signers = e.getCodeSigners();
                if (signers == null || !trustedAmong(signers)) {
                    throw new InvalidDeploymentException("entry " + e.getName() + " is not signed by a trusted certificate (etc/trusted-signers)");
                }
                signed++;
            }
        } catch (SecurityException | IOException e) {
            throw new InvalidDeploymentException("the jar's signature is invalid: " + e.getMessage());
        }
        if (signed == 0) {
            throw new InvalidDeploymentException("the jar is not signed; only bundles signed by a trusted certificate are accepted");
        }
    }

    private boolean trustedAmong(CodeSigner[] signers) {
        for (CodeSigner s : signers) {
            Certificate signer = s.getSignerCertPath().getCertificates().get(0);
            for (X509Certificate t : trusted) {
                if (t.equals(signer)) {
                    return true;
                }
                try {
                    signer.verify(t.getPublicKey());
                    return true;
                } catch (GeneralSecurityException notIssuedByThis) {
                    // try the next trusted certificate
                }
            }
        }
        return false;
    }
}
