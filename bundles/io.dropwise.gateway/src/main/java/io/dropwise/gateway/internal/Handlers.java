package io.dropwise.gateway.internal;

import java.util.Comparator;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongPredicate;

import io.dropwise.api.http.RequestHandler;

/**
 * The handlers of one prefix that are up now; the one to use is the newest (most recently installed
 * bundle's) that is not a candidate, i.e. not a new version the deployment is still verifying.
 */
final class Handlers {

    private record Entry(RequestHandler handler, long bundleId, long serviceId) {
    }

    private final CopyOnWriteArrayList<Entry> entries = new CopyOnWriteArrayList<>();
    private final Object changed = new Object();

    void add(RequestHandler handler, long bundleId, long serviceId) {
        entries.add(new Entry(handler, bundleId, serviceId));
        synchronized (changed) {
            changed.notifyAll();
        }
    }

    void remove(RequestHandler handler) {
        entries.removeIf(e -> e.handler() == handler);
    }

    /**
     * @param candidate tells the bundles whose handlers must not take work yet
     * @return the handler to use now
     */
    Optional<RequestHandler> newest(LongPredicate candidate) {
        return entries.stream().filter(e -> !candidate.test(e.bundleId())).max(Comparator.comparingLong(Entry::bundleId).thenComparingLong(Entry::serviceId)).map(Entry::handler);
    }

    /** @return the handler to use, waiting up to {@code millis} for one to appear (or be promoted) */
    Optional<RequestHandler> await(long millis, LongPredicate candidate) throws InterruptedException {
        long deadline = System.nanoTime() + millis * 1_000_000;
        Optional<RequestHandler> h = newest(candidate);
        while (h.isEmpty()) {
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                return h;
            }
            synchronized (changed) {
                h = newest(candidate);
                if (h.isEmpty()) {
                    changed.wait(Math.min(left, 50));
                }
            }
            h = newest(candidate);
        }
        return h;
    }
}
