package io.dropwise.http.internal;

import java.util.Comparator;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongPredicate;

import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;

/**
 * The providers of one service that are up now, and the one to use: the most recently installed
 * bundle's (then the newest service) that is not a candidate. During a live upgrade the new
 * version's service appears beside the old one while the deployment verifies it (a candidate:
 * skipped), and takes all new work once the deployment promotes it; work already running on the
 * old one finishes there.
 *
 * @param <T> the service type
 */
final class Newest<T> {

    private record Provider<T>(T service, long bundleId, long serviceId) {
    }

    private final CopyOnWriteArrayList<Provider<T>> providers = new CopyOnWriteArrayList<>();
    private final LongPredicate candidate;

    /** @param candidate tells the bundles whose services must not take work yet */
    Newest(LongPredicate candidate) {
        this.candidate = candidate;
    }

    void add(ServiceReference<T> reference, T service) {
        add(service, reference.getBundle().getBundleId(), (Long) reference.getProperty(Constants.SERVICE_ID));
    }

    void add(T service, long bundleId, long serviceId) {
        providers.add(new Provider<>(service, bundleId, serviceId));
    }

    void remove(T service) {
        providers.removeIf(p -> p.service() == service);
    }

    /** @return the provider to use now, or {@code null} when there is none */
    T get() {
        return providers.stream().filter(p -> !candidate.test(p.bundleId())).max(Comparator.comparingLong((Provider<T> p) -> p.bundleId()).thenComparingLong(Provider::serviceId))
                .map(Provider::service).orElse(null);
    }
}
