package io.dropwise.runtime.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The built-in rule types, used by drops created through {@code POST /admin/v1/drops} and decided
 * through real claims: an eligible customer gets 201, an ineligible one 403 {@code not-eligible}
 * with the rule's reason and type; the accepted claim records which rules (and bundle versions)
 * let it through. Drops naming an undeployed type or bad parameters are refused, and
 * {@code GET /admin/v1/rules} lists the built-in types with the drops that use them.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(60)
class BuiltinRulesIT {

    static final String BUILTIN = "io.dropwise.rules.builtin";
    static final Set<String> BUILTIN_TYPES = Set.of("tier-window", "card-product", "claims-per-period", "allow-list",
            "deny-list", "spend-threshold");

    @RegisterExtension
    final KeepLogsOnFailure logs = new KeepLogsOnFailure();

    private final String secret = DropsClient.newTokenSecret();
    private DropwiseServer server;
    private DropsClient api;
    /** The version of {@value #BUILTIN} as {@code GET /api/v1/status} shows it. */
    private String builtinVersion;

    @BeforeAll
    void start() throws Exception {
        server = DropsClient.configure(DropwiseServer.builder().name("builtin-rules").keepLogsWith(logs), secret).start();
        server.awaitReady(Duration.ofSeconds(30));
        api = new DropsClient(server, secret);
        api.awaitApi(Duration.ofSeconds(20));
        JsonNode builtin = api.statusBundle(BUILTIN);
        assertEquals("active", builtin.path("state").asText(), BUILTIN + " in /api/v1/status: " + builtin);
        builtinVersion = builtin.path("version").asText();
        assertFalse(builtinVersion.isBlank(), BUILTIN + " in /api/v1/status: " + builtin);
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    // ---------------------------------------------------------------- one drop per rule type

    @Test
    void cardProductLetsCardHoldersThrough() throws Exception {
        String dropId = createDrop("Gold lounge", rule("card-product", Map.of("cards", List.of("GOLD", "PLATINUM"))));
        String holder = token("cp-holder", "standard", Map.of("cards", List.of("CLASSIC", "PLATINUM")));
        List<String> refused = List.of(
                token("cp-classic", "standard", Map.of("cards", List.of("CLASSIC"))),
                token("cp-none", "vip", Map.of("cards", List.of())),
                // a card code is matched exactly: "gold" is not "GOLD"
                token("cp-lower", "employee", Map.of("cards", List.of("gold"))));

        assertRule(dropId, "card-product", "This perk is for holders of GOLD, PLATINUM cards.", List.of(holder), refused);
    }

    @Test
    void claimsPerPeriodRefusesAThirdPerkInAMonth() throws Exception {
        // two other drops, without rules, give the customer two perks this month
        String first = createDrop("Perk one", null);
        String second = createDrop("Perk two", null);
        String busy = token("cpp-busy", "standard", Map.of());
        String once = token("cpp-once", "standard", Map.of());
        assertEquals(201, claim(busy, first).statusCode(), "busy customer on the first drop");
        assertEquals(201, claim(busy, second).statusCode(), "busy customer on the second drop");
        assertEquals(201, claim(once, first).statusCode(), "once customer on the first drop");
        assertEquals(2, api.claimsOn(first, busy).size() + api.claimsOn(second, busy).size(), "the busy customer's perks");

        String limited = createDrop("Third perk", rule("claims-per-period", Map.of("max", 2, "period", "month")));
        // one perk this month (and a fresh customer with none) are under the limit; two are not
        assertRule(limited, "claims-per-period", "You have already received 2 perks this month.",
                List.of(once, token("cpp-fresh", "vip", Map.of())), List.of(busy));
    }

    @Test
    void allowListByTierMakesAnEmployeesOnlyDrop() throws Exception {
        String dropId = createDrop("Staff party", rule("allow-list", Map.of("tiers", List.of("employee"))));
        assertRule(dropId, "allow-list", "This perk is reserved for selected customers.",
                List.of(token("al-employee", "employee", Map.of())),
                List.of(token("al-vip", "vip", Map.of()), token("al-standard", "standard", Map.of())));
    }

    @Test
    void denyListRefusesOnlyTheListedCustomers() throws Exception {
        String dropId = createDrop("Not for everyone", rule("deny-list", Map.of("customers", List.of("dl-banned", "dl-other"))));
        assertRule(dropId, "deny-list", "This perk is not available to you.",
                List.of(token("dl-welcome", "standard", Map.of()), token("dl-employee", "employee", Map.of())),
                List.of(token("dl-banned", "employee", Map.of())));
    }

    @Test
    void spendThresholdLetsBigSpendersThrough() throws Exception {
        String dropId = createDrop("Big spenders", rule("spend-threshold", Map.of("min", 500)));
        assertRule(dropId, "spend-threshold", "This perk needs a spend of at least 500.",
                List.of(token("st-750", "standard", Map.of("monthlySpend", 750)),
                        token("st-500", "standard", Map.of("monthlySpend", 500))),
                List.of(token("st-499", "standard", Map.of("monthlySpend", 499.5)),
                        token("st-none", "vip", Map.of())));
    }

    /**
     * Claims with every token (each with its own idempotency key), then checks: the allowed ones got
     * 201, the refused ones 403 {@code not-eligible} with {@code detail} and {@code rule}; the drop
     * counts only the allowed; each claim records {@code tier-window} and the rule with their bundle
     * versions in {@code decidedBy}.
     */
    private void assertRule(String dropId, String type, String reason, List<String> allowed, List<String> refused) throws Exception {
        for (String token : refused) {
            HttpResponse<String> response = claim(token, dropId);
            assertEquals(403, response.statusCode(), type + ": " + response.body());
            assertEquals("application/problem+json", DropsClient.mediaType(response), type + ": " + response.body());
            JsonNode problem = api.body(response);
            assertEquals("not-eligible", api.problem(response), type + ": " + response.body());
            assertEquals(reason, problem.path("detail").asText(), type + ": " + response.body());
            assertEquals(type, problem.path("rule").asText(), type + ": " + response.body());
            assertEquals(403, problem.path("status").asInt(), type + ": " + response.body());
        }
        for (String token : allowed) {
            HttpResponse<String> response = claim(token, dropId);
            assertEquals(201, response.statusCode(), type + ": " + response.body());
            assertEquals("claimed", api.body(response).path("status").asText(), type + ": " + response.body());
        }
        JsonNode stats = api.adminDrop(dropId).path("stats");
        assertEquals(allowed.size(), stats.path("claimed").asInt(-1), type + " drop stats: " + stats);

        List<JsonNode> claims = api.adminClaims(dropId);
        assertEquals(allowed.size(), claims.size(), type + " drop claims: " + claims);
        String expected = "tier-window@" + BUILTIN + "/" + builtinVersion + ", " + type + "@" + BUILTIN + "/" + builtinVersion;
        for (JsonNode claim : claims) {
            assertEquals(expected, claim.path("decidedBy").asText(), type + " drop claim: " + claim);
        }
        System.out.printf("BuiltinRulesIT: %s: %d accepted (201), %d refused (403 not-eligible); decidedBy \"%s\"%n",
                type, allowed.size(), refused.size(), expected);
    }

    // ---------------------------------------------------------------- refused drops

    @Test
    void aDropWithAnUndeployedTypeOrBadParametersIsRefused() throws Exception {
        Map<String, Map<String, ?>> refusals = new LinkedHashMap<>();
        refusals.put("undeployed type", drop("Nowhere", List.of(rule("no-such-rule", Map.of()))));
        refusals.put("empty cards", drop("No cards", List.of(rule("card-product", Map.of("cards", List.of())))));
        refusals.put("cards not a list", drop("Cards string", List.of(rule("card-product", Map.of("cards", "GOLD")))));
        refusals.put("bad max and period", drop("Per year", List.of(rule("claims-per-period", Map.of("max", 0, "period", "year")))));
        refusals.put("second rule bad", drop("Second bad", List.of(rule("deny-list", Map.of("customers", List.of("x"))),
                rule("spend-threshold", Map.of("min", 100, "currency", "EUR")))));
        refusals.put("tier-window listed", drop("Tier window", List.of(rule("tier-window", Map.of()))));

        Map<String, Set<String>> expectedKeys = Map.of(
                "undeployed type", Set.of("rules[0].type"),
                "empty cards", Set.of("rules[0].params.cards"),
                "cards not a list", Set.of("rules[0].params.cards"),
                "bad max and period", Set.of("rules[0].params.max", "rules[0].params.period"),
                "second rule bad", Set.of("rules[1].params.currency"),
                "tier-window listed", Set.of("rules[0].type"));

        for (Map.Entry<String, Map<String, ?>> refusal : refusals.entrySet()) {
            String what = refusal.getKey();
            HttpResponse<String> response = api.postDrop(refusal.getValue());
            assertEquals(400, response.statusCode(), what + ": " + response.body());
            assertEquals("invalid-drop", api.problem(response), what + ": " + response.body());
            JsonNode errors = api.body(response).path("errors");
            Set<String> keys = new TreeSet<>();
            errors.fieldNames().forEachRemaining(keys::add);
            assertEquals(new TreeSet<>(expectedKeys.get(what)), keys, what + ": " + response.body());
        }
        JsonNode undeployed = api.body(api.postDrop(refusals.get("undeployed type"))).path("errors");
        assertTrue(undeployed.path("rules[0].type").asText().contains("not deployed"), "undeployed type: " + undeployed);
        JsonNode empty = api.body(api.postDrop(refusals.get("empty cards"))).path("errors");
        assertEquals("must not be empty", empty.path("rules[0].params.cards").asText(), "empty cards: " + empty);

        // nothing was created: no drop with one of these titles ever shows up
        Thread.sleep(1100); // the drop list may be up to a second old
        HttpResponse<String> drops = api.adminGet("/admin/v1/drops");
        assertEquals(200, drops.statusCode(), drops.body());
        Set<String> titles = new TreeSet<>();
        api.body(drops).path("drops").forEach(d -> titles.add(d.path("title").asText()));
        for (Map<String, ?> refused : refusals.values()) {
            assertFalse(titles.contains((String) refused.get("title")), "refused drop was created: " + refused.get("title"));
        }
        System.out.printf("BuiltinRulesIT: %d invalid drops refused with 400 invalid-drop and their error keys%n", refusals.size());
    }

    // ---------------------------------------------------------------- the rule types listed

    @Test
    void theRulesListShowsTheBuiltinTypesAndTheDropsUsingThem() throws Exception {
        Map<String, String> dropByType = new LinkedHashMap<>();
        dropByType.put("card-product", createDrop("Listed card", rule("card-product", Map.of("cards", List.of("GOLD")))));
        dropByType.put("claims-per-period", createDrop("Listed period", rule("claims-per-period", Map.of("max", 1, "period", "day"))));
        dropByType.put("allow-list", createDrop("Listed allow", rule("allow-list", Map.of("customers", List.of("c-1")))));
        dropByType.put("deny-list", createDrop("Listed deny", rule("deny-list", Map.of("customers", List.of("c-2")))));
        dropByType.put("spend-threshold", createDrop("Listed spend", rule("spend-threshold", Map.of("min", 1.5, "attribute", "yearlySpend"))));
        String plain = createDrop("Listed plain", null);

        // the drop list behind GET /admin/v1/rules may be up to a second old: ask until every new drop is there
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        Map<String, JsonNode> listed = api.ruleTypes();
        while (!usersListed(listed, dropByType, plain) && System.nanoTime() - deadline < 0) {
            Thread.sleep(100);
            listed = api.ruleTypes();
        }
        Map<String, JsonNode> types = listed;
        assertEquals(BUILTIN_TYPES, types.keySet(), "rule types listed: " + types);
        for (JsonNode type : types.values()) {
            String name = type.path("type").asText();
            assertTrue(type.path("present").asBoolean(false), name + ": " + type);
            assertEquals(BUILTIN, type.path("bundle").asText(), name + ": " + type);
            assertEquals(builtinVersion, type.path("version").asText(), name + ": " + type);
            assertFalse(type.path("description").asText().isBlank(), name + ": " + type);
            assertTrue(type.path("parameters").isArray(), name + ": " + type);
        }
        dropByType.forEach((name, dropId) -> {
            List<String> users = ids(types.get(name).path("drops"));
            assertTrue(users.contains(dropId), name + " should list " + dropId + ": " + types.get(name));
            assertFalse(users.contains(plain), name + " should not list the drop without rules " + plain + ": " + types.get(name));
        });
        List<String> windowUsers = ids(types.get("tier-window").path("drops"));
        assertTrue(windowUsers.contains(plain), "tier-window applies to every drop: " + types.get("tier-window"));
        assertTrue(windowUsers.containsAll(dropByType.values()), "tier-window applies to every drop: " + types.get("tier-window"));
        assertEquals(List.of("cards"), names(types.get("card-product").path("parameters")));
        assertEquals(List.of("max", "period"), names(types.get("claims-per-period").path("parameters")));
        assertEquals(List.of(), names(types.get("tier-window").path("parameters")));
        System.out.printf("BuiltinRulesIT: GET /admin/v1/rules lists %d types from %s/%s; tier-window used by %d drops%n",
                types.size(), BUILTIN, builtinVersion, windowUsers.size());
    }

    private static boolean usersListed(Map<String, JsonNode> types, Map<String, String> dropByType, String plain) {
        JsonNode window = types.get("tier-window");
        if (window == null || !ids(window.path("drops")).contains(plain)) {
            return false;
        }
        return dropByType.entrySet().stream()
                .allMatch(e -> types.containsKey(e.getKey()) && ids(types.get(e.getKey()).path("drops")).contains(e.getValue()));
    }

    private static List<String> ids(JsonNode array) {
        List<String> ids = new ArrayList<>();
        array.forEach(n -> ids.add(n.asText()));
        return ids;
    }

    private static List<String> names(JsonNode parameters) {
        List<String> names = new ArrayList<>();
        parameters.forEach(p -> names.add(p.path("name").asText()));
        return names;
    }

    // ---------------------------------------------------------------- helpers

    /** A stock drop that opened for every tier an hour ago, with one rule (or none). @return its id */
    private String createDrop(String title, Map<String, ?> rule) throws Exception {
        JsonNode created = api.createDrop(drop(title, rule == null ? List.of() : List.of(rule)));
        assertEquals(rule == null ? 0 : 1, created.path("rules").size(), "rules of the created drop: " + created);
        return created.path("id").asText();
    }

    private static Map<String, Object> drop(String title, List<Map<String, ?>> rules) {
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("title", title);
        spec.put("reward", "A perk");
        spec.put("kind", "stock");
        spec.put("stock", 50);
        spec.put("opensAt", DropsClient.inMillis(Duration.ofMinutes(-60)).toString());
        spec.put("rules", rules);
        return spec;
    }

    static Map<String, Object> rule(String type, Map<String, ?> params) {
        Map<String, Object> rule = new LinkedHashMap<>();
        rule.put("type", type);
        rule.put("params", params);
        return rule;
    }

    /** @return a token for the customer, valid for an hour, with the extra claims (e.g. {@code cards}, {@code monthlySpend}) */
    private String token(String customerId, String tier, Map<String, ?> extra) {
        return token(api, customerId, tier, extra);
    }

    static String token(DropsClient api, String customerId, String tier, Map<String, ?> extra) {
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("sub", customerId);
        claims.put("tier", tier);
        claims.put("exp", Instant.now().plus(Duration.ofHours(1)).getEpochSecond());
        claims.putAll(extra);
        return api.sign(claims);
    }

    private HttpResponse<String> claim(String token, String dropId) throws Exception {
        HttpResponse<String> response = api.claim(token, dropId, UUID.randomUUID().toString());
        if (response.statusCode() >= 500) {
            fail("claim on " + dropId + " answered " + response.statusCode() + ": " + response.body() + "\n" + server.tail());
        }
        return response;
    }
}
