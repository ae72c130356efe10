package io.dropwise.claims.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

import io.dropwise.api.customer.Customer;
import io.dropwise.api.customer.Tier;
import io.dropwise.api.drops.Claim;
import io.dropwise.api.drops.ClaimResult;
import io.dropwise.api.drops.ClaimStatus;
import io.dropwise.api.drops.Drop;
import io.dropwise.api.drops.DropKind;
import io.dropwise.api.drops.DropSpec;
import io.dropwise.api.drops.RuleFailurePolicy;
import io.dropwise.api.store.ClaimAttempt;
import io.dropwise.api.store.ClaimStore;
import io.dropwise.api.store.ClaimWrite;
import io.dropwise.rules.builtin.internal.TierWindowRule;

/**
 * The claims engine's half of the claim path, with a store that costs (almost) nothing, so that
 * the engine's own work shows: a new claim (rules, then the group-commit batcher and its writer
 * thread), a retry with the same key (a replay), a claim on a sold-out drop and one before the
 * customer's tier opens (both answered from memory). The store's half, durable, is
 * {@code ClaimCommitBenchmark} in {@code io.dropwise.store}. Run with
 * {@code mvn -Pbenchmarks -DskipTests test -pl bundles/io.dropwise.claims -am} (docs/benchmarks.md).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(8)
public class ClaimPathBenchmark {

    private static final Instant T0 = Instant.parse("2026-11-27T09:00:00Z");

    private ClaimsEngine engine;
    private String open;
    private String soldOut;
    private String later;
    private final AtomicLong customers = new AtomicLong();
    private final Customer repeat = new Customer("repeat", Tier.VIP, Set.of(), Map.of());

    @Setup
    public void setUp() throws Exception {
        Clock clock = Clock.fixed(T0.plus(Duration.ofHours(1)), java.time.ZoneOffset.UTC);
        engine = new ClaimsEngine(new FreeStore(), clock);
        engine.addRuleType(new RuleRegistry.Provided(new TierWindowRule(), "io.dropwise.rules.builtin", "0.1.0", 10, 0, 1));
        open = engine.create(spec(10_000_000, T0)).id();
        soldOut = engine.create(spec(1, T0)).id();
        later = engine.create(spec(100, T0.plus(Duration.ofDays(1)))).id();
        claim(new Customer("first", Tier.VIP, Set.of(), Map.of()), soldOut, 201);
        claim(new Customer("second", Tier.VIP, Set.of(), Map.of()), soldOut, 409);
        claim(repeat, open, 201);
    }

    private static DropSpec spec(int stock, Instant opensAt) {
        return new DropSpec("Bench", "A coffee", DropKind.STOCK, stock, null, opensAt, Map.of(), null, 1, List.of(), RuleFailurePolicy.DENY);
    }

    private void claim(Customer c, String drop, int expected) {
        ClaimResult r = engine.claim(c, drop, "k");
        boolean accepted = r instanceof ClaimResult.Accepted;
        if (accepted != (expected == 201)) {
            throw new IllegalStateException("set-up claim on " + drop + ": " + r);
        }
    }

    @TearDown
    public void tearDown() throws InterruptedException {
        engine.deactivate();
    }

    @Benchmark
    public ClaimResult newClaim() {
        return engine.claim(new Customer("c-" + customers.incrementAndGet(), Tier.STANDARD, Set.of(), Map.of()), open, "k");
    }

    @Benchmark
    public ClaimResult replay() {
        return engine.claim(repeat, open, "k");
    }

    @Benchmark
    public ClaimResult soldOut() {
        return engine.claim(new Customer("s-" + customers.incrementAndGet(), Tier.STANDARD, Set.of(), Map.of()), soldOut, "k");
    }

    @Benchmark
    public ClaimResult notOpenYet() {
        return engine.claim(new Customer("e-" + customers.incrementAndGet(), Tier.STANDARD, Set.of(), Map.of()), later, "k");
    }

    /** A store in memory with constant-time lookups: not durable, it stands for a database that answers at once. */
    static final class FreeStore implements ClaimStore {
        private final Map<String, Drop> drops = new ConcurrentHashMap<>();
        private final Map<String, Integer> claimed = new ConcurrentHashMap<>();
        private final Map<String, Claim> byKey = new ConcurrentHashMap<>();
        private final Map<String, Integer> perCustomer = new ConcurrentHashMap<>();

        @Override
        public void insertDrop(Drop drop, String seed) {
            drops.put(drop.id(), drop);
            claimed.put(drop.id(), 0);
        }

        @Override
        public List<Drop> drops() {
            return new ArrayList<>(drops.values());
        }

        @Override
        public Optional<Drop> drop(String dropId) {
            return Optional.ofNullable(drops.get(dropId));
        }

        @Override
        public synchronized List<ClaimWrite> commit(String dropId, List<ClaimAttempt> attempts) {
            Drop drop = drops.get(dropId);
            List<ClaimWrite> out = new ArrayList<>(attempts.size());
            for (ClaimAttempt a : attempts) {
                Claim same = byKey.get(dropId + "/" + a.customerId() + "/" + a.idempotencyKey());
                if (same != null) {
                    out.add(new ClaimWrite(ClaimWrite.Outcome.REPLAYED, same));
                } else if (perCustomer.getOrDefault(dropId + "/" + a.customerId(), 0) >= drop.spec().perCustomerLimit()) {
                    out.add(new ClaimWrite(ClaimWrite.Outcome.LIMIT_REACHED, null));
                } else if (claimed.get(dropId) >= drop.spec().stock()) {
                    out.add(new ClaimWrite(ClaimWrite.Outcome.SOLD_OUT, null));
                } else {
                    Claim c = new Claim(a.claimId(), dropId, a.customerId(), ClaimStatus.CLAIMED, a.idempotencyKey(), a.at(), a.decidedBy());
                    byKey.put(dropId + "/" + a.customerId() + "/" + a.idempotencyKey(), c);
                    perCustomer.merge(dropId + "/" + a.customerId(), 1, Integer::sum);
                    claimed.merge(dropId, 1, Integer::sum);
                    out.add(new ClaimWrite(ClaimWrite.Outcome.CREATED, c));
                }
            }
            return out;
        }

        @Override
        public Optional<Claim> claimByKey(String dropId, String customerId, String idempotencyKey) {
            return Optional.ofNullable(byKey.get(dropId + "/" + customerId + "/" + idempotencyKey));
        }

        @Override
        public List<Claim> claimsOf(String customerId) {
            return byKey.values().stream().filter(c -> c.customerId().equals(customerId)).toList();
        }

        @Override
        public Map<String, Integer> claimedCounts() {
            return Map.copyOf(claimed);
        }

        @Override
        public Map<String, Integer> perTier(String dropId) {
            return Map.of();
        }

        @Override
        public Optional<String> seed(String dropId) {
            return Optional.of("cd".repeat(32));
        }

        @Override
        public DrawRecord draw(String dropId, Function<List<String>, List<String>> chooseWinners, Instant at) {
            throw new UnsupportedOperationException("no draws in this benchmark");
        }

        @Override
        public Optional<DrawRecord> drawRecord(String dropId) {
            return Optional.empty();
        }

        @Override
        public List<Claim> heldClaims(int max) {
            return List.of();
        }

        @Override
        public Optional<Claim> settleHeld(String dropId, String claimId, boolean keep, String why) {
            return Optional.empty();
        }

        @Override
        public int releaseExpiredHolds(Instant now) {
            return 0;
        }

        @Override
        public List<Claim> claimsOfDrop(String dropId) {
            return byKey.values().stream().filter(c -> c.dropId().equals(dropId)).toList();
        }
    }
}
