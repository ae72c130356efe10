package io.dropwise.api.drops;

import java.time.Instant;
import java.util.List;

/**
 * A draw that ran, with everything needed to check it.
 *
 * @param dropId the drop
 * @param seed the seed, hex, revealed at the draw
 * @param seedHash hex SHA-256 of the seed, published when the drop was created
 * @param entries the hashed ids of every entry, sorted
 * @param winners the hashed ids of the winners, in draw order
 * @param winnerCount how many winners the drop asked for (fewer win when there are fewer entries)
 * @param drawnAt when it ran
 * @param algorithm how the winners follow from the seed and the entries
 */
public record DrawResult(String dropId, String seed, String seedHash, List<String> entries, List<String> winners,
        int winnerCount, Instant drawnAt, String algorithm) {
}
