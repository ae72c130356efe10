package io.dropwise.api.customer;

import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A signed-in customer, as the bank's token says.
 *
 * @param id the customer id (the token's {@code sub})
 * @param tier the customer's tier
 * @param cards the card-product codes the customer holds
 * @param attributes further claims of the token (for example a monthly spend), for rules to read
 */
public record Customer(String id, Tier tier, Set<String> cards, Map<String, Object> attributes) {

    public Customer {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(tier, "tier");
        cards = Set.copyOf(cards);
        attributes = Map.copyOf(attributes);
    }
}
