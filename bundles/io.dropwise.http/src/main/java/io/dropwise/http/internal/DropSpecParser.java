package io.dropwise.http.internal;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.dropwise.api.customer.Tier;
import io.dropwise.api.drops.DropKind;
import io.dropwise.api.drops.DropSpec;
import io.dropwise.api.drops.RuleFailurePolicy;

/**
 * Reads a drop from the admin API's JSON, collecting a message per bad field instead of stopping
 * at the first. Range checks are the engine's ({@code Drops.create}); this only checks shapes.
 */
final class DropSpecParser {

    static final Set<String> FIELDS = Set.of("title", "reward", "kind", "stock", "winners", "opensAt", "tierOffsets",
            "closesAt", "perCustomerLimit", "rules", "onRuleFailure");

    private final Map<String, String> errors = new LinkedHashMap<>();
    private final ObjectMapper json;

    DropSpecParser(ObjectMapper json) {
        this.json = json;
    }

    Map<String, String> errors() {
        return errors;
    }

    /** @return the spec, or {@code null} when {@link #errors()} says why not */
    DropSpec parse(JsonNode body) {
        if (body == null || !body.isObject()) {
            errors.put("", "the body must be a JSON object");
            return null;
        }
        for (Iterator<String> names = body.fieldNames(); names.hasNext();) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                errors.put(name, "unknown field");
            }
        }
        String title = text(body, "title");
        String reward = text(body, "reward");
        DropKind kind = null;
        String kindText = text(body, "kind");
        if (kindText != null) {
            try {
                kind = DropKind.valueOf(kindText.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                errors.put("kind", "must be stock or draw");
            }
        }
        Integer stock = integer(body, "stock");
        Integer winners = integer(body, "winners");
        Instant opensAt = instant(body, "opensAt");
        Instant closesAt = instant(body, "closesAt");
        Integer limit = integer(body, "perCustomerLimit");
        Map<Tier, Duration> offsets = offsets(body.get("tierOffsets"));
        List<DropSpec.RuleRef> rules = rules(body.get("rules"));
        RuleFailurePolicy policy = RuleFailurePolicy.DENY;
        String policyText = text(body, "onRuleFailure");
        if (policyText != null) {
            try {
                policy = RuleFailurePolicy.valueOf(policyText.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                errors.put("onRuleFailure", "must be deny, skip or hold");
            }
        }
        if (!errors.isEmpty()) {
            return null;
        }
        return new DropSpec(title, reward, kind, stock, winners, opensAt, offsets, closesAt, limit == null ? 1 : limit, rules, policy);
    }

    private String text(JsonNode body, String field) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isTextual()) {
            errors.put(field, "must be a string");
            return null;
        }
        return n.asText();
    }

    private Integer integer(JsonNode body, String field) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isIntegralNumber() || !n.canConvertToInt()) {
            errors.put(field, "must be a whole number");
            return null;
        }
        return n.intValue();
    }

    private Instant instant(JsonNode body, String field) {
        String text = text(body, field);
        if (text == null) {
            return null;
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            errors.put(field, "must be an ISO-8601 instant such as 2026-11-27T09:00:00Z");
            return null;
        }
    }

    private Map<Tier, Duration> offsets(JsonNode n) {
        Map<Tier, Duration> offsets = new EnumMap<>(Tier.class);
        if (n == null || n.isNull()) {
            return offsets;
        }
        if (!n.isObject()) {
            errors.put("tierOffsets", "must be an object such as {\"vip\": \"PT15M\"}");
            return offsets;
        }
        n.fields().forEachRemaining(e -> {
            String field = "tierOffsets." + e.getKey();
            Tier tier = Tier.fromWireName(e.getKey()).orElse(null);
            if (tier == null) {
                errors.put(field, "unknown tier; use employee, vip or standard");
                return;
            }
            JsonNode v = e.getValue();
            try {
                if (v.isIntegralNumber()) {
                    offsets.put(tier, Duration.ofSeconds(v.longValue()));
                } else if (v.isTextual()) {
                    offsets.put(tier, Duration.parse(v.asText()));
                } else {
                    errors.put(field, "must be an ISO-8601 duration such as PT15M, or seconds");
                }
            } catch (DateTimeParseException | ArithmeticException ex) {
                errors.put(field, "must be an ISO-8601 duration such as PT15M, or seconds");
            }
        });
        return offsets;
    }

    private List<DropSpec.RuleRef> rules(JsonNode n) {
        List<DropSpec.RuleRef> rules = new ArrayList<>();
        if (n == null || n.isNull()) {
            return rules;
        }
        if (!n.isArray()) {
            errors.put("rules", "must be an array of {\"type\": ..., \"params\": {...}}");
            return rules;
        }
        for (int i = 0; i < n.size(); i++) {
            JsonNode r = n.get(i);
            JsonNode type = r.get("type");
            JsonNode params = r.get("params");
            if (r.isObject()) {
                for (Iterator<String> names = r.fieldNames(); names.hasNext();) {
                    String name = names.next();
                    if (!name.equals("type") && !name.equals("params")) {
                        errors.put("rules[" + i + "]." + name, "unknown field; a rule has type and params");
                    }
                }
            }
            if (!r.isObject() || type == null || !type.isTextual() || (params != null && !params.isNull() && !params.isObject())) {
                errors.put("rules[" + i + "]", "must be {\"type\": \"<rule type>\", \"params\": {...}}");
                continue;
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> p = params == null || params.isNull() ? Map.of() : json.convertValue(params, Map.class);
            rules.add(new DropSpec.RuleRef(type.asText(), p));
        }
        return rules;
    }
}
