package io.dropwise.claims.internal;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongPredicate;

import io.dropwise.api.rules.RuleType;

/**
 * The rule types deployed now, as the engine's dynamic reference sees them come and go. When two
 * bundles provide the same type name (an upgrade side by side), the higher service ranking wins,
 * then the newer service; a type whose bundle is a candidate (a new version the deployment is still
 * verifying) is never chosen.
 */
final class RuleRegistry {

    /**
     * A deployed rule type.
     *
     * @param type the service
     * @param bundle the providing bundle's symbolic name
     * @param version the providing bundle's version
     * @param bundleId the providing bundle's id
     * @param ranking the service ranking
     * @param serviceId the service id
     */
    record Provided(RuleType type, String bundle, String version, long bundleId, int ranking, long serviceId) {

        /** @return e.g. {@code card-product@io.dropwise.rules.builtin/0.1.0} */
        String label() {
            return type.name() + "@" + bundle + "/" + version;
        }
    }

    private final List<Provided> provided = new CopyOnWriteArrayList<>();
    private final LongPredicate candidate;

    /** @param candidate tells the bundles whose rule types must not decide claims yet */
    RuleRegistry(LongPredicate candidate) {
        this.candidate = candidate;
    }

    void add(Provided p) {
        provided.add(p);
    }

    void remove(RuleType type) {
        provided.removeIf(p -> p.type() == type);
    }

    Optional<Provided> find(String name) {
        return provided.stream().filter(p -> name.equals(safeName(p.type())) && !candidate.test(p.bundleId()))
                .max(Comparator.comparingInt(Provided::ranking).thenComparingLong(Provided::serviceId));
    }

    List<Provided> all() {
        return List.copyOf(provided);
    }

    static String safeName(RuleType type) {
        try {
            return type.name();
        } catch (RuntimeException e) {
            return "";
        }
    }
}
