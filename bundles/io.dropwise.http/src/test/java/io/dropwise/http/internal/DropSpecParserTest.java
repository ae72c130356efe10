package io.dropwise.http.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.dropwise.api.customer.Tier;
import io.dropwise.api.drops.DropKind;
import io.dropwise.api.drops.DropSpec;
import io.dropwise.api.drops.RuleFailurePolicy;

class DropSpecParserTest {

    private final ObjectMapper json = new ObjectMapper();

    private DropSpecParser parser;

    private DropSpec parse(String body) throws Exception {
        parser = new DropSpecParser(json);
        return parser.parse(json.readTree(body));
    }

    @Test
    void readsAFullDrop() throws Exception {
        DropSpec spec = parse("""
                {"title": "Beach trip", "reward": "A week for two", "kind": "draw", "winners": 2,
                 "opensAt": "2026-11-27T09:00:00Z", "closesAt": "2026-11-27T12:00:00Z",
                 "tierOffsets": {"vip": "PT10M", "standard": 1800}, "perCustomerLimit": 1,
                 "rules": [{"type": "card-product", "params": {"cards": ["GOLD"]}}], "onRuleFailure": "skip"}""");
        assertEquals(DropKind.DRAW, spec.kind());
        assertEquals(2, spec.winners());
        assertEquals(Instant.parse("2026-11-27T09:00:00Z"), spec.opensAt());
        assertEquals(Map.of(Tier.VIP, Duration.ofMinutes(10), Tier.STANDARD, Duration.ofMinutes(30)), spec.tierOffsets());
        assertEquals(List.of("GOLD"), spec.rules().get(0).params().get("cards"));
        assertEquals(RuleFailurePolicy.SKIP, spec.onRuleFailure());
    }

    @Test
    void defaultsAreOneUnitPerCustomerAndDeny() throws Exception {
        DropSpec spec = parse("{\"title\": \"t\", \"reward\": \"r\", \"kind\": \"stock\", \"stock\": 5, \"opensAt\": \"2026-11-27T09:00:00Z\"}");
        assertEquals(1, spec.perCustomerLimit());
        assertEquals(RuleFailurePolicy.DENY, spec.onRuleFailure());
        assertEquals(Map.of(), spec.tierOffsets());
    }

    @Test
    void everyBadFieldIsNamed() throws Exception {
        assertNull(parse("""
                {"title": 7, "kind": "raffle", "stock": 1.5, "opensAt": "tomorrow", "tierOffsets": {"gold": "PT1M", "vip": "soon"},
                 "perCustomerLimit": 99999999999, "rules": {"type": "x"}, "onRuleFailure": "panic", "colour": "red"}"""));
        assertEquals(Set.of("title", "kind", "stock", "opensAt", "tierOffsets.gold", "tierOffsets.vip", "perCustomerLimit", "rules",
                "onRuleFailure", "colour"), parser.errors().keySet());
        assertNull(parse("[1, 2]"));
        assertEquals(Set.of(""), parser.errors().keySet());
    }
}
