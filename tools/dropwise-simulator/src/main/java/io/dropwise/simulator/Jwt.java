package io.dropwise.simulator;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs customer tokens with HS256 and a shared secret, as the bank's website does: the server checks them
 * with the same secret ({@code DROPWISE_TOKEN_SECRET}, whose UTF-8 bytes are the key).
 */
public final class Jwt {

    private static final String HEADER = b64("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));

    private final SecretKeySpec key;
    private final ThreadLocal<Mac> mac;

    /** @param key the HMAC key (for a server secret: its UTF-8 bytes) */
    public Jwt(byte[] key) {
        this.key = new SecretKeySpec(key, "HmacSHA256");
        this.mac = ThreadLocal.withInitial(this::newMac);
    }

    /** @return a signer for the server's {@code DROPWISE_TOKEN_SECRET} */
    public static Jwt forSecret(String secret) {
        return new Jwt(secret.getBytes(StandardCharsets.UTF_8));
    }

    private Mac newMac() {
        try {
            Mac m = Mac.getInstance("HmacSHA256");
            m.init(key);
            return m;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available in this JDK", e);
        }
    }

    /**
     * @param customerId the {@code sub}
     * @param tier {@code employee}, {@code vip} or {@code standard}
     * @param expiresAtEpochSecond the {@code exp}
     * @return a signed token with {@code sub}, {@code tier}, {@code cards} (empty) and {@code exp}
     */
    public String customer(String customerId, String tier, long expiresAtEpochSecond) {
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("sub", customerId);
        claims.put("tier", tier);
        claims.put("cards", List.of());
        claims.put("exp", expiresAtEpochSecond);
        return signEncoded(HEADER, b64(Json.write(claims).getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * @param headerJson the header, exactly as its bytes are to be encoded
     * @param payloadJson the payload, likewise
     * @return {@code base64url(header).base64url(payload).base64url(HMAC-SHA256(key, the two joined by a dot))}
     */
    public String sign(String headerJson, String payloadJson) {
        return signEncoded(b64(headerJson.getBytes(StandardCharsets.UTF_8)), b64(payloadJson.getBytes(StandardCharsets.UTF_8)));
    }

    private String signEncoded(String header, String payload) {
        String input = header + "." + payload;
        return input + "." + b64(mac.get().doFinal(input.getBytes(StandardCharsets.US_ASCII)));
    }

    static String b64(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
