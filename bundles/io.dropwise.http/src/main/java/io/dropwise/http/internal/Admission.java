package io.dropwise.http.internal;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.function.LongSupplier;

/**
 * Admission control for claims (the containment of overload): a customer may send at most
 * {@link Settings#perCustomerPerSecond()} claims a second (a token bucket holding
 * {@link Settings#perCustomerBurst()}), and at most {@link Settings#maxInFlight()} claims are being
 * decided at once; past either, the claim is answered {@code 429} with {@code Retry-After} at once,
 * and the server keeps its throughput for the claims it admitted instead of slowing down for all.
 * Buckets live in the memory of this HTTP front; one per customer, locked on its own (no lock
 * shared by all claims); past {@value #MAX_CUSTOMERS} customers the full (idle) buckets are dropped,
 * which forgets nothing that matters (a full bucket is what a new customer gets).
 */
final class Admission {

    static final int MAX_CUSTOMERS = 200_000;

    /**
     * @param maxInFlight claims decided at once, at most
     * @param perCustomerPerSecond claims a customer may send per second, on average
     * @param perCustomerBurst claims a customer may send at once
     */
    record Settings(int maxInFlight, double perCustomerPerSecond, int perCustomerBurst) {
        static final Settings DEFAULT = new Settings(1024, 10, 20);
    }

    /** A token bucket. */
    private static final class Bucket {
        double tokens;
        long at;

        Bucket(double tokens, long at) {
            this.tokens = tokens;
            this.at = at;
        }
    }

    private final Settings settings;
    private final LongSupplier nanos;
    private final Semaphore inFlight;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    Admission(Settings settings, LongSupplier nanos) {
        this.settings = settings;
        this.nanos = nanos;
        this.inFlight = new Semaphore(settings.maxInFlight());
    }

    /** @return whether the customer may send a claim now (takes a token when so) */
    boolean customerMay(String customerId) {
        long now = nanos.getAsLong();
        Bucket b = buckets.get(customerId);
        if (b == null) {
            if (buckets.size() >= MAX_CUSTOMERS) {
                buckets.values().removeIf(idle -> full(idle, now));
            }
            b = buckets.computeIfAbsent(customerId, k -> new Bucket(settings.perCustomerBurst(), now));
        }
        synchronized (b) {
            refill(b, now);
            if (b.tokens < 1) {
                return false;
            }
            b.tokens -= 1;
            return true;
        }
    }

    private void refill(Bucket b, long now) {
        b.tokens = Math.min(settings.perCustomerBurst(), b.tokens + Math.max(0, now - b.at) / 1e9 * settings.perCustomerPerSecond());
        b.at = now;
    }

    private boolean full(Bucket b, long now) {
        synchronized (b) {
            refill(b, now);
            return b.tokens >= settings.perCustomerBurst();
        }
    }

    /** @return whether a claim may be decided now; when so, {@link #leave()} must follow */
    boolean enter() {
        return inFlight.tryAcquire();
    }

    void leave() {
        inFlight.release();
    }

    /** @return seconds a refused customer should wait for a token */
    long customerRetryAfterSeconds() {
        return Math.max(1, (long) Math.ceil(1 / settings.perCustomerPerSecond()));
    }
}
