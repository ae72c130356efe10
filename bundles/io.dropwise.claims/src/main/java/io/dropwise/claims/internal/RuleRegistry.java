package io.dropwise.claims.internal;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import io.dropwise.api.rules.RuleType;

/**
 * The rule types deployed now, as the engine's dynamic reference sees them come and go. When two
 * bundles provide the same type name (an upgrade side by side), the higher service ranking wins,
 * then the newer service.
 */
final class RuleRegistry {

    /**
     * A deployed rule type.
     *
     * @param type the service
     * @param bundle the providing bundle's symbolic name
     * @param version the providing bundle's version
     * @param ranking the service ranking
     * @param serviceId the service id
     */
    record Provided(RuleType type, String bundle, String version, int ranking, long serviceId) {

        /** @return e.g. {@code card-product@io.dropwise.rules.builtin/0.1.0} */
        String label() {
            return type.name() + "@" + bundle + "/" + version;
        }
    }

    private final List<Provided> provided = new CopyOnWriteArrayList<>();

    void add(Provided p) {
        provided.add(p);
    }

    void remove(RuleType type) {
        provided.removeIf(p -> p.type() == type);
    }

    Optional<Provided> find(String name) {
        return provided.stream().filter(p -> name.equals(safeName(p.type())))
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
