package io.dropwise.claims.internal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import io.dropwise.api.drops.Claim;
import io.dropwise.api.drops.ClaimStatus;
import io.dropwise.api.drops.Drop;
import io.dropwise.api.drops.DropKind;
import io.dropwise.api.store.ClaimAttempt;
import io.dropwise.api.store.ClaimStore;
import io.dropwise.api.store.ClaimWrite;
import io.dropwise.api.store.ClaimWrite.Outcome;
import io.dropwise.api.store.StoreUnavailableException;

/** A {@link ClaimStore} in memory with the same rules as the SQL one, for engine tests. */
final class MemoryClaimStore implements ClaimStore {

    private final Map<String, Drop> drops = new LinkedHashMap<>();
    private final Map<String, String> seeds = new HashMap<>();
    private final List<Claim> claims = new ArrayList<>();
    private final Map<String, String> tiers = new HashMap<>();
    volatile boolean down;
    /** How long a write takes to find out that the store is down (a connection attempt timing out). */
    volatile long downAfterMillis;
    volatile int commits;
    /** When set, {@link #commit} waits for it before doing anything (a write that takes as long as the test wants). */
    volatile java.util.concurrent.CountDownLatch gate;
    /** Calls of {@link #commit} begun, failed ones included. */
    final java.util.concurrent.atomic.AtomicInteger commitCalls = new java.util.concurrent.atomic.AtomicInteger();
    volatile int keyLookups;

