package io.dropwise.claims.internal;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import io.dropwise.api.drops.DropKind;
import io.dropwise.api.drops.DropSpec;

/** Checks a drop specification and says, per field, what is wrong. */
final class DropValidator {

    static final int MAX_STOCK = 10_000_000;
    static final int MAX_LIMIT = 1_000;
    static final Duration MAX_OFFSET = Duration.ofDays(30);

    private DropValidator() {
    }

    static Map<String, String> errors(DropSpec spec) {
        Map<String, String> errors = new LinkedHashMap<>();
        text(errors, "title", spec.title(), 200);
        text(errors, "reward", spec.reward(), 2000);
        if (spec.kind() == null) {
            errors.put("kind", "required: stock or draw");
        } else if (spec.kind() == DropKind.STOCK) {
            if (spec.stock() == null) {
                errors.put("stock", "required for a stock drop");
            } else if (spec.stock() < 1 || spec.stock() > MAX_STOCK) {
                errors.put("stock", "must be from 1 to " + MAX_STOCK);
            }
            if (spec.winners() != null) {
                errors.put("winners", "only a draw drop has winners");
            }
        } else {
            if (spec.winners() == null) {
                errors.put("winners", "required for a draw drop");
            } else if (spec.winners() < 1 || spec.winners() > MAX_STOCK) {
                errors.put("winners", "must be from 1 to " + MAX_STOCK);
            }
            if (spec.stock() != null) {
                errors.put("stock", "a draw drop has winners, not stock");
            }
        }
        if (spec.opensAt() == null) {
            errors.put("opensAt", "required: an ISO-8601 instant, e.g. 2026-11-27T09:00:00Z");
        }
        spec.tierOffsets().forEach((tier, offset) -> {
            if (offset == null || offset.isNegative() || offset.compareTo(MAX_OFFSET) > 0) {
                errors.put("tierOffsets." + tier.wireName(), "must be from 0 to " + MAX_OFFSET.toDays() + " days");
            }
        });
        if (spec.closesAt() != null && spec.opensAt() != null) {
            java.time.Instant lastOpening = spec.opensAt();
            for (io.dropwise.api.customer.Tier tier : io.dropwise.api.customer.Tier.values()) {
                java.time.Instant opens = spec.opensAt().plus(spec.tierOffsets().getOrDefault(tier, DropSpec.DEFAULT_TIER_OFFSETS.get(tier)));
                lastOpening = opens.isAfter(lastOpening) ? opens : lastOpening;
            }
            if (!spec.closesAt().isAfter(lastOpening)) {
                errors.put("closesAt", "must be after the last tier opens (" + lastOpening + ")");
            }
        }
        if (spec.kind() == DropKind.DRAW && spec.perCustomerLimit() != 1) {
            errors.put("perCustomerLimit", "a draw takes one entry per customer");
        }
        if (spec.perCustomerLimit() < 1 || spec.perCustomerLimit() > MAX_LIMIT) {
            errors.put("perCustomerLimit", "must be from 1 to " + MAX_LIMIT);
        }
        if (spec.onRuleFailure() == null) {
            errors.put("onRuleFailure", "required: deny, skip or hold");
        }
        for (int i = 0; i < spec.rules().size(); i++) {
            DropSpec.RuleRef rule = spec.rules().get(i);
            if (rule.type() == null || rule.type().isBlank()) {
                errors.put("rules[" + i + "].type", "required");
            }
        }
        return errors;
    }

    private static void text(Map<String, String> errors, String field, String value, int max) {
        if (value == null || value.isBlank()) {
            errors.put(field, "required");
        } else if (value.length() > max) {
            errors.put(field, "at most " + max + " characters");
        }
    }
}
