package io.dropwise.http.internal;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * A token bucket per key (a customer, a client address): a key may take {@code perSecond} tokens a
 * second on average and {@code burst} at once. Buckets live in the memory of this HTTP front, each
 * locked on its own (no lock shared by all claims); past {@code maxKeys} keys the full (idle)
 * buckets are dropped, which forgets nothing that matters (a full bucket is what a new key gets).
 * Should the keys still be over the bound (a flood of fresh keys, each having just spent a token),
 * the new key gets a fresh bucket that is not kept: memory stays bounded, and the flood is the
 * business of the other limits.
 */
final class TokenBuckets {

    /** A token bucket. */
    private static final class Bucket {
        double tokens;
        long at;

        Bucket(double tokens, long at) {
            this.tokens = tokens;
            this.at = at;
        }
    }

    private final double perSecond;
    private final int burst;
    private final int maxKeys;
    private final LongSupplier nanos;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    /**
     * @param perSecond tokens a key gets back per second (&gt; 0)
     * @param burst tokens a key may hold (&ge; 1)
     * @param maxKeys buckets kept, at most (roughly: concurrent inserts may overshoot by the number of request threads)
     */
    TokenBuckets(double perSecond, int burst, int maxKeys, LongSupplier nanos) {
        if (!(perSecond > 0) || burst < 1 || maxKeys < 1) {
            throw new IllegalArgumentException("perSecond " + perSecond + ", burst " + burst + ", maxKeys " + maxKeys);
        }
        this.perSecond = perSecond;
        this.burst = burst;
        this.maxKeys = maxKeys;
        this.nanos = nanos;
    }

    /** @return whether the key may go now (takes a token when so) */
    boolean take(String key) {
        long now = nanos.getAsLong();
        Bucket b = buckets.get(key);
        if (b == null) {
            if (buckets.size() >= maxKeys) {
                buckets.values().removeIf(idle -> full(idle, now));
            }
            if (buckets.size() >= maxKeys) {
                // every bucket kept is in use: do not grow; the key gets a fresh bucket for this once
                return true;
            }
            b = buckets.computeIfAbsent(key, k -> new Bucket(burst, now));
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

    /** @return buckets held now */
    int size() {
        return buckets.size();
    }

    /** @return seconds a refused key should wait for a token */
    long retryAfterSeconds() {
        return Math.max(1, (long) Math.ceil(1 / perSecond));
    }

    private void refill(Bucket b, long now) {
        b.tokens = Math.min(burst, b.tokens + Math.max(0, now - b.at) / 1e9 * perSecond);
        b.at = now;
    }

    private boolean full(Bucket b, long now) {
        synchronized (b) {
            refill(b, now);
            return b.tokens >= burst;
        }
    }
}
