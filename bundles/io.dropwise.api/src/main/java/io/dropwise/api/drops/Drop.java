package io.dropwise.api.drops;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import io.dropwise.api.customer.Tier;

/**
 * A created drop.
 *
 * @param id the drop id
 * @param spec what was asked for, with defaults filled in (every tier has an offset)
 * @param seedHash hex SHA-256 of the draw seed, published at creation (draw drops)
 * @param createdAt when it was created
 * @param drawnAt when its draw ran, or {@code null}
 */
public record Drop(String id, DropSpec spec, String seedHash, Instant createdAt, Instant drawnAt) {

    /** @return when the given tier may start claiming */
    public Instant opensAt(Tier tier) {
        Map<Tier, Duration> offsets = spec.tierOffsets();
        return spec.opensAt().plus(offsets.getOrDefault(tier, DropSpec.DEFAULT_TIER_OFFSETS.get(tier)));
    }
}
