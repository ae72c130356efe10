package io.dropwise.api.customer;

import java.util.Locale;
import java.util.Optional;

/** The customer tiers a drop opens to, in the order they are served. */
public enum Tier {
    EMPLOYEE, VIP, STANDARD;

    /** @return the name used on the wire and in tokens: {@code employee}, {@code vip}, {@code standard} */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * @param name a wire name
     * @return the tier, or empty when the name is not one
     */
    public static Optional<Tier> fromWireName(String name) {
        for (Tier t : values()) {
            if (t.wireName().equals(name)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }
}
