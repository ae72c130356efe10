package io.dropwise.claims.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

class ClaimIdsTest {

    @Test
    void idsAreVersion7UuidsCarryingTheirMillisecond() {
        long at = 1_795_000_000_123L; // 2026-11-18
        UUID id = UUID.fromString(new ClaimIds(() -> at).next());
        assertEquals(7, id.version());
        assertEquals(2, id.variant(), "the RFC's variant (binary 10)");
        assertEquals(at, id.getMostSignificantBits() >>> 16, "the first 48 bits are the creation time");
    }

    @Test
    void laterIdsSortAfterEarlierOnesAsTextAndNoneRepeats() {
        AtomicLong clock = new AtomicLong(1_795_000_000_000L);
        ClaimIds ids = new ClaimIds(clock::get);
        List<String> made = new ArrayList<>();
        Set<String> distinct = new HashSet<>();
        for (int ms = 0; ms < 1_000; ms++) {
            clock.incrementAndGet();
            for (int i = 0; i < 100; i++) { // many in the same millisecond: the random bits keep them apart
                String id = ids.next();
                made.add(id);
                distinct.add(id);
            }
        }
        assertEquals(made.size(), distinct.size());
        for (int i = 100; i < made.size(); i += 100) {
            assertTrue(made.get(i - 1).compareTo(made.get(i)) < 0, "an id of a later millisecond sorts after: " + made.get(i - 1) + " " + made.get(i));
        }
    }
}
