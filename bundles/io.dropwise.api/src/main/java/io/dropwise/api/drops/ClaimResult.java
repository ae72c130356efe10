package io.dropwise.api.drops;

import java.time.Instant;

/** The answer to a claim or entry. */
public sealed interface ClaimResult {

    /**
     * The unit is the customer's (or the entry is made), durably.
     *
     * @param claim the claim
     * @param replay {@code true} when this answers a retry with an idempotency key already used
     */
    record Accepted(Claim claim, boolean replay) implements ClaimResult {
    }

    /**
     * The claim was not taken.
     *
     * @param reason why
     * @param detail words for the customer
     * @param opensAt when the drop opens for the customer's tier ({@link Reason#NOT_OPEN_FOR_TIER} only)
     * @param details further facts for the client (problem extension members), e.g. the rule that refused
     */
    record Refused(Reason reason, String detail, Instant opensAt, java.util.Map<String, Object> details) implements ClaimResult {

        public Refused {
            details = details == null ? java.util.Map.of() : java.util.Map.copyOf(details);
        }

        public Refused(Reason reason, String detail, Instant opensAt) {
            this(reason, detail, opensAt, java.util.Map.of());
        }
    }

    /** Why a claim was refused; each has a stable problem type name. */
    enum Reason {
        NOT_FOUND("drop-not-found"),
        NOT_OPEN_FOR_TIER("not-open-for-tier"),
        NOT_ELIGIBLE("not-eligible"),
        ALREADY_CLAIMED("already-claimed"),
        SOLD_OUT("sold-out"),
        CLOSED("closed"),
        /** The claim with this idempotency key was held, then released: retry with a new key. */
        HOLD_RELEASED("hold-released"),
        UNAVAILABLE("unavailable");

        private final String problemType;

        Reason(String problemType) {
            this.problemType = problemType;
        }

        /** @return the stable name used in problem details */
        public String problemType() {
            return problemType;
        }
    }
}
