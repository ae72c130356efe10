package io.dropwise.claims.internal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.dropwise.api.customer.Customer;
import io.dropwise.api.drops.Claim;
import io.dropwise.api.drops.ClaimResult;
import io.dropwise.api.drops.ClaimResult.Reason;
import io.dropwise.api.drops.Drop;
import io.dropwise.api.drops.DropSpec;
import io.dropwise.api.drops.RuleFailurePolicy;
import io.dropwise.api.faults.FaultInjection;
import io.dropwise.api.rules.ClaimContext;
import io.dropwise.api.rules.Decision;
import io.dropwise.api.rules.InvalidParametersException;
import io.dropwise.api.rules.Parameter;
import io.dropwise.api.rules.Rule;

/**
 * Decides whether a claim may go ahead: the {@code tier-window} rule first (every drop has it),
 * then the drop's own rules in order, stopping at the first refusal. A rule that is not deployed,
 * or that fails, is handled by the drop's {@link RuleFailurePolicy}.
 *
 * <p>A drop's rules are made ({@code RuleType.create}) once per deployed rule type and cached; a
 * new version of the type (another service) makes them again.
 */
final class RuleEvaluator {

    static final String TIER_WINDOW = "tier-window";

    private static final Logger LOG = LoggerFactory.getLogger(RuleEvaluator.class);

    private final RuleRegistry registry;
    private final RuleIsolation isolation;
    private final Supplier<FaultInjection> faults;
    private final Map<String, Compiled> compiled = new ConcurrentHashMap<>();

    private record Compiled(RuleRegistry.Provided provided, Rule rule) {
    }

    /** The outcome: go ahead (with who decided), or the refusal to answer. */
    record Verdict(ClaimResult.Refused refusal, String decidedBy, String heldBy) {
        Verdict(ClaimResult.Refused refusal, String decidedBy) {
            this(refusal, decidedBy, null);
        }

        boolean allowed() {
            return refusal == null;
        }

        /** @return whether a rule could not decide and the drop's policy is {@code hold}: the claim is held */
        boolean held() {
            return heldBy != null;
        }
    }

    RuleEvaluator(RuleRegistry registry, RuleIsolation isolation, Supplier<FaultInjection> faults) {
        this.registry = registry;
        this.isolation = isolation;
        this.faults = faults;
    }

    /**
     * Calls into a plugin's code through its bulkhead, time budget and circuit breaker (faults injected
     * into the plugin's bundle act inside them, as the plugin's own failures would).
     */
    private <T> T isolated(RuleRegistry.Provided provided, java.util.concurrent.Callable<T> call) throws RuleIsolation.RuleFailure {
        FaultInjection f = faults.get();
        java.util.concurrent.Callable<T> crossing = f == null ? call : () -> {
            f.cross(provided.bundle());
            return call.call();
        };
        try {
            return isolation.call(provided.bundle(), provided.version(), crossing);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RuleIsolation.RuleFailure("was interrupted", e);
        }
    }

    /** @return the rules a drop runs, in order: the tier window, then its own */
    static List<DropSpec.RuleRef> rulesOf(Drop drop) {
        List<DropSpec.RuleRef> rules = new ArrayList<>();
        rules.add(new DropSpec.RuleRef(TIER_WINDOW, Map.of()));
        rules.addAll(drop.spec().rules());
        return rules;
    }

