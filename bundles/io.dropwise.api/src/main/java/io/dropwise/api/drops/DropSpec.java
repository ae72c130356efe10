package io.dropwise.api.drops;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.dropwise.api.customer.Tier;

/**
 * What an operator asks for when creating a drop. Validated by {@link Drops#create(DropSpec)}.
 *
 * @param title short name shown to customers
 * @param reward what the customer gets
 * @param kind stock or draw
 * @param stock units for a stock drop ({@code null} for a draw)
 * @param winners winners for a draw ({@code null} for a stock drop)
 * @param opensAt when the first tier may claim
 * @param tierOffsets when each tier opens, after {@code opensAt}; missing tiers take the defaults
 *        (employee +0, vip +15 min, standard +30 min)
 * @param closesAt when claims and entries stop, or {@code null}
 * @param perCustomerLimit units (or entries) one customer may hold; at least 1
 * @param rules the eligibility rules, in evaluation order (filled in by the rule plugin issue)
 * @param onRuleFailure what to do when a rule cannot decide
 */
public record DropSpec(String title, String reward, DropKind kind, Integer stock, Integer winners, Instant opensAt,
        Map<Tier, Duration> tierOffsets, Instant closesAt, int perCustomerLimit, List<RuleRef> rules,
        RuleFailurePolicy onRuleFailure) {

    /** The tier offsets a drop gets when it names none. */
    public static final Map<Tier, Duration> DEFAULT_TIER_OFFSETS = Map.of(
            Tier.EMPLOYEE, Duration.ZERO, Tier.VIP, Duration.ofMinutes(15), Tier.STANDARD, Duration.ofMinutes(30));

    /**
     * A rule a drop uses.
     *
     * @param type the rule type's stable name, e.g. {@code card-product}
     * @param params its parameters
     */
    public record RuleRef(String type, Map<String, Object> params) {
        public RuleRef {
            params = params == null ? Map.of() : Map.copyOf(params);
        }
    }

    public DropSpec {
        tierOffsets = tierOffsets == null ? Map.of() : Map.copyOf(tierOffsets);
        rules = rules == null ? List.of() : List.copyOf(rules);
    }
}
