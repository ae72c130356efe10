package io.dropwise.runtime.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.dropwise.testkit.TestTokens;

/**
 * A drop opens tier by tier (employees first, then VIPs 4 s later, then everybody 8 s later): before
 * its tier's opening a customer is refused with the time it opens for them, after it they are
 * served. And customer tokens that are expired, forged or unsigned are refused.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(60)
class TierWindowIT {

    private static final Duration FIRST_OPENING = Duration.ofSeconds(1);
    private static final Map<String, Duration> OFFSETS = Map.of(
            "employee", Duration.ZERO, "vip", Duration.ofSeconds(4), "standard", Duration.ofSeconds(8));
    /** Server and test share the machine's clock; this much is allowed for rounding between them. */
    private static final Duration CLOCK_SLACK = Duration.ofMillis(50);
    /** How long after a tier's opening the test keeps asking before it gives up. */
    private static final Duration SERVE_WITHIN = Duration.ofSeconds(3);

    @RegisterExtension
    final KeepLogsOnFailure logs = new KeepLogsOnFailure();

    private final String secret = DropsClient.newTokenSecret();
    private DropwiseServer server;
    private DropsClient api;

    @BeforeAll
    void start() throws Exception {
        server = DropsClient.configure(DropwiseServer.builder().name("tiers").keepLogsWith(logs), secret).start();
        server.awaitReady(Duration.ofSeconds(30));
        api = new DropsClient(server, secret);
        api.awaitApi(Duration.ofSeconds(20));
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void eachTierIsRefusedBeforeItsOpeningAndServedAfter() throws Exception {
        // the first claims of a fresh server are slow (class loading); warm up on another drop
        String warmUp = api.createDrop(drop("Warm-up", DropsClient.inMillis(Duration.ofMinutes(-1)), 1)).path("id").asText();
        api.claim(api.token("warm-up", "standard"), warmUp, "warm-up");

        Instant opensAt = DropsClient.inMillis(FIRST_OPENING);
        JsonNode created = api.createDrop(drop("Tiered", opensAt, 10));
        String dropId = created.path("id").asText();
        Map<String, Instant> opening = new LinkedHashMap<>();
        for (String tier : DropsClient.TIERS) {
            opening.put(tier, opensAt.plus(OFFSETS.get(tier)));
            assertEquals(opening.get(tier), Instant.parse(created.path("opensAtPerTier").path(tier).asText()),
                    "opensAtPerTier." + tier + " of the created drop: " + created);
        }

        Map<String, String> tokens = new LinkedHashMap<>();
        Map<String, String> keys = new LinkedHashMap<>();
        for (String tier : DropsClient.TIERS) {
            tokens.put(tier, api.token("tiers-" + tier, tier));
            keys.put(tier, UUID.randomUUID().toString());
        }
        // right after creation, nobody is in yet
        for (String tier : DropsClient.TIERS) {
            assertRefusedUntil(opening.get(tier), tier, dropId, tokens.get(tier), keys.get(tier));
        }
        // then tier by tier: served at its opening, while the next tier is still refused
        for (int i = 0; i < DropsClient.TIERS.size(); i++) {
            String tier = DropsClient.TIERS.get(i);
            if (i > 0) {
                assertRefusedUntil(opening.get(tier), tier, dropId, tokens.get(tier), keys.get(tier));
            }
            Duration after = assertServedFrom(opening.get(tier), tier, dropId, tokens.get(tier), keys.get(tier));
            System.out.printf("TierWindowIT: %s customer served %d ms after the drop opened for %s (%s)%n",
                    tier, after.toMillis(), tier, opening.get(tier));
        }
        JsonNode stats = api.adminDrop(dropId).path("stats");
        assertEquals(3, stats.path("claimed").asInt(-1), "stats: " + stats);
        for (String tier : DropsClient.TIERS) {
            assertEquals(1, stats.path("perTier").path(tier).asInt(-1), tier + " in stats: " + stats);
        }
    }

    /** Claims as a customer of the tier, now, before the tier's opening: 403 not-open-for-tier naming that opening. */
    private void assertRefusedUntil(Instant opening, String tier, String dropId, String token, String key) throws Exception {
        Instant sent = Instant.now();
        HttpResponse<String> response = api.claim(token, dropId, key);
        assertTrue(sent.isBefore(opening), "the test was too slow to ask before the drop opened for " + tier
                + " at " + opening + " (asked at " + sent + ")");
        assertEquals(403, response.statusCode(), tier + " customer at " + sent + ", before " + opening + ": " + response.body());
        assertEquals("application/problem+json", DropsClient.mediaType(response));
        JsonNode problem = api.body(response);
        assertEquals("not-open-for-tier", api.problem(response), response.body());
        assertEquals(403, problem.path("status").asInt(), response.body());
        assertEquals(opening, Instant.parse(problem.path("opensAt").asText()), "opensAt of the problem: " + response.body());
    }

    /**
     * Waits until the tier's opening, then claims as that customer until served (for at most
     * {@link #SERVE_WITHIN}): a 403 must have been sent before the opening, a 201 answered after it.
     *
     * @return how long after the opening the customer was served
     */
    private Duration assertServedFrom(Instant opening, String tier, String dropId, String token, String key) throws Exception {
        Instant giveUp = opening.plus(SERVE_WITHIN);
        int refusedAfterOpening = 0;
        while (true) {
            Duration untilOpening = Duration.between(Instant.now(), opening);
            if (!untilOpening.isNegative() && !untilOpening.isZero()) {
                Thread.sleep(untilOpening.toMillis() + 1);
                continue;
            }
            Instant sent = Instant.now();
            HttpResponse<String> response = api.claim(token, dropId, key);
            Instant answered = Instant.now();
            if (response.statusCode() == 201) {
                assertFalse(answered.isBefore(opening), tier + " customer served at " + answered + ", before " + opening);
                JsonNode claim = api.body(response);
                assertEquals("claimed", claim.path("status").asText(), response.body());
                assertEquals(dropId, claim.path("dropId").asText(), response.body());
                assertFalse(DropsClient.replayed(response), "the first unit of the " + tier + " customer is not a replay");
                List<JsonNode> held = api.claimsOn(dropId, token);
                assertEquals(1, held.size(), tier + " customer's claims: " + held);
                assertEquals(claim.path("claimId").asText(), held.get(0).path("claimId").asText(), tier + " customer's claims: " + held);
                return Duration.between(opening, answered);
            }
            assertEquals(403, response.statusCode(), tier + " customer at " + sent + ", after " + opening + ": " + response.body());
            assertTrue(sent.isBefore(opening.plus(CLOCK_SLACK)), tier + " customer still refused when asking at " + sent
                    + ", after the opening at " + opening + ": " + response.body());
            refusedAfterOpening++;
            assertTrue(Instant.now().isBefore(giveUp), tier + " customer not served by " + giveUp + " (" + refusedAfterOpening
                    + " refusals after the opening)");
            Thread.sleep(20);
        }
    }

    private static Map<String, Object> drop(String title, Instant opensAt, int stock) {
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("title", title);
        spec.put("reward", "A lounge pass");
        spec.put("kind", "stock");
        spec.put("stock", stock);
        spec.put("opensAt", opensAt.toString());
        Map<String, Object> offsets = new LinkedHashMap<>();
        OFFSETS.forEach((tier, offset) -> offsets.put(tier, offset.toString()));
        spec.put("tierOffsets", offsets);
        return spec;
    }

    // ---------------------------------------------------------------- bad tokens

    @Test
    void expiredTokenIsRefused() throws Exception {
        Map<String, Object> claims = claims("expired-1");
        claims.put("exp", Instant.now().minus(Duration.ofHours(1)).getEpochSecond());
        assertUnauthorized(api.sign(claims), "expired");
    }

    @Test
    void tokenSignedWithAnotherSecretIsRefused() throws Exception {
        String other = TestTokens.hs256(DropsClient.newTokenSecret()).customer("forger-1", "employee", "gold");
        assertUnauthorized(other, "signed with another secret");
    }

    @Test
    void unsignedTokenIsRefused() throws Exception {
        Map<String, Object> header = Map.of("alg", "none", "typ", "JWT");
        ObjectMapper json = api.json();
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String unsigned = b64.encodeToString(json.writeValueAsBytes(header)) + "."
                + b64.encodeToString(json.writeValueAsString(claims("unsigned-1")).getBytes(StandardCharsets.UTF_8)) + ".";
        assertUnauthorized(unsigned, "alg none, no signature");
        // alg none in the header, even with a signature made with the right secret
        assertUnauthorized(TestTokens.hs256(secret).signWithHeader(header, claims("unsigned-2")), "alg none, HS256 signature");
    }

    @Test
    void theSameCustomerWithAGoodTokenIsAccepted() throws Exception {
        // the control for the refusals above: only the token differs
        HttpResponse<String> response = api.get("/api/v1/me/claims", api.sign(claims("expired-1")));
        assertEquals(200, response.statusCode(), response.body());
    }

    private static Map<String, Object> claims(String customerId) {
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("sub", customerId);
        claims.put("tier", "employee");
        claims.put("cards", List.of("gold"));
        claims.put("exp", Instant.now().plus(Duration.ofHours(1)).getEpochSecond());
        return claims;
    }

    private void assertUnauthorized(String token, String what) throws Exception {
        String dropId = api.createDrop(drop("Open to all", DropsClient.inMillis(Duration.ofMinutes(-60)), 5)).path("id").asText();
        Map<String, HttpResponse<String>> answers = new LinkedHashMap<>();
        answers.put("POST claims", api.claim(token, dropId, UUID.randomUUID().toString()));
        answers.put("GET drops", api.get("/api/v1/drops", token));
        answers.put("GET me/claims", api.get("/api/v1/me/claims", token));
        answers.forEach((request, response) -> {
            assertEquals(401, response.statusCode(), what + " token, " + request + ": " + response.body());
            String challenge = response.headers().firstValue("WWW-Authenticate").orElse("");
            assertTrue(challenge.regionMatches(true, 0, "Bearer", 0, 6), what + " token, " + request + ": WWW-Authenticate " + challenge);
            assertEquals("unauthorized", api.problem(response), what + " token, " + request + ": " + response.body());
        });
        JsonNode stats = api.adminDrop(dropId).path("stats");
        assertEquals(0, stats.path("claimed").asInt(-1), what + " token took a unit: " + stats);
    }
}