    /**
     * Checks one drop's rules at creation.
     *
     * @return field name to message, empty when every rule is deployed and takes its parameters
     */
    Map<String, String> validate(List<DropSpec.RuleRef> rules) {
        Map<String, String> errors = new LinkedHashMap<>();
        for (int i = 0; i < rules.size(); i++) {
            DropSpec.RuleRef ref = rules.get(i);
            String field = "rules[" + i + "]";
            if (TIER_WINDOW.equals(ref.type())) {
                errors.put(field + ".type", "tier-window applies to every drop; leave it out");
                continue;
            }
            Optional<RuleRegistry.Provided> provided = registry.find(ref.type());
            if (provided.isEmpty()) {
                errors.put(field + ".type", "rule type '" + ref.type() + "' is not deployed (GET /admin/v1/rules lists those that are)");
                continue;
            }
            errors.putAll(shapeErrors(field, provided.get(), ref.params()));
            try {
                isolated(provided.get(), () -> provided.get().type().create(ref.params()));
            } catch (RuleIsolation.RuleFailure e) {
                if (e.getCause() instanceof InvalidParametersException invalid) {
                    invalid.errors().forEach((name, message) -> errors.putIfAbsent(field + ".params." + name, message));
                } else {
                    LOG.warn("Rule type {} failed while checking parameters: {}", provided.get().label(), e.getMessage());
                    errors.put(field + ".params", "rule type '" + ref.type() + "' could not check these parameters: it " + e.getMessage());
                }
            }
        }
        return errors;
    }

