package io.dropwise.runtime.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A draw drop from entry to result: one entry per customer, the seed committed to before entries
 * open, and winners anyone can recompute from the published seed and entries. The recomputation
 * here is the test's own, from the published description of the algorithm.
 */
@Timeout(60)
class DrawIT {

    private static final int WINNERS = 3;
    private static final int ENTRANTS = 20;
    private static final HexFormat HEX = HexFormat.of();

    @RegisterExtension
    final KeepLogsOnFailure logs = new KeepLogsOnFailure();

    @Test
    void winnersAreTheOnesTheSeedAndEntriesDetermine() throws Exception {
        String secret = DropsClient.newTokenSecret();
        try (DropwiseServer server = DropsClient.configure(DropwiseServer.builder().name("draw").keepLogsWith(logs), secret).start()) {
            server.awaitReady(Duration.ofSeconds(30));
            DropsClient api = new DropsClient(server, secret);
            api.awaitApi(Duration.ofSeconds(20));

            Map<String, Object> spec = new LinkedHashMap<>();
            spec.put("title", "Final tickets");
            spec.put("reward", "Two tickets to the final");
            spec.put("kind", "draw");
            spec.put("winners", WINNERS);
            spec.put("opensAt", DropsClient.inMillis(Duration.ofMinutes(-1)).toString());
            spec.put("tierOffsets", Map.of("employee", 0, "vip", 0, "standard", 0));
            JsonNode created = api.createDrop(spec);
            String dropId = created.path("id").asText();
            String publishedAtCreation = created.path("seedHash").asText();
            assertTrue(publishedAtCreation.matches("[0-9a-f]{64}"), "seedHash at creation: " + created);

            // ---- entries
            Map<String, String> tokens = new TreeMap<>();
            Map<String, String> entryClaims = new TreeMap<>(); // customer -> claimId
            for (int i = 1; i <= ENTRANTS; i++) {
                String customer = String.format("draw-%02d", i);
                tokens.put(customer, api.token(customer, DropsClient.TIERS.get(i % DropsClient.TIERS.size())));
                HttpResponse<String> entry = api.claim(tokens.get(customer), dropId, UUID.randomUUID().toString());
                assertEquals(201, entry.statusCode(), customer + " enters: " + entry.body());
                assertEquals("entered", api.body(entry).path("status").asText(), customer + " enters: " + entry.body());
                entryClaims.put(customer, api.body(entry).path("claimId").asText());
            }
            HttpResponse<String> again = api.claim(tokens.get("draw-01"), dropId, UUID.randomUUID().toString());
            assertEquals(409, again.statusCode(), "a second entry with a new key: " + again.body());
            assertEquals("already-claimed", api.problem(again), again.body());
            assertEquals(ENTRANTS, api.adminDrop(dropId).path("stats").path("entries").asInt(-1), "stats.entries");

            // ---- before the draw
            String someone = tokens.get("draw-07");
            HttpResponse<String> early = api.get("/api/v1/drops/" + dropId + "/draw", someone);
            assertEquals(409, early.statusCode(), "GET draw before the draw: " + early.body());
            assertEquals("not-drawn", api.problem(early), early.body());
            JsonNode listed = null;
            for (JsonNode d : api.body(api.get("/api/v1/drops", someone)).path("drops")) {
                if (d.path("id").asText().equals(dropId)) {
                    listed = d;
                }
            }
            assertNotNull(listed, "GET /api/v1/drops lists " + dropId);
            assertEquals(publishedAtCreation, listed.path("seedHash").asText(), "seedHash published to customers: " + listed);

            // ---- the draw
            HttpResponse<String> drawn = api.draw(dropId);
            assertEquals(200, drawn.statusCode(), "POST draw: " + drawn.body());
            HttpResponse<String> published = api.get("/api/v1/drops/" + dropId + "/draw", someone);
            assertEquals(200, published.statusCode(), "GET draw: " + published.body());
            JsonNode result = api.body(published);

            String seed = result.path("seed").asText();
            assertTrue(seed.matches("([0-9a-f]{2})+"), "seed: " + result);
            assertEquals(publishedAtCreation, result.path("seedHash").asText(), "seedHash of the result: " + result);
            assertEquals(publishedAtCreation, sha256Hex(HEX.parseHex(seed)), "SHA-256 of the revealed seed: " + result);

            Map<String, String> customerByEntry = new TreeMap<>();
            tokens.keySet().forEach(c -> customerByEntry.put(sha256Hex((dropId + ":" + c).getBytes(StandardCharsets.UTF_8)), c));
            List<String> entries = new ArrayList<>(customerByEntry.keySet()); // sorted: a TreeMap
            assertEquals(ENTRANTS, result.path("entryCount").asInt(-1), "entryCount: " + result);
            assertEquals(entries, strings(result.path("entries")), "entries: " + result);

            List<String> expectedWinners = recomputeWinners(seed, entries, WINNERS);
            List<String> winners = strings(result.path("winners"));
            System.out.printf("DrawIT: drop %s, %d entries, winners %s (customers %s), seedHash %s%n", dropId, entries.size(), winners,
                    winners.stream().map(customerByEntry::get).toList(), publishedAtCreation);
            assertEquals(expectedWinners, winners, "winners recomputed from the seed and the entries");
            assertEquals(winners, strings(api.body(drawn).path("winners")), "winners answered to POST draw");

            HttpResponse<String> redraw = api.draw(dropId);
            assertEquals(200, redraw.statusCode(), "second POST draw: " + redraw.body());
            assertEquals(winners, strings(api.body(redraw).path("winners")), "winners of a second POST draw");
            assertEquals(seed, api.body(redraw).path("seed").asText(), "seed of a second POST draw");

            // ---- each customer's view
            Set<String> wonBy = new HashSet<>();
            for (Map.Entry<String, String> e : tokens.entrySet()) {
                List<JsonNode> claims = api.claimsOn(dropId, e.getValue());
                assertEquals(1, claims.size(), e.getKey() + "'s claims: " + claims);
                assertEquals(entryClaims.get(e.getKey()), claims.get(0).path("claimId").asText(), e.getKey() + "'s claims: " + claims);
                String status = claims.get(0).path("status").asText();
                assertTrue(status.equals("won") || status.equals("lost"), e.getKey() + "'s claims: " + claims);
                if (status.equals("won")) {
                    wonBy.add(e.getKey());
                }
            }
            assertEquals(WINNERS, wonBy.size(), "customers whose claim says won: " + wonBy);
            assertEquals(Set.copyOf(winners.stream().map(customerByEntry::get).toList()), wonBy, "the customers who won");

            // ---- after the draw
            String late = api.token("draw-late", "employee");
            HttpResponse<String> lateEntry = api.claim(late, dropId, UUID.randomUUID().toString());
            assertEquals(409, lateEntry.statusCode(), "an entry after the draw: " + lateEntry.body());
            assertEquals("closed", api.problem(lateEntry), lateEntry.body());
            HttpResponse<String> newKey = api.claim(tokens.get("draw-02"), dropId, UUID.randomUUID().toString());
            assertEquals(409, newKey.statusCode(), "an entrant's new entry after the draw: " + newKey.body());
            assertEquals("closed", api.problem(newKey), newKey.body());
            assertTrue(api.claimsOn(dropId, late).isEmpty(), "a late customer holds no claim");
            assertEquals(ENTRANTS, api.adminDrop(dropId).path("stats").path("entries").asInt(-1), "stats.entries after the draw");
        }
    }

    /**
     * The draw as published: every entry gets the ticket SHA-256(seed bytes, then the entry id in
     * UTF-8); the entries with the lowest tickets (ties broken by entry id) win.
     */
    private static List<String> recomputeWinners(String seedHex, List<String> entries, int winners) {
        byte[] seed = HEX.parseHex(seedHex);
        TreeMap<String, String> byTicketThenEntry = new TreeMap<>();
        for (String entry : entries) {
            // a ticket is 64 hex digits, so ticket + " " + entry orders by ticket, then entry
            byTicketThenEntry.put(sha256Hex(seed, entry.getBytes(StandardCharsets.UTF_8)) + " " + entry, entry);
        }
        return byTicketThenEntry.values().stream().limit(winners).toList();
    }

    private static String sha256Hex(byte[]... parts) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (byte[] part : parts) {
                digest.update(part);
            }
            return HEX.formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(n -> values.add(n.asText()));
        return values;
    }
}
