package io.dropwise.claims.internal;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.dropwise.api.drops.Claim;
import io.dropwise.api.drops.ClaimStatus;

/**
 * The claims this engine knows to be accepted for good, so that answering a retry, or telling a
 * customer a drop is sold out, needs no store read.
 *
 * <p>Only {@link ClaimStatus#CLAIMED} claims are kept: that status never changes once written
 * (a held claim may still be released, an entry may still win or lose), so a kept claim is
 * exactly what the store would answer for its customer and key, on this instance or any other.
 * A drop is <em>complete</em> once every claim the store holds for it has been read after the
 * drop sold out: no claim can be added to a sold-out drop (except by units coming back from
 * held claims, which is why drops under the {@code hold} policy are never made complete), so for
 * a complete drop a customer and key not kept here have no claim, and the sold-out answer is
 * final without asking the store.
 *
 * <p>Bounded: at most {@code max} claims are kept in all; past it, claims are no longer kept (and
 * drops no longer made complete), which only costs the store reads this saves. Thread-safe.
 */
final class KnownClaims {

    /** About 300 bytes each: 100,000 claims are some 30 MB. */
    static final int DEFAULT_MAX = 100_000;

    /** Marks a customer and key whose claim exists but is not final (held, released): ask the store. */
    private static final Claim NOT_FINAL = new Claim("", "", "", ClaimStatus.HELD, "", java.time.Instant.EPOCH, "");

    private static final class PerDrop {
        final Map<String, Claim> byCustomerAndKey = new ConcurrentHashMap<>();
        volatile boolean complete;
    }

    private final int max;
    private final AtomicInteger size = new AtomicInteger();
    private final Map<String, PerDrop> drops = new ConcurrentHashMap<>();

    KnownClaims(int max) {
        this.max = max;
    }

    private static String key(String customerId, String idempotencyKey) {
        return customerId + '\n' + idempotencyKey;
    }

    /** @return the accepted claim of the customer with the key, if kept */
    Claim find(String dropId, String customerId, String idempotencyKey) {
        PerDrop d = drops.get(dropId);
        if (d == null) {
            return null;
        }
        Claim c = d.byCustomerAndKey.get(key(customerId, idempotencyKey));
        return c == null || c == NOT_FINAL ? null : c;
    }

    /**
     * @return whether the customer surely has no claim with the key: the drop is complete and
     *         none is kept (false means only "ask the store", unless {@link #find} has it)
     */
    boolean surelyNone(String dropId, String customerId, String idempotencyKey) {
        PerDrop d = drops.get(dropId);
        return d != null && d.complete && !d.byCustomerAndKey.containsKey(key(customerId, idempotencyKey));
    }

    /** Keeps a claim read from or written to the store, if it is final and there is room. */
    void remember(Claim claim) {
        if (claim.status() != ClaimStatus.CLAIMED || size.get() >= max) {
            return;
        }
        if (drops.computeIfAbsent(claim.dropId(), id -> new PerDrop()).byCustomerAndKey
                .putIfAbsent(key(claim.customerId(), claim.idempotencyKey()), claim) == null) {
            size.incrementAndGet();
        }
    }

    /**
     * Makes a sold-out drop complete from every claim the store holds for it, read after the drop
     * was seen sold out. Does nothing when they do not fit.
     *
     * @return whether the drop is now complete
     */
    boolean complete(String dropId, List<Claim> all) {
        PerDrop d = drops.computeIfAbsent(dropId, id -> new PerDrop());
        if (size.get() + all.size() - d.byCustomerAndKey.size() > max) {
            return false;
        }
        for (Claim c : all) {
            Claim kept = c.status() == ClaimStatus.CLAIMED ? c : NOT_FINAL;
            Claim before = d.byCustomerAndKey.put(key(c.customerId(), c.idempotencyKey()), kept);
            if (before == null) {
                size.incrementAndGet();
            }
        }
        d.complete = true;
        return true;
    }

    /** @return whether the drop is complete */
    boolean isComplete(String dropId) {
        PerDrop d = drops.get(dropId);
        return d != null && d.complete;
    }

    /** Forgets a drop's claims (once it is drawn: its entries are never kept, nor asked for again). */
    void forget(String dropId) {
        PerDrop d = drops.remove(dropId);
        if (d != null) {
            size.addAndGet(-d.byCustomerAndKey.size());
        }
    }

    /** @return claims kept, in all */
    int size() {
        return size.get();
    }
}
