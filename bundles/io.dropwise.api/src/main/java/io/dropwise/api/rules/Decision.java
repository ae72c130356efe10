package io.dropwise.api.rules;

import java.util.Map;
import java.util.Objects;

/** What a rule decided about one claim. */
public sealed interface Decision {

    /** The problem type of a refusal when the rule names none. */
    String NOT_ELIGIBLE = "not-eligible";

    /** The rule lets the claim through. */
    record Allow() implements Decision {
    }

    /**
     * The rule refuses the claim (HTTP 403).
     *
     * @param reason shown to the customer (the problem's {@code detail}), e.g. "This perk is for Gold card holders."
     * @param trace for operators (logs, admin API), e.g. "cards [SILVER] not in [GOLD]"
     * @param problemType the stable problem type name, {@value #NOT_ELIGIBLE} unless the rule says otherwise
     * @param details extension members of the problem, e.g. {@code opensAt} (strings, numbers, booleans)
     */
    record Deny(String reason, String trace, String problemType, Map<String, Object> details) implements Decision {
        public Deny {
            Objects.requireNonNull(reason, "reason");
            trace = trace == null ? reason : trace;
            problemType = problemType == null ? NOT_ELIGIBLE : problemType;
            details = details == null ? Map.of() : Map.copyOf(details);
        }
    }

    /** @return the decision that lets a claim through */
    static Decision allow() {
        return new Allow();
    }

    /** @return a "not eligible" refusal with the same text for the customer and the operator */
    static Decision deny(String reason) {
        return new Deny(reason, reason, NOT_ELIGIBLE, Map.of());
    }

    /** @return a "not eligible" refusal with a customer text and an operator trace */
    static Decision deny(String reason, String trace) {
        return new Deny(reason, trace, NOT_ELIGIBLE, Map.of());
    }
}
