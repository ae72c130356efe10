package io.dropwise.api.store;

import java.time.Instant;

import io.dropwise.api.customer.Tier;

/**
 * A claim or entry to write, as the engine accepted it for a batch.
 *
 * @param claimId the id the claim gets if it is written
 * @param customerId who claims
 * @param tier the customer's tier (for per-tier counts)
 * @param idempotencyKey the key the client sent
 * @param at when the engine accepted it
 * @param decidedBy the rules (and bundle versions) that allowed it, see {@code Claim#decidedBy()}
 * @param heldUntil when not {@code null}, the claim is written {@code HELD} (a rule could not
 *        decide and the drop's policy is {@code hold}): its unit is reserved until then
 */
public record ClaimAttempt(String claimId, String customerId, Tier tier, String idempotencyKey, Instant at, String decidedBy,
        Instant heldUntil) {

    /** An attempt that every rule allowed. */
    public ClaimAttempt(String claimId, String customerId, Tier tier, String idempotencyKey, Instant at, String decidedBy) {
        this(claimId, customerId, tier, idempotencyKey, at, decidedBy, null);
    }
}
