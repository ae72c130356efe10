package io.dropwise.api.drops;

import java.time.Instant;

/**
 * A unit claimed, or an entry made.
 *
 * @param claimId its id
 * @param dropId the drop
 * @param customerId who holds it
 * @param status claimed or entered; won or lost after a draw; held, then claimed (entered) or released
 * @param idempotencyKey the key it was made with
 * @param createdAt when it became durable
 * @param decidedBy the rule types, and the bundle versions providing them, that allowed it, e.g.
 *        {@code tier-window@io.dropwise.rules.builtin/0.1.0, card-product@io.dropwise.rules.builtin/0.1.0};
 *        rules skipped by the drop's failure policy are marked {@code (skipped)}; for a released
 *        claim, why it was released
 * @param heldUntil for a {@link ClaimStatus#HELD} claim, when its unit goes back to the stock if no
 *        rule has decided by then; otherwise {@code null}
 */
public record Claim(String claimId, String dropId, String customerId, ClaimStatus status, String idempotencyKey,
        Instant createdAt, String decidedBy, Instant heldUntil) {

    public Claim {
        decidedBy = decidedBy == null ? "" : decidedBy;
    }

    /** A claim that is not held. */
    public Claim(String claimId, String dropId, String customerId, ClaimStatus status, String idempotencyKey, Instant createdAt,
            String decidedBy) {
        this(claimId, dropId, customerId, status, idempotencyKey, createdAt, decidedBy, null);
    }
}
