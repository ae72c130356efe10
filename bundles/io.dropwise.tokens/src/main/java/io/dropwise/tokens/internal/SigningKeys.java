package io.dropwise.tokens.internal;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The keys customer tokens may be signed with: a shared HS256 secret and/or the public keys of a
 * JWKS document (RSA for RS256, EC P-256 for ES256).
 */
final class SigningKeys {

    /** HS256 secrets shorter than this are refused (RFC 7518 §3.2: at least the hash size). */
    static final int MIN_SECRET_BYTES = 32;

    /**
     * A public key from the JWKS document.
     *
     * @param kid its key id, or {@code null}
     * @param alg the JWS algorithm it verifies: {@code RS256} or {@code ES256}
     * @param key the key
     */
    record PublicJwk(String kid, String alg, PublicKey key) {
    }

    private final byte[] secret;
    private final List<PublicJwk> publicKeys;

    SigningKeys(byte[] secret, List<PublicJwk> publicKeys) {
        this.secret = secret == null ? null : secret.clone();
        this.publicKeys = List.copyOf(publicKeys);
    }

    /**
     * @param secret the HS256 secret (UTF-8), or {@code null}
     * @param jwks the JWKS file, or {@code null}
     * @return the keys
     * @throws IllegalArgumentException naming what is wrong with the configuration
     */
    static SigningKeys configure(String secret, Path jwks, ObjectMapper json) {
        byte[] secretBytes = null;
        if (secret != null) {
            secretBytes = secret.getBytes(StandardCharsets.UTF_8);
            if (secretBytes.length < MIN_SECRET_BYTES) {
                throw new IllegalArgumentException("DROPWISE_TOKEN_SECRET is " + secretBytes.length
                        + " bytes; HS256 needs at least " + MIN_SECRET_BYTES);
            }
        }
        List<PublicJwk> keys = new ArrayList<>();
        if (jwks != null) {
            try {
                keys.addAll(parseJwks(json.readTree(Files.readString(jwks, StandardCharsets.UTF_8))));
            } catch (IOException e) {
                throw new IllegalArgumentException("DROPWISE_TOKEN_JWKS: cannot read " + jwks + ": " + e.getMessage());
            }
            if (keys.isEmpty()) {
                throw new IllegalArgumentException("DROPWISE_TOKEN_JWKS: " + jwks + " holds no RSA or EC P-256 public key");
            }
        }
        return new SigningKeys(secretBytes, keys);
    }

    static List<PublicJwk> parseJwks(JsonNode document) {
        JsonNode array = document.path("keys");
        if (!array.isArray()) {
            throw new IllegalArgumentException("a JWKS document has a \"keys\" array");
        }
        List<PublicJwk> keys = new ArrayList<>();
        for (JsonNode jwk : array) {
            String kid = jwk.hasNonNull("kid") ? jwk.get("kid").asText() : null;
            String use = jwk.path("use").asText("sig");
            if (!"sig".equals(use)) {
                continue;
            }
            try {
                switch (jwk.path("kty").asText()) {
                    case "RSA" -> keys.add(new PublicJwk(kid, "RS256", KeyFactory.getInstance("RSA").generatePublic(
                            new RSAPublicKeySpec(unsigned(jwk, "n"), unsigned(jwk, "e")))));
                    case "EC" -> {
                        if (!"P-256".equals(jwk.path("crv").asText())) {
                            throw new IllegalArgumentException("key " + kid + ": only the P-256 curve (ES256) is supported");
                        }
                        AlgorithmParameters params = AlgorithmParameters.getInstance("EC");
                        params.init(new ECGenParameterSpec("secp256r1"));
                        ECPoint point = new ECPoint(unsigned(jwk, "x"), unsigned(jwk, "y"));
                        keys.add(new PublicJwk(kid, "ES256", KeyFactory.getInstance("EC").generatePublic(
                                new ECPublicKeySpec(point, params.getParameterSpec(ECParameterSpec.class)))));
                    }
                    default -> throw new IllegalArgumentException("key " + kid + ": key type '" + jwk.path("kty").asText()
                            + "' is not supported (RSA or EC)");
                }
            } catch (GeneralSecurityException e) {
                throw new IllegalArgumentException("key " + kid + " is not a valid public key: " + e.getMessage());
            }
        }
        return keys;
    }

    private static BigInteger unsigned(JsonNode jwk, String member) {
        String value = jwk.path(member).asText("");
        if (value.isEmpty()) {
            throw new IllegalArgumentException("key " + jwk.path("kid").asText("(no kid)") + " lacks \"" + member + "\"");
        }
        return new BigInteger(1, Base64.getUrlDecoder().decode(value));
    }

    boolean isEmpty() {
        return secret == null && publicKeys.isEmpty();
    }

    byte[] secret() {
        return secret;
    }

    /**
     * @param alg the token's algorithm
     * @param kid the token's key id, or {@code null}
     * @return the public keys that may have signed it
     */
    List<PublicKey> publicKeysFor(String alg, String kid) {
        List<PublicKey> matching = new ArrayList<>();
        for (PublicJwk jwk : publicKeys) {
            if (jwk.alg().equals(alg) && (kid == null || kid.equals(jwk.kid()))) {
                matching.add(jwk.key());
            }
        }
        return matching;
    }
}
