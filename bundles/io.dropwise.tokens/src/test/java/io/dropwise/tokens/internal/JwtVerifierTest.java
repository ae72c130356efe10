package io.dropwise.tokens.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.dropwise.api.customer.Customer;
import io.dropwise.api.customer.Tier;
import io.dropwise.api.customer.TokenRejectedException;
import io.dropwise.testkit.TestTokens;

class JwtVerifierTest {

    private static final String SECRET = "0123456789abcdef0123456789abcdef-test";
    private static final Instant NOW = Instant.parse("2026-11-27T09:00:00Z");

    private final ObjectMapper json = new ObjectMapper();
    private final TestTokens hs = TestTokens.hs256(SECRET);

    @TempDir
    Path tmp;

    private JwtVerifier verifier(String secret, Path jwks, String issuer, String audience) {
        return new JwtVerifier(SigningKeys.configure(secret, jwks, json), issuer, audience, Clock.fixed(NOW, ZoneOffset.UTC), json);
    }

    private Map<String, Object> claims(String sub, String tier) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("sub", sub);
        c.put("tier", tier);
        c.put("cards", List.of("GOLD", "TRAVEL"));
        c.put("exp", NOW.getEpochSecond() + 600);
        c.put("spend", 750);
        return c;
    }

    @Test
    void readsTheCustomerFromAnHs256Token() throws Exception {
        Customer c = verifier(SECRET, null, null, null).verify(hs.sign(claims("c-1", "vip")));
        assertEquals("c-1", c.id());
        assertEquals(Tier.VIP, c.tier());
        assertEquals(Set.of("GOLD", "TRAVEL"), c.cards());
        assertEquals(750, c.attributes().get("spend"));
        assertTrue(!c.attributes().containsKey("exp") && !c.attributes().containsKey("sub"));
    }

    @Test
    void verifiesRs256AndEs256WithTheJwksPublicKeys() throws Exception {
        TestTokens[][] signerAndImpostor = {
            {TestTokens.rs256("bank-rsa"), TestTokens.rs256("bank-rsa")},
            {TestTokens.es256("bank-ec"), TestTokens.es256("bank-ec")}};
        for (TestTokens[] pair : signerAndImpostor) {
            Path jwks = Files.writeString(tmp.resolve("jwks-" + System.nanoTime() + ".json"), pair[0].jwks());
            JwtVerifier verifier = verifier(null, jwks, null, null);
            assertEquals("c-2", verifier.verify(pair[0].sign(claims("c-2", "standard"))).id());
            // a token signed by another key pair under the same kid is refused
            assertRejected(verifier, pair[1].sign(claims("c-2", "standard")), "signature");
        }
    }

    @Test
    void refusesForgedAndUnacceptedTokens() {
        JwtVerifier verifier = verifier(SECRET, null, null, null);
        Map<String, Object> good = claims("c-3", "employee");
        String token = hs.sign(good);
        String[] parts = token.split("\\.");

        assertRejected(verifier, null, "no token");
        assertRejected(verifier, "", "no token");
        assertRejected(verifier, "abc.def", "three");
        assertRejected(verifier, TestTokens.hs256(SECRET + "-other").sign(good), "signature");
        // payload swapped after signing
        String tampered = parts[0] + "." + b64("{\"sub\":\"c-3\",\"tier\":\"employee\",\"exp\":" + (NOW.getEpochSecond() + 600) + ",\"x\":1}") + "." + parts[2];
        assertRejected(verifier, tampered, "signature");
        // alg none, with or without a signature
        String none = b64("{\"alg\":\"none\"}") + "." + parts[1] + ".";
        assertRejected(verifier, none, "algorithm");
        assertRejected(verifier, hs.signWithHeader(Map.of("alg", "HS512"), good), "algorithm");
        assertRejected(verifier, "!!!." + parts[1] + "." + parts[2], "base64url");
        assertRejected(verifier, b64("[1,2]") + "." + parts[1] + "." + parts[2], "JSON object");
        assertRejected(verifier, "x".repeat(JwtVerifier.MAX_TOKEN_LENGTH + 1), "longer");
    }

    @Test
    void whatOneTokenLeavesBehindNeverDecidesTheNext() throws Exception {
        // the verifier keeps parsed headers and a keyed HMAC between tokens: each token is still checked in full
        JwtVerifier verifier = verifier(SECRET, null, null, null);
        String crit = hs.signWithHeader(Map.of("alg", "HS256", "crit", List.of("exp")), claims("c-5", "vip"));
        for (int round = 0; round < 3; round++) {
            String good = hs.sign(claims("c-" + round, "vip"));
            assertEquals("c-" + round, verifier.verify(good).id());
            String[] parts = good.split("\\.");
            assertRejected(verifier, parts[0] + "." + b64("{\"sub\":\"thief\",\"tier\":\"vip\",\"exp\":" + (NOW.getEpochSecond() + 600) + "}")
                    + "." + parts[2], "signature");
            assertRejected(verifier, TestTokens.hs256(SECRET + "-other").sign(claims("c-" + round, "vip")), "signature");
            assertRejected(verifier, crit, "critical");
        }
    }

    @Test
    void anHs256TokenSignedWithThePublicKeyIsRefused() throws Exception {
        // the classic key-confusion attack: the attacker HMACs with the published RSA key
        TestTokens rsa = TestTokens.rs256("k");
        Path jwks = Files.writeString(tmp.resolve("jwks.json"), rsa.jwks());
        JwtVerifier verifier = verifier(null, jwks, null, null);
        String forged = TestTokens.hs256(rsa.jwks()).sign(claims("c-4", "vip"));
        assertRejected(verifier, forged, "algorithm");
    }

    @Test
    void checksExpiryNotBeforeIssuerAndAudience() {
        Map<String, Object> expired = claims("c-5", "vip");
        expired.put("exp", NOW.getEpochSecond() - 120);
        assertRejected(verifier(SECRET, null, null, null), hs.sign(expired), "expired");

        Map<String, Object> noExp = claims("c-5", "vip");
        noExp.remove("exp");
        assertRejected(verifier(SECRET, null, null, null), hs.sign(noExp), "exp");

        Map<String, Object> early = claims("c-5", "vip");
        early.put("nbf", NOW.getEpochSecond() + 3600);
        assertRejected(verifier(SECRET, null, null, null), hs.sign(early), "nbf");

        Map<String, Object> withIss = claims("c-5", "vip");
        withIss.put("iss", "https://bank.example");
        withIss.put("aud", List.of("rewards", "other"));
        assertEquals("c-5", assertDoesNotThrow(() -> verifier(SECRET, null, "https://bank.example", "rewards").verify(hs.sign(withIss))).id());
        assertRejected(verifier(SECRET, null, "https://evil.example", null), hs.sign(withIss), "issuer");
        assertRejected(verifier(SECRET, null, null, "payments"), hs.sign(withIss), "audience");
    }

    @Test
    void requiresACustomerIdAndAKnownTier() {
        JwtVerifier verifier = verifier(SECRET, null, null, null);
        assertRejected(verifier, hs.sign(claims("", "vip")), "sub");
        assertRejected(verifier, hs.sign(claims("c-6", "platinum")), "tier");
        Map<String, Object> badCards = claims("c-6", "vip");
        badCards.put("cards", "GOLD");
        assertRejected(verifier, hs.sign(badCards), "cards");
    }

    @Test
    void configurationMistakesAreNamed() {
        IllegalArgumentException shortSecret = assertThrows(IllegalArgumentException.class,
                () -> SigningKeys.configure("too-short", null, json));
        assertTrue(shortSecret.getMessage().contains("DROPWISE_TOKEN_SECRET"));
        IllegalArgumentException missingFile = assertThrows(IllegalArgumentException.class,
                () -> SigningKeys.configure(null, tmp.resolve("missing.json"), json));
        assertTrue(missingFile.getMessage().contains("DROPWISE_TOKEN_JWKS"));
    }

    private static <T> T assertDoesNotThrow(org.junit.jupiter.api.function.ThrowingSupplier<T> s) {
        return org.junit.jupiter.api.Assertions.assertDoesNotThrow(s);
    }

    private static void assertRejected(JwtVerifier verifier, String token, String reasonPart) {
        TokenRejectedException e = assertThrows(TokenRejectedException.class, () -> verifier.verify(token));
        assertTrue(e.getMessage().contains(reasonPart), "reason '" + e.getMessage() + "' should mention '" + reasonPart + "'");
    }

    private static String b64(String s) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }
}
