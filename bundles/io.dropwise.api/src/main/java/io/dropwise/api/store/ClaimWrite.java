package io.dropwise.api.store;

import io.dropwise.api.drops.Claim;

/**
 * What the store did with one {@link ClaimAttempt}.
 *
 * @param outcome what happened
 * @param claim the claim written, or the earlier claim with the same idempotency key; {@code null}
 *        when nothing was written
 */
public record ClaimWrite(Outcome outcome, Claim claim) {

    /** What happened to an attempt. */
    public enum Outcome {
        /** Written now, durably. */
        CREATED,
        /** The customer already made a claim with this idempotency key: that claim is returned. */
        REPLAYED,
        /** The customer holds as many units (entries) as the drop allows. */
        LIMIT_REACHED,
        /** No unit left. */
        SOLD_OUT,
        /** The drop is closed (its draw ran, or it passed its closing time). */
        CLOSED
    }
}
