package io.dropwise.testkit;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.dropwise.api.customer.Customer;
import io.dropwise.api.customer.Tier;
import io.dropwise.api.drops.Claim;
import io.dropwise.api.drops.ClaimStatus;
import io.dropwise.api.drops.Drop;
import io.dropwise.api.drops.DropKind;
import io.dropwise.api.drops.DropSpec;
import io.dropwise.api.drops.RuleFailurePolicy;
import io.dropwise.api.rules.ClaimContext;
import io.dropwise.api.rules.Decision;
import io.dropwise.api.rules.InvalidParametersException;
import io.dropwise.api.rules.Rule;
import io.dropwise.api.rules.RuleType;

/**
 * Tests a {@link RuleType} with no framework: build the facts of a claim, ask the rule, check the
 * decision.
 *
 * <pre>{@code
 * RuleTester t = RuleTester.of(new MyRule()).params(Map.of("cards", List.of("GOLD")));
 * assertTrue(t.customer("c-1", Tier.VIP, "GOLD").decide() instanceof Decision.Allow);
 * assertEquals("...", t.customer("c-2", Tier.VIP, "SILVER").denied().reason());
 * }</pre>
 */
public final class RuleTester {

    private final RuleType type;
    private Map<String, Object> params = Map.of();
    private Customer customer = new Customer("customer-1", Tier.STANDARD, Set.of(), Map.of());
    private Instant now = Instant.parse("2026-11-27T12:00:00Z");
    private Drop drop = drop(now.minus(Duration.ofHours(1)), Map.of());
    private final List<Claim> earlier = new ArrayList<>();

    private RuleTester(RuleType type) {
        this.type = type;
    }

    /** @param type the rule type under test */
    public static RuleTester of(RuleType type) {
        return new RuleTester(type);
    }

    /** @param params the parameters a drop gives the rule */
    public RuleTester params(Map<String, Object> params) {
        this.params = new LinkedHashMap<>(params);
        return this;
    }

    /** The claiming customer, with card products and no token attributes (add them with {@link #attribute}). */
    public RuleTester customer(String id, Tier tier, String... cards) {
        this.customer = new Customer(id, tier, new LinkedHashSet<>(List.of(cards)), Map.of());
        return this;
    }

    /** A token attribute of the customer, e.g. {@code monthlySpend}. */
    public RuleTester attribute(String name, Object value) {
        Map<String, Object> attributes = new LinkedHashMap<>(customer.attributes());
        attributes.put(name, value);
        this.customer = new Customer(customer.id(), customer.tier(), customer.cards(), attributes);
        return this;
    }

    /** The server's clock at the claim. */
    public RuleTester now(Instant now) {
        this.now = now;
        return this;
    }

    /** The drop being claimed opens at {@code opensAt} with these tier offsets (others default). */
    public RuleTester dropOpening(Instant opensAt, Map<Tier, Duration> offsets) {
        this.drop = drop(opensAt, offsets);
        return this;
    }

    /** An earlier claim of the customer. */
    public RuleTester earlierClaim(String dropId, ClaimStatus status, Instant at) {
        earlier.add(0, new Claim("claim-" + earlier.size(), dropId, customer.id(), status, "key-" + earlier.size(), at, ""));
        return this;
    }

    /** @return the rule made from the parameters (fails like the server would, with the parameter errors) */
    public Rule rule() throws InvalidParametersException {
        return type.create(params);
    }

    /** @return what the rule decides for the claim described */
    public Decision decide() throws InvalidParametersException {
        Customer c = customer;
        Drop d = drop;
        Instant t = now;
        List<Claim> claims = List.copyOf(earlier);
        return rule().decide(new ClaimContext() {
            @Override
            public Customer customer() {
                return c;
            }

            @Override
            public Drop drop() {
                return d;
            }

            @Override
            public Instant now() {
                return t;
            }

            @Override
            public List<Claim> earlierClaims() {
                return claims;
            }
        });
    }

    /** @return whether the rule allows the claim described */
    public boolean allows() throws InvalidParametersException {
        return decide() instanceof Decision.Allow;
    }

    /** @return the refusal; fails when the rule allowed the claim */
    public Decision.Deny denied() throws InvalidParametersException {
        Decision d = decide();
        if (d instanceof Decision.Deny deny) {
            return deny;
        }
        throw new AssertionError("expected " + type.name() + " to deny " + customer + " but it allowed");
    }

    /** @return the parameter errors for these parameters; fails when they are accepted */
    public Map<String, String> parameterErrors() {
        try {
            type.create(params);
        } catch (InvalidParametersException e) {
            return e.errors();
        }
        throw new AssertionError("expected " + type.name() + " to refuse parameters " + params);
    }

    private static Drop drop(Instant opensAt, Map<Tier, Duration> offsets) {
        Map<Tier, Duration> all = new EnumMap<>(Tier.class);
        all.putAll(DropSpec.DEFAULT_TIER_OFFSETS);
        all.putAll(offsets);
        DropSpec spec = new DropSpec("Test drop", "A test reward", DropKind.STOCK, 100, null, opensAt, all, null, 1, List.of(),
                RuleFailurePolicy.DENY);
        return new Drop("d-test", spec, "00".repeat(32), opensAt.minus(Duration.ofDays(1)), null);
    }
}
