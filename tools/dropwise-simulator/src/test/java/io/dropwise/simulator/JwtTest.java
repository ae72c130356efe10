package io.dropwise.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class JwtTest {

    /** RFC 7515, appendix A.1: the JWS example with HMAC SHA-256, byte for byte (the header and payload hold CR LF). */
    @Test
    void rfc7515AppendixA1() {
        byte[] key = Base64.getUrlDecoder().decode("AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow");
        String token = new Jwt(key).sign("{\"typ\":\"JWT\",\r\n \"alg\":\"HS256\"}",
                "{\"iss\":\"joe\",\r\n \"exp\":1300819380,\r\n \"http://example.com/is_root\":true}");
        assertEquals("eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9"
                + ".eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ"
                + ".dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk", token);
    }

    /** The jwt.io example: a secret used as its UTF-8 bytes, as the server's DROPWISE_TOKEN_SECRET is. */
    @Test
    void secretAsUtf8Bytes() {
        String token = Jwt.forSecret("your-256-bit-secret").sign("{\"alg\":\"HS256\",\"typ\":\"JWT\"}",
                "{\"sub\":\"1234567890\",\"name\":\"John Doe\",\"iat\":1516239022}");
        assertEquals("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ"
                + ".SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c", token);
    }

    @Test
    void customerTokenCarriesWhatTheServerRequires() {
        Jwt jwt = Jwt.forSecret("0123456789abcdef0123456789abcdef");
        String token = jwt.customer("sim-1-42", "vip", 1_900_000_000L);
        String[] parts = token.split("\\.");
        assertEquals(3, parts.length);
        assertEquals(Map.of("alg", "HS256", "typ", "JWT"), Json.parse(decode(parts[0])));
        assertEquals(Map.of("sub", "sim-1-42", "tier", "vip", "cards", List.of(), "exp", 1_900_000_000L), Json.parse(decode(parts[1])));
        // the signature is the HMAC of the first two parts: signing them again gives the same token
        assertEquals(token, jwt.sign(decode(parts[0]), decode(parts[1])));
        assertNotEquals(token, Jwt.forSecret("0123456789abcdef0123456789abcdeX").customer("sim-1-42", "vip", 1_900_000_000L));
    }

    private static String decode(String part) {
        return new String(Base64.getUrlDecoder().decode(part), StandardCharsets.UTF_8);
    }
}
