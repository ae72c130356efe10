package io.dropwise.api.drops;

import java.util.Locale;

/** The status of a claim or entry. */
public enum ClaimStatus {
    CLAIMED, ENTERED, WON, LOST;

    /** @return the wire name: {@code claimed}, {@code entered}, {@code won}, {@code lost} */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