    private static Map<String, String> shapeErrors(String field, RuleRegistry.Provided provided, Map<String, Object> params) {
        Map<String, String> errors = new LinkedHashMap<>();
        List<Parameter> declared;
        try {
            declared = provided.type().parameters();
        } catch (RuntimeException e) {
            return errors;
        }
        for (Parameter p : declared) {
            Object v = params.get(p.name());
            String name = field + ".params." + p.name();
            if (v == null) {
                if (p.required()) {
                    errors.put(name, "required (" + p.type().name().toLowerCase(java.util.Locale.ROOT) + ")");
                }
            } else if (!fits(p.type(), v)) {
                errors.put(name, "must be " + p.type().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' '));
            }
        }
        return errors;
    }

    private static boolean fits(Parameter.Type type, Object v) {
        return switch (type) {
            case STRING -> v instanceof String;
            case STRING_LIST -> v instanceof List<?> l && l.stream().allMatch(e -> e instanceof String);
            case INTEGER -> v instanceof Integer || v instanceof Long || v instanceof java.math.BigInteger;
            case NUMBER -> v instanceof Number;
            case BOOLEAN -> v instanceof Boolean;
            case DURATION -> v instanceof String s && parses(() -> java.time.Duration.parse(s));
            case INSTANT -> v instanceof String s && parses(() -> Instant.parse(s));
        };
    }

    private static boolean parses(Supplier<?> parse) {
        try {
            parse.get();
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Decides a claim on a drop by its rules. */
    Verdict decide(Drop drop, Customer customer, Instant now, Supplier<List<Claim>> earlierClaims) {
        ClaimContext context = new LazyContext(customer, drop, now, earlierClaims);
        List<DropSpec.RuleRef> rules = rulesOf(drop);
        List<String> decidedBy = new ArrayList<>(rules.size());
        for (int i = 0; i < rules.size(); i++) {
            DropSpec.RuleRef ref = rules.get(i);
            Optional<RuleRegistry.Provided> provided = registry.find(ref.type());
            String failure;
            if (provided.isEmpty()) {
                failure = "rule type '" + ref.type() + "' is not deployed";
            } else {
                int index = i;
                RuleRegistry.Provided p = provided.get();
                try {
                    Decision decision = isolated(p, () -> rule(drop.id(), index, ref, p).decide(context));
                    if (decision == null) {
                        throw new RuleIsolation.RuleFailure("answered no decision (null)", null);
                    }
                    if (decision instanceof Decision.Deny deny) {
                        LOG.debug("Claim of {} on {} refused by {}: {}", customer.id(), drop.id(), p.label(), deny.trace());
                        return new Verdict(refusal(deny, p), null);
                    }
                    decidedBy.add(p.label());
                    continue;
                } catch (RuleIsolation.RuleFailure e) {
                    failure = e.getCause() instanceof InvalidParametersException invalid
                            ? "rule " + p.label() + " refuses the drop's parameters: " + invalid.errors()
                            : "rule " + p.label() + " " + e.getMessage();
                }
            }
            RuleFailurePolicy policy = drop.spec().onRuleFailure();
            LOG.warn("Drop {}: {}; policy {}", drop.id(), failure, policy);
            if (policy == RuleFailurePolicy.SKIP) {
                decidedBy.add(ref.type() + " (skipped)");
                continue;
            }
            if (policy == RuleFailurePolicy.HOLD) {
                decidedBy.add(ref.type() + " (held)");
                return new Verdict(null, String.join(", ", decidedBy), ref.type());
            }
            return new Verdict(new ClaimResult.Refused(Reason.UNAVAILABLE,
                    "This drop cannot check eligibility right now; retry shortly.", null, Map.of("rule", ref.type())), null);
        }
        return new Verdict(null, String.join(", ", decidedBy));
    }

    private Rule rule(String dropId, int index, DropSpec.RuleRef ref, RuleRegistry.Provided provided) throws InvalidParametersException {
        String key = dropId + "#" + index;
        Compiled c = compiled.get(key);
        if (c == null || c.provided().type() != provided.type()) {
            c = new Compiled(provided, provided.type().create(ref.params()));
            compiled.put(key, c);
        }
        return c.rule();
    }

    private static ClaimResult.Refused refusal(Decision.Deny deny, RuleRegistry.Provided by) {
        Map<String, Object> details = new LinkedHashMap<>(deny.details());
        details.put("rule", by.type().name());
        if (TIER_WINDOW.equals(by.type().name()) && deny.details().get("opensAt") instanceof String opensAt) {
            return new ClaimResult.Refused(Reason.NOT_OPEN_FOR_TIER, deny.reason(), Instant.parse(opensAt), details);
        }
        return new ClaimResult.Refused(Reason.NOT_ELIGIBLE, deny.reason(), null, details);
    }

    /**
     * Whether a customer may see a drop: its own rules (not the tier window: an upcoming drop is
     * shown with its opening time) do not refuse the customer. A rule that cannot decide hides
     * nothing; the claim will follow the drop's policy.
     */
    boolean visible(Drop drop, Customer customer, Instant now, Supplier<List<Claim>> earlierClaims) {
        ClaimContext context = new LazyContext(customer, drop, now, earlierClaims);
        List<DropSpec.RuleRef> rules = drop.spec().rules();
        for (int i = 0; i < rules.size(); i++) {
            Optional<RuleRegistry.Provided> provided = registry.find(rules.get(i).type());
            if (provided.isEmpty()) {
                continue;
            }
            int index = i + 1; // the tier window is rule 0 of every drop
            DropSpec.RuleRef ref = rules.get(i);
            RuleRegistry.Provided p = provided.get();
            try {
                if (isolated(p, () -> rule(drop.id(), index, ref, p).decide(context)) instanceof Decision.Deny) {
                    return false;
                }
            } catch (RuleIsolation.RuleFailure e) {
                LOG.debug("Rule {} could not decide visibility of {}: {}", ref.type(), drop.id(), e.getMessage());
            }
        }
        return true;
    }

    /** Remembers a supplier's answer, so that several drops' rules read the customer's claims once. */
    static <T> Supplier<T> once(Supplier<T> source) {
        return new Supplier<>() {
            private T value;

            @Override
            public synchronized T get() {
                if (value == null) {
                    value = source.get();
                }
                return value;
            }
        };
    }

    /** Forgets the rules made for a drop's deployed types (after a type is removed). */
    void forget(io.dropwise.api.rules.RuleType type) {
        compiled.values().removeIf(c -> c.provided().type() == type);
    }

    private static final class LazyContext implements ClaimContext {
        private final Customer customer;
        private final Drop drop;
        private final Instant now;
        private final Supplier<List<Claim>> source;
        private List<Claim> earlier;

        LazyContext(Customer customer, Drop drop, Instant now, Supplier<List<Claim>> source) {
            this.customer = customer;
            this.drop = drop;
            this.now = now;
            this.source = source;
        }

        @Override
        public Customer customer() {
            return customer;
        }

        @Override
        public Drop drop() {
            return drop;
        }

        @Override
        public Instant now() {
            return now;
        }

        @Override
        public synchronized List<Claim> earlierClaims() {
            if (earlier == null) {
                earlier = List.copyOf(source.get());
            }
            return earlier;
        }
    }
}
