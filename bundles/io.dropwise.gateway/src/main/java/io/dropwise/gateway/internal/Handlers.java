package io.dropwise.gateway.internal;

import java.util.Comparator;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import io.dropwise.api.http.RequestHandler;

/** The handlers of one prefix that are up now, newest (most recently installed bundle) first. */
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

    Optional<RequestHandler> newest() {
        return entries.stream().max(Comparator.comparingLong(Entry::bundleId).thenComparingLong(Entry::serviceId)).map(Entry::handler);
    }

    /** @return the newest handler, waiting up to {@code millis} for one to appear */
    Optional<RequestHandler> await(long millis) throws InterruptedException {
        long deadline = System.nanoTime() + millis * 1_000_000;
        Optional<RequestHandler> h = newest();
        while (h.isEmpty()) {
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                return h;
            }
            synchronized (changed) {
                h = newest();
                if (h.isEmpty()) {
                    changed.wait(Math.min(left, 50));
                }
            }
            h = newest();
        }
        return h;
    }
}
