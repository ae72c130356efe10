package io.dropwise.api.drops;

import java.util.Map;

/**
 * Counts an operator watches.
 *
 * @param claimed units claimed (stock drops)
 * @param remaining units left (stock drops), or {@code null}
 * @param entries entries (draw drops)
 * @param perTier claims or entries per tier wire name
 */
public record DropStats(int claimed, Integer remaining, int entries, Map<String, Integer> perTier) {
}
