package io.dropwise.api.drops;

import java.time.Instant;

/**
 * A drop as one customer (tier) sees it now.
 *
 * @param drop the drop
 * @param opensAt when it opens for this customer's tier
 * @param state its state for this tier now
 * @param remaining units left (stock drops), or {@code null}
 */
public record DropView(Drop drop, Instant opensAt, DropState state, Integer remaining) {
}
