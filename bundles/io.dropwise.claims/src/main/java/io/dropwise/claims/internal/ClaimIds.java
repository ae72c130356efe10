package io.dropwise.claims.internal;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;

/**
 * Claim ids: UUID version 7 (RFC 9562, section 5.7), the creation time in milliseconds in the first 48 bits and 74
 * random bits after it. Ids made later sort after ids made earlier (to the millisecond), so the store's
 * primary-key index grows at its right edge instead of taking each new claim at a random place: one index
 * page touched per batch instead of one per claim. The random bits are not a secret: no API takes a claim id
 * as proof of anything (a customer's claims are found by the customer's token).
 */
final class ClaimIds {

    private final LongSupplier millis;

    ClaimIds(LongSupplier millis) {
        this.millis = millis;
    }

    String next() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long time = millis.getAsLong() & 0xFFFF_FFFF_FFFFL;
        long high = (time << 16) | 0x7000L | (random.nextLong() & 0x0FFFL);
        long low = (random.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
        return new UUID(high, low).toString();
    }
}
