package io.dropwise.security.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;

/** A password kept as a salted SHA-256 digest and compared in constant time. */
final class Credential {

    private final byte[] salt = new byte[16];
    private final byte[] digest;

    Credential(String password, SecureRandom random) {
        random.nextBytes(salt);
        digest = digest(password);
    }

    boolean matches(String candidate) {
        return candidate != null && MessageDigest.isEqual(digest, digest(candidate));
    }

    private byte[] digest(String password) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(salt);
            return sha.digest(password.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this Java runtime", e);
        }
    }
}