    private void check() {
        if (down && downAfterMillis > 0) {
            try {
                Thread.sleep(downAfterMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (down) {
            throw new StoreUnavailableException("database down (test)", null);
        }
    }

    @Override
    public synchronized void insertDrop(Drop drop, String seed) {
        check();
        drops.put(drop.id(), drop);
        seeds.put(drop.id(), seed);
    }

    @Override
    public synchronized List<Drop> drops() {
        check();
        List<Drop> all = new ArrayList<>(drops.values());
        all.sort(Comparator.comparing(Drop::createdAt).reversed());
        return all;
    }

    @Override
    public synchronized Optional<Drop> drop(String dropId) {
        check();
        return Optional.ofNullable(drops.get(dropId));
    }

    @Override
    public synchronized List<ClaimWrite> commit(String dropId, List<ClaimAttempt> attempts) {
        commitCalls.incrementAndGet();
        java.util.concurrent.CountDownLatch g = gate;
        if (g != null) {
            try {
                g.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        check();
        commits++;
        Drop drop = drops.get(dropId);
        List<ClaimWrite> out = new ArrayList<>();
        for (ClaimAttempt a : attempts) {
            List<Claim> mine = claims.stream().filter(c -> c.dropId().equals(dropId) && c.customerId().equals(a.customerId())).toList();
            Optional<Claim> same = mine.stream().filter(c -> c.idempotencyKey().equals(a.idempotencyKey())).findFirst();
            mine = mine.stream().filter(c -> c.status() != ClaimStatus.RELEASED).toList();
            long taken = claims.stream().filter(c -> c.dropId().equals(dropId) && c.status() != ClaimStatus.RELEASED).count();
            if (same.isPresent()) {
                out.add(new ClaimWrite(Outcome.REPLAYED, same.get()));
            } else if (drop.drawnAt() != null) {
                out.add(new ClaimWrite(Outcome.CLOSED, null));
            } else if (mine.size() >= drop.spec().perCustomerLimit()) {
                out.add(new ClaimWrite(Outcome.LIMIT_REACHED, null));
            } else if (drop.spec().kind() == DropKind.STOCK && taken >= drop.spec().stock()) {
                out.add(new ClaimWrite(Outcome.SOLD_OUT, null));
            } else {
                Claim c = new Claim(a.claimId(), dropId, a.customerId(), a.heldUntil() != null ? ClaimStatus.HELD
                        : drop.spec().kind() == DropKind.DRAW ? ClaimStatus.ENTERED : ClaimStatus.CLAIMED, a.idempotencyKey(), a.at(),
                        a.decidedBy(), a.heldUntil());
                claims.add(c);
                tiers.put(c.claimId(), a.tier().wireName());
                out.add(new ClaimWrite(Outcome.CREATED, c));
            }
        }
        return out;
    }

    @Override
    public synchronized Optional<Claim> claimByKey(String dropId, String customerId, String key) {
        check();
        keyLookups++;
        return claims.stream().filter(c -> c.dropId().equals(dropId) && c.customerId().equals(customerId) && c.idempotencyKey().equals(key)).findFirst();
    }

    @Override
    public synchronized List<Claim> claimsOf(String customerId) {
        check();
        return claims.stream().filter(c -> c.customerId().equals(customerId)).toList();
    }

    @Override
    public synchronized Map<String, Integer> claimedCounts() {
        check();
        Map<String, Integer> counts = new HashMap<>();
        claims.stream().filter(c -> c.status() != ClaimStatus.RELEASED).forEach(c -> counts.merge(c.dropId(), 1, Integer::sum));
        return counts;
    }

    @Override
    public synchronized List<Claim> heldClaims(int max) {
        check();
        return claims.stream().filter(c -> c.status() == ClaimStatus.HELD).limit(max).toList();
    }

    @Override
    public synchronized Optional<Claim> settleHeld(String dropId, String claimId, boolean keep, String why) {
        check();
        for (int i = 0; i < claims.size(); i++) {
            Claim c = claims.get(i);
            if (c.claimId().equals(claimId)) {
                if (c.status() != ClaimStatus.HELD) {
                    return Optional.of(c);
                }
                ClaimStatus kept = drops.get(dropId).spec().kind() == DropKind.DRAW ? ClaimStatus.ENTERED : ClaimStatus.CLAIMED;
                Claim settled = new Claim(c.claimId(), c.dropId(), c.customerId(), keep ? kept : ClaimStatus.RELEASED, c.idempotencyKey(),
                        c.createdAt(), why, keep ? null : c.heldUntil());
                claims.set(i, settled);
                return Optional.of(settled);
            }
        }
        return Optional.empty();
    }

    @Override
    public synchronized int releaseExpiredHolds(Instant now) {
        check();
        int n = 0;
        for (int i = 0; i < claims.size(); i++) {
            Claim c = claims.get(i);
            if (c.status() == ClaimStatus.HELD && !c.heldUntil().isAfter(now)) {
                claims.set(i, new Claim(c.claimId(), c.dropId(), c.customerId(), ClaimStatus.RELEASED, c.idempotencyKey(), c.createdAt(),
                        "released: no rule decided before the hold's deadline", c.heldUntil()));
                n++;
            }
        }
        return n;
    }

    @Override
    public synchronized Map<String, Integer> perTier(String dropId) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        claims.stream().filter(c -> c.dropId().equals(dropId)).forEach(c -> counts.merge(tiers.get(c.claimId()), 1, Integer::sum));
        return counts;
    }

    @Override
    public synchronized Optional<String> seed(String dropId) {
        return Optional.ofNullable(seeds.get(dropId));
    }

    @Override
    public synchronized DrawRecord draw(String dropId, Function<List<String>, List<String>> chooseWinners, Instant at) {
        check();
        Optional<DrawRecord> done = drawRecord(dropId);
        if (done.isPresent()) {
            return done.get();
        }
        List<String> entrants = entrants(dropId);
        List<String> winners = chooseWinners.apply(entrants);
        claims.replaceAll(c -> c.dropId().equals(dropId)
                ? new Claim(c.claimId(), c.dropId(), c.customerId(), winners.contains(c.customerId()) ? ClaimStatus.WON : ClaimStatus.LOST,
                        c.idempotencyKey(), c.createdAt(), c.decidedBy())
                : c);
        Drop d = drops.get(dropId);
        drops.put(dropId, new Drop(d.id(), d.spec(), d.seedHash(), d.createdAt(), at));
        return drawRecord(dropId).orElseThrow();
    }

    @Override
    public synchronized Optional<DrawRecord> drawRecord(String dropId) {
        Drop d = drops.get(dropId);
        if (d == null || d.drawnAt() == null) {
            return Optional.empty();
        }
        List<String> winners = claims.stream().filter(c -> c.dropId().equals(dropId) && c.status() == ClaimStatus.WON)
                .map(Claim::customerId).sorted().toList();
        return Optional.of(new DrawRecord(d.drawnAt(), entrants(dropId), winners));
    }

    private List<String> entrants(String dropId) {
        return claims.stream().filter(c -> c.dropId().equals(dropId)).map(Claim::customerId).distinct().sorted().toList();
    }

    @Override
    public synchronized List<Claim> claimsOfDrop(String dropId) {
        return claims.stream().filter(c -> c.dropId().equals(dropId)).toList();
    }
}
