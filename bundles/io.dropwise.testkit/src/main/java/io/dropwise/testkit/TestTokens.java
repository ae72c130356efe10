package io.dropwise.testkit;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Mints customer tokens the way the bank's website would, for tests: HS256 with a shared secret,
 * RS256 or ES256 with a key pair whose public half is published as a JWKS document.
 */
public final class TestTokens {

    private final ObjectMapper json = new ObjectMapper();
    private final String alg;
    private final byte[] secret;
    private final KeyPair keyPair;
    private final String kid;

    private TestTokens(String alg, byte[] secret, KeyPair keyPair, String kid) {
        this.alg = alg;
        this.secret = secret;
        this.keyPair = keyPair;
        this.kid = kid;
    }

    /** @param secret the shared secret, as the server's {@code DROPWISE_TOKEN_SECRET} */
    public static TestTokens hs256(String secret) {
        return new TestTokens("HS256", secret.getBytes(StandardCharsets.UTF_8), null, null);
    }

    /** @return tokens signed with a fresh 2048-bit RSA key */
    public static TestTokens rs256(String kid) {
        return new TestTokens("RS256", null, generate("RSA", null), kid);
    }

    /** @return tokens signed with a fresh P-256 key */
    public static TestTokens es256(String kid) {
        return new TestTokens("ES256", null, generate("EC", new ECGenParameterSpec("secp256r1")), kid);
    }

    private static KeyPair generate(String type, ECGenParameterSpec spec) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance(type);
            if (spec != null) {
                generator.initialize(spec);
            } else {
                generator.initialize(2048);
            }
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * @param customerId the {@code sub}
     * @param tier {@code employee}, {@code vip} or {@code standard}
     * @param cards card-product codes
     * @return a token valid for one hour
     */
    public String customer(String customerId, String tier, String... cards) {
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("sub", customerId);
        claims.put("tier", tier);
        claims.put("cards", Arrays.asList(cards));
        claims.put("exp", Instant.now().plus(Duration.ofHours(1)).getEpochSecond());
        return sign(claims);
    }

    /** @param claims any claims, as given (for tests of bad tokens) */
    public String sign(Map<String, ?> claims) {
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("alg", alg);
        header.put("typ", "JWT");
        if (kid != null) {
            header.put("kid", kid);
        }
        return signWithHeader(header, claims);
    }

    /** @param header a header, as given (for tests of forged tokens) */
    public String signWithHeader(Map<String, ?> header, Map<String, ?> claims) {
        String input = encode(header) + "." + encode(claims);
        return input + "." + b64(signature(input.getBytes(StandardCharsets.US_ASCII)));
    }

    private byte[] signature(byte[] input) {
        try {
            switch (alg) {
                case "HS256" -> {
                    Mac mac = Mac.getInstance("HmacSHA256");
                    mac.init(new SecretKeySpec(secret, "HmacSHA256"));
                    return mac.doFinal(input);
                }
                case "RS256", "ES256" -> {
                    Signature s = Signature.getInstance(alg.equals("RS256") ? "SHA256withRSA" : "SHA256withECDSAinP1363Format");
                    s.initSign(keyPair.getPrivate());
                    s.update(input);
                    return s.sign();
                }
                default -> throw new IllegalStateException(alg);
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** @return the JWKS document with this signer's public key (RS256/ES256 only) */
    public String jwks() {
        Map<String, Object> jwk = new LinkedHashMap<>();
        if (keyPair.getPublic() instanceof RSAPublicKey rsa) {
            jwk.put("kty", "RSA");
            jwk.put("n", b64(unsigned(rsa.getModulus())));
            jwk.put("e", b64(unsigned(rsa.getPublicExponent())));
        } else if (keyPair.getPublic() instanceof ECPublicKey ec) {
            jwk.put("kty", "EC");
            jwk.put("crv", "P-256");
            jwk.put("x", b64(fixed(ec.getW().getAffineX())));
            jwk.put("y", b64(fixed(ec.getW().getAffineY())));
        } else {
            throw new IllegalStateException("HS256 has no public key");
        }
        jwk.put("use", "sig");
        if (kid != null) {
            jwk.put("kid", kid);
        }
        try {
            return json.writeValueAsString(Map.of("keys", List.of(jwk)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] unsigned(BigInteger value) {
        byte[] bytes = value.toByteArray();
        return bytes[0] == 0 && bytes.length > 1 ? Arrays.copyOfRange(bytes, 1, bytes.length) : bytes;
    }

    private static byte[] fixed(BigInteger coordinate) {
        byte[] raw = unsigned(coordinate);
        byte[] out = new byte[32];
        System.arraycopy(raw, 0, out, 32 - raw.length, raw.length);
        return out;
    }

    private String encode(Map<String, ?> map) {
        try {
            return b64(json.writeValueAsBytes(map));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String b64(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
