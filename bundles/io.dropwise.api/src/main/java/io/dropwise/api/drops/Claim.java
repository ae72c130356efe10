package io.dropwise.api.drops;

import java.time.Instant;

/**
 * A unit claimed, or an entry made.
 *
 * @param claimId its id
 * @param dropId the drop
 * @param customerId who holds it
 * @param status claimed or entered; won or lost after a draw
 * @param idempotencyKey the key it was made with
 * @param createdAt when it became durable
 */
public record Claim(String claimId, String dropId, String customerId, ClaimStatus status, String idempotencyKey,
        Instant createdAt) {
}
