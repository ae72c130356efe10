package io.dropwise.api.drops;

import java.util.Locale;

/** The status of a claim or entry. */
public enum ClaimStatus {
    CLAIMED, ENTERED, WON, LOST,
    /**
     * Accepted while a rule could not decide, under the drop's {@code hold} policy: the unit (or
     * entry) is reserved, and the claim becomes {@link #CLAIMED} ({@link #ENTERED}) once the rule
     * decides for it, or {@link #RELEASED} when it decides against it or its deadline passes.
     */
    HELD,
    /** A held claim whose unit went back to the stock (why: see {@code Claim#decidedBy()}). */
    RELEASED;

    /** @return the wire name: {@code claimed}, {@code entered}, {@code won}, {@code lost}, {@code held}, {@code released} */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
