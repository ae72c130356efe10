package io.dropwise.claims.internal;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.dropwise.api.customer.Customer;
import io.dropwise.api.customer.Tier;
import io.dropwise.api.drops.Claim;
import io.dropwise.api.drops.ClaimResult;
import io.dropwise.api.drops.ClaimStatus;
import io.dropwise.api.drops.DropActivity;
import io.dropwise.api.drops.ClaimResult.Reason;
import io.dropwise.api.drops.DrawResult;
import io.dropwise.api.drops.Drop;
import io.dropwise.api.drops.DropKind;
import io.dropwise.api.drops.DropSpec;
import io.dropwise.api.drops.DropState;
import io.dropwise.api.drops.RuleFailurePolicy;
import io.dropwise.api.drops.DropStats;
import io.dropwise.api.drops.DropView;
import io.dropwise.api.drops.Drops;
import io.dropwise.api.drops.InvalidDropException;
import io.dropwise.api.drops.RuleTypeStatus;
import io.dropwise.api.lifecycle.Candidates;
import io.dropwise.api.lifecycle.InFlight;
import io.dropwise.api.rules.RuleType;
import io.dropwise.api.metrics.Metrics;
import io.dropwise.api.metrics.MetricsSource;
import io.dropwise.api.store.ClaimAttempt;
import io.dropwise.api.store.ClaimStore;
import io.dropwise.api.store.ClaimWrite;
import io.dropwise.api.store.StoreUnavailableException;

/**
 * The {@link Drops} service. Cheap checks (drop known, open for the tier, not closed, known to be
 * sold out) are answered from memory; everything that takes or may take a unit goes through the
 * {@link ClaimBatcher} to the store, which arbitrates (also between several instances).
 *
 * <p>What it keeps in memory is a cache that the store can always rebuild: drop definitions,
 * drops seen sold out, and claimed counts (refreshed at most every second).
 */
@Component(service = {Drops.class, InFlight.class, MetricsSource.class}, immediate = true)
public final class ClaimsEngine implements Drops, InFlight, MetricsSource {

    static final int MAX_BATCH = 512;
    static final int MAX_QUEUED = 50_000;
    static final long ANSWER_TIMEOUT_SECONDS = 10;
    static final long COUNTS_TTL_MILLIS = 1_000;
    /** How long a held claim keeps its unit when no rule decides it (setting {@code dropwise.rules.hold.seconds}). */
    static final Duration DEFAULT_HOLD = Duration.ofMinutes(2);
    /** Customers of held claims remembered for the decision, at most (past it, held claims wait for their deadline). */
    static final int MAX_HELD_REMEMBERED = 100_000;

    private static final Logger LOG = LoggerFactory.getLogger(ClaimsEngine.class);
    private static final HexFormat HEX = HexFormat.of();

    private final ClaimStore store;
    private final Clock clock;
    private final RuleRegistry rules = new RuleRegistry(this::isCandidate);
    private final RuleIsolation isolation;
    private final RuleEvaluator evaluator;
    private final SecureRandom random = new SecureRandom();
    private final ClaimBatcher batcher;
    private final Map<String, Drop> drops = new ConcurrentHashMap<>();
    private final Set<String> soldOut = ConcurrentHashMap.newKeySet();
    /** Accepted claims, so that retries and sold-out answers need no store read. */
    private final KnownClaims known = new KnownClaims(KnownClaims.DEFAULT_MAX);
    private final ClaimIds claimIds;
    /** Sold-out drops whose claims are being read to make them complete in {@link #known}. */
    private final Set<String> completing = ConcurrentHashMap.newKeySet();
    private final java.util.concurrent.atomic.AtomicInteger claiming = new java.util.concurrent.atomic.AtomicInteger();
    private volatile Counts counts = new Counts(Map.of(), 0);

    private record Counts(Map<String, Integer> claimed, long readAtMillis) {
    }

    /** The list of drops, read from the store at most once a second (other instances create drops too). */
    private record Listing(List<Drop> drops, long readAtMillis) {
    }

    private volatile Listing listing = new Listing(List.of(), 0);

    /** Claims per second of a drop, read from the store at most once a second. */
    private record Activity(List<DropActivity.Second> perSecond, long readAtMillis) {
    }

    private final Map<String, Activity> activity = new ConcurrentHashMap<>();
    /** Outcome counters per drop. */
    private final Map<String, Outcomes> outcomes = new ConcurrentHashMap<>();
    private final Instant startedAt;
    private final Duration holdFor;
    /** Runs the held-claims round every second (decide them once their rules answer, release them at their deadline) and reads sold-out drops' claims; stopped on deactivate. */
    private final java.util.concurrent.ScheduledExecutorService background;
    /** The customer of each claim this engine held: the rules need them to decide it later. */
    private final Map<String, HeldBy> heldCustomers = new ConcurrentHashMap<>();
    private final io.dropwise.api.metrics.LatencyHistogram claimLatency = new io.dropwise.api.metrics.LatencyHistogram();

    private record HeldBy(Customer customer, long atMillis) {
    }

    /** Present only while fault injection is enabled: a game day may make rule plugins slow or failing. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    volatile io.dropwise.api.faults.FaultInjection faults;

    @Activate
    public ClaimsEngine(@Reference ClaimStore store, org.osgi.framework.BundleContext context) {
        this(store, Clock.systemUTC(), isolationSettings(context),
                Duration.ofSeconds(setting(context, "dropwise.rules.hold.seconds", DEFAULT_HOLD.toSeconds(), 1, 86_400)));
    }

    ClaimsEngine(ClaimStore store, Clock clock) {
        this(store, clock, RuleIsolation.Settings.DEFAULT);
    }

    ClaimsEngine(ClaimStore store, Clock clock, RuleIsolation.Settings isolationSettings) {
        this(store, clock, isolationSettings, DEFAULT_HOLD);
    }

    ClaimsEngine(ClaimStore store, Clock clock, RuleIsolation.Settings isolationSettings, Duration holdFor) {
        this.store = store;
        this.holdFor = holdFor;
        this.clock = clock;
        this.claimIds = new ClaimIds(clock::millis);
        this.isolation = new RuleIsolation(isolationSettings, clock);
        this.evaluator = new RuleEvaluator(rules, isolation, () -> faults);
        this.startedAt = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        this.batcher = new ClaimBatcher(store, MAX_BATCH, MAX_QUEUED);
        this.batcher.start();
        this.background = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "dropwise-claims-background");
            t.setDaemon(true);
            return t;
        });
        this.background.scheduleWithFixedDelay(this::settleHeldClaims, 1, 1, TimeUnit.SECONDS);
        LOG.info("Claims engine started");
    }

    @Reference(service = RuleType.class, cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void addRuleType(ServiceReference<RuleType> reference, RuleType type) {
        Object ranking = reference.getProperty(Constants.SERVICE_RANKING);
        RuleRegistry.Provided provided = new RuleRegistry.Provided(type, reference.getBundle().getSymbolicName(),
                reference.getBundle().getVersion().toString(), reference.getBundle().getBundleId(), ranking instanceof Integer r ? r : 0,
                (Long) reference.getProperty(Constants.SERVICE_ID));
        addRuleType(provided);
    }

    /** The deployment service's view of which bundles are still being verified; absent: none is. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    volatile Candidates candidates;

    private boolean isCandidate(long bundleId) {
        Candidates c = candidates;
        return c != null && c.isCandidate(bundleId);
    }

    void addRuleType(RuleRegistry.Provided provided) {
        rules.add(provided);
        LOG.info("Rule type {} deployed", provided.label());
    }

    void removeRuleType(RuleType type) {
        String name = RuleRegistry.safeName(type);
        Optional<RuleRegistry.Provided> gone = rules.all().stream().filter(p -> p.type() == type).findFirst();
        rules.remove(type);
        gone.filter(g -> rules.all().stream().noneMatch(p -> p.bundle().equals(g.bundle()) && p.version().equals(g.version())))
                .ifPresent(g -> isolation.forget(g.bundle(), g.version()));
        evaluator.forget(type);
        LOG.info("Rule type {} withdrawn{}", name, rules.find(name).map(p -> "; " + p.label() + " serves it now").orElse(""));
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        background.shutdownNow();
        background.awaitTermination(5, TimeUnit.SECONDS);
        batcher.stop(ANSWER_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        isolation.close();
        LOG.info("Claims engine stopped");
    }

    @Override
    public Drop create(DropSpec spec) throws InvalidDropException {
        Map<String, String> errors = DropValidator.errors(spec);
        if (errors.keySet().stream().noneMatch(k -> k.startsWith("rules"))) {
            evaluator.validate(spec.rules()).forEach(errors::putIfAbsent);
        }
        if (!errors.isEmpty()) {
            throw new InvalidDropException(errors);
        }
        Map<Tier, java.time.Duration> offsets = new EnumMap<>(Tier.class);
        offsets.putAll(DropSpec.DEFAULT_TIER_OFFSETS);
        offsets.putAll(spec.tierOffsets());
        DropSpec complete = new DropSpec(spec.title().strip(), spec.reward().strip(), spec.kind(), spec.stock(), spec.winners(),
                spec.opensAt(), offsets, spec.closesAt(), spec.perCustomerLimit(), spec.rules(), spec.onRuleFailure());
        byte[] seed = new byte[32];
        random.nextBytes(seed);
        byte[] id = new byte[8];
        random.nextBytes(id);
        String seedHex = HEX.formatHex(seed);
        Drop drop = new Drop("d-" + HEX.formatHex(id), complete, DrawAlgorithm.seedHash(seedHex),
                clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS), null);
        store.insertDrop(drop, seedHex);
        drops.put(drop.id(), drop);
        listing = new Listing(List.of(), 0);
        LOG.info("Drop {} created: {} ({} {})", drop.id(), complete.title(), complete.kind(),
                complete.kind() == DropKind.STOCK ? complete.stock() + " units" : complete.winners() + " winners");
        return drop;
    }

    @Override
    public List<Drop> all() {
        Listing l = listing;
        long now = System.currentTimeMillis();
        if (now - l.readAtMillis() > COUNTS_TTL_MILLIS) {
            List<Drop> all = store.drops();
            all.forEach(d -> drops.put(d.id(), d));
            l = new Listing(List.copyOf(all), now);
            listing = l;
        }
        return l.drops();
    }

    @Override
    public Optional<Drop> find(String dropId) {
        Drop cached = drops.get(dropId);
        if (cached != null) {
            // a draw on another instance is seen by the store's commit (answered 'closed', and the
            // cached copy dropped) and by the drop listing within a second
            return Optional.of(cached);
        }
        Optional<Drop> read = store.drop(dropId);
        read.ifPresent(d -> drops.put(d.id(), d));
        return read;
    }

    @Override
    public List<DropView> visibleTo(Customer customer) {
        Instant now = clock.instant();
        Map<String, Integer> claimed = claimedCounts();
        List<DropView> views = new ArrayList<>();
        java.util.function.Supplier<List<Claim>> earlier = RuleEvaluator.once(() -> store.claimsOf(customer.id()));
        for (Drop d : all()) {
            if (evaluator.visible(d, customer, now, earlier)) {
                views.add(view(d, customer.tier(), now, claimed.getOrDefault(d.id(), 0)));
            }
        }
        views.sort(Comparator.comparing(DropView::opensAt).thenComparing(v -> v.drop().id()));
        return views;
    }

    private DropView view(Drop d, Tier tier, Instant now, int claimed) {
        Integer remaining = d.spec().kind() == DropKind.STOCK ? Math.max(0, d.spec().stock() - claimed) : null;
        Instant opensAt = d.opensAt(tier);
        DropState state;
        if (d.drawnAt() != null) {
            state = DropState.DRAWN;
        } else if (d.spec().closesAt() != null && !now.isBefore(d.spec().closesAt())) {
            state = DropState.CLOSED;
        } else if (remaining != null && remaining == 0) {
            state = DropState.SOLD_OUT;
        } else if (now.isBefore(opensAt)) {
            state = DropState.UPCOMING;
        } else {
            state = DropState.OPEN;
        }
        return new DropView(d, opensAt, state, remaining);
    }

    private Map<String, Integer> claimedCounts() {
        Counts c = counts;
        long now = System.currentTimeMillis();
        if (now - c.readAtMillis() > COUNTS_TTL_MILLIS) {
            c = new Counts(store.claimedCounts(), now);
            counts = c;
        }
        return c.claimed();
    }

    @Override
    public int inFlight() {
        return claiming.get() + batcher.waiting();
    }

    @Override
    public ClaimResult claim(Customer customer, String dropId, String idempotencyKey) {
        claiming.incrementAndGet();
        long started = System.nanoTime();
        try {
            ClaimResult result = decideAndWrite(customer, dropId, idempotencyKey);
            count(dropId, customer.tier(), result);
            return result;
        } finally {
            claimLatency.record(System.nanoTime() - started);
            claiming.decrementAndGet();
        }
    }

    @Override
    public void collect(Metrics metrics) {
        for (Map.Entry<String, Outcomes> e : outcomes.entrySet()) {
            for (Tier t : Tier.values()) {
                java.util.concurrent.atomic.LongAdder[] row = e.getValue().counts[t.ordinal()];
                for (int o = 0; o < row.length; o++) {
                    String name = Outcomes.name(o);
                    long n = row[o].sum();
                    if (name != null && n > 0) {
                        Map<String, String> labels = new LinkedHashMap<>();
                        labels.put("drop", e.getKey());
                        labels.put("tier", t.wireName());
                        labels.put("outcome", name);
                        metrics.counter("dropwise_claims_total", "Claim requests decided by this engine since it started, by drop, tier "
                                + "and outcome (retries answered with an earlier claim are not counted)", labels, n);
                    }
                }
            }
        }
        claimLatency.writeTo(metrics, "dropwise_claim_engine_seconds", "Time the claims engine took to answer a claim, durable write included",
                Map.of());
        metrics.gauge("dropwise_claims_in_flight", "Claims being decided by the engine now", Map.of(), claiming.get());
        metrics.gauge("dropwise_claims_waiting_to_write", "Claims waiting for the next group-commit batch", Map.of(), batcher.waiting());
        batcher.writeLatency.writeTo(metrics, "dropwise_store_write_seconds", "Time of one store transaction of a group-commit batch "
                + "(one drop's claims, made durable)", Map.of());
        metrics.counter("dropwise_store_written_claims_total", "Claims sent to the store and written (new, replayed or refused by it)",
                Map.of(), batcher.written.sum());
        metrics.counter("dropwise_store_failed_claims_total", "Claims whose store write failed (answered 503)", Map.of(),
                batcher.failedWrites.sum());
        isolation.writeLatencies(metrics);
        for (io.dropwise.api.drops.RulePluginStatus p : isolation.status()) {
            Map<String, String> labels = Map.of("plugin", p.plugin());
            metrics.counter("dropwise_rule_failures_total", "Failed calls into a rule plugin version (thrown, too slow, rejected, circuit open)",
                    labels, p.failures());
            metrics.gauge("dropwise_rule_circuit_open", "1 while a rule plugin version's circuit is open (its drops follow their policy)",
                    labels, p.circuit().equals("closed") ? 0 : 1);
        }
        metrics.gauge("dropwise_held_claims_remembered", "Held claims this engine will decide when their rule answers", Map.of(),
                heldCustomers.size());
    }

    /** Counts the outcome of a claim request for the live view (replays are not new outcomes); no allocation per claim. */
    private void count(String dropId, Tier tier, ClaimResult result) {
        int outcome;
        if (result instanceof ClaimResult.Accepted a) {
            if (a.replay()) {
                return;
            }
            outcome = a.claim().status() == ClaimStatus.HELD ? Outcomes.HELD : 0;
        } else {
            ClaimResult.Reason reason = ((ClaimResult.Refused) result).reason();
            if (reason == Reason.NOT_FOUND) {
                return;
            }
            outcome = 1 + reason.ordinal();
        }
        outcomes.computeIfAbsent(dropId, k -> new Outcomes()).counts[tier.ordinal()][outcome].increment();
    }

    /** One drop's outcome counters: [tier][0 = claimed, 1 + refusal reason, {@link #HELD}]. */
    private static final class Outcomes {
        static final int HELD = 1 + Reason.values().length;
        final java.util.concurrent.atomic.LongAdder[][] counts = new java.util.concurrent.atomic.LongAdder[Tier.values().length][HELD + 1];

        Outcomes() {
            for (java.util.concurrent.atomic.LongAdder[] row : counts) {
                for (int i = 0; i < row.length; i++) {
                    row[i] = new java.util.concurrent.atomic.LongAdder();
                }
            }
        }

        /** @return the name an outcome has in the activity ({@code null}: not reported) */
        static String name(int outcome) {
            if (outcome == 0) {
                return "claimed";
            }
            if (outcome == HELD) {
                return "held";
            }
            return switch (Reason.values()[outcome - 1]) {
                case NOT_FOUND -> null;
                case NOT_OPEN_FOR_TIER -> "early";
                case NOT_ELIGIBLE -> "not-eligible";
                case ALREADY_CLAIMED -> "already-claimed";
                case SOLD_OUT -> "sold-out";
                case CLOSED -> "closed";
                case UNAVAILABLE -> "failed";
                case HOLD_RELEASED -> "hold-released";
            };
        }
    }

    @Override
    public Optional<DropActivity> activity(String dropId) {
        Optional<Drop> drop = find(dropId);
        if (drop.isEmpty()) {
            return Optional.empty();
        }
        Activity cached = activity.get(dropId);
        long nowMillis = clock.millis();
        if (cached == null || nowMillis - cached.readAtMillis() >= 1000) {
            java.util.TreeMap<Instant, Integer> seconds = new java.util.TreeMap<>();
            for (Claim c : store.claimsOfDrop(dropId)) {
                seconds.merge(c.createdAt().truncatedTo(java.time.temporal.ChronoUnit.SECONDS), 1, Integer::sum);
            }
            cached = new Activity(seconds.entrySet().stream().map(e -> new DropActivity.Second(e.getKey(), e.getValue())).toList(), nowMillis);
            activity.put(dropId, cached);
        }
        Map<String, Map<String, Long>> byTier = new LinkedHashMap<>();
        for (Tier t : Tier.values()) {
            byTier.put(t.name().toLowerCase(java.util.Locale.ROOT), new LinkedHashMap<>());
        }
        Outcomes counted = outcomes.get(dropId);
        if (counted != null) {
            for (Tier t : Tier.values()) {
                Map<String, Long> row = byTier.get(t.name().toLowerCase(java.util.Locale.ROOT));
                for (int o = 0; o < counted.counts[t.ordinal()].length; o++) {
                    long n = counted.counts[t.ordinal()][o].sum();
                    String name = Outcomes.name(o);
                    if (n > 0 && name != null) {
                        row.put(name, n);
                    }
                }
            }
        }
        return Optional.of(new DropActivity(dropId, cached.perSecond(), byTier, startedAt));
    }

    private ClaimResult decideAndWrite(Customer customer, String dropId, String idempotencyKey) {
        Optional<Drop> found = find(dropId);
        if (found.isEmpty()) {
            return new ClaimResult.Refused(Reason.NOT_FOUND, "There is no drop " + dropId + ".", null);
        }
        Drop drop = found.get();
        Claim earlier = known.find(dropId, customer.id(), idempotencyKey);
        if (earlier != null) {
            return new ClaimResult.Accepted(earlier, true); // a retry of a claim accepted for good: its first answer, whatever else holds now
        }
        // the store keeps milliseconds: a replay must answer exactly what the first answer said
        Instant now = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        if (drop.drawnAt() != null || (drop.spec().closesAt() != null && !now.isBefore(drop.spec().closesAt()))) {
            return replayOr(drop, customer, idempotencyKey,
                    new ClaimResult.Refused(Reason.CLOSED, "This drop is closed.", null));
        }
        RuleEvaluator.Verdict verdict = evaluator.decide(drop, customer, now, () -> store.claimsOf(customer.id()));
        if (!verdict.allowed()) {
            // a drop's opening never moves, so nothing can have been accepted before it: no store read for the
            // burst of early claims; any other refusal may answer a retry of a claim accepted earlier
            return verdict.refusal().reason() == Reason.NOT_OPEN_FOR_TIER ? verdict.refusal()
                    : replayOr(drop, customer, idempotencyKey, verdict.refusal());
        }
        if (soldOut.contains(dropId)) {
            learnSoldOut(drop);
            return replayOr(drop, customer, idempotencyKey, soldOutRefusal());
        }
        ClaimAttempt attempt = new ClaimAttempt(claimIds.next(), customer.id(), customer.tier(), idempotencyKey, now,
                verdict.decidedBy(), verdict.held() ? now.plus(holdFor) : null);
        if (verdict.held() && heldCustomers.size() < MAX_HELD_REMEMBERED) {
            heldCustomers.put(attempt.claimId(), new HeldBy(customer, clock.millis()));
        }
        ClaimWrite write;
        try {
            write = batcher.submit(dropId, attempt).get(ANSWER_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return unavailable(e.getCause());
        } catch (TimeoutException e) {
            return unavailable(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return unavailable(e);
        }
        if (verdict.held() && write.outcome() != ClaimWrite.Outcome.CREATED) {
            heldCustomers.remove(attempt.claimId());
        }
        if (write.outcome() == ClaimWrite.Outcome.CREATED || write.outcome() == ClaimWrite.Outcome.REPLAYED) {
            known.remember(write.claim());
        }
        return switch (write.outcome()) {
            case CREATED -> new ClaimResult.Accepted(write.claim(), false);
            case REPLAYED -> accepted(write.claim());
            case LIMIT_REACHED -> new ClaimResult.Refused(Reason.ALREADY_CLAIMED, drop.spec().perCustomerLimit() == 1
                    ? "You already claimed this drop." : "You already hold " + drop.spec().perCustomerLimit() + " of this drop.", null);
            case SOLD_OUT -> {
                soldOut.add(dropId);
                learnSoldOut(drop);
                yield soldOutRefusal();
            }
            case CLOSED -> {
                drops.remove(dropId);
                yield new ClaimResult.Refused(Reason.CLOSED, "This drop is closed.", null);
            }
        };
    }

    private static ClaimResult.Refused soldOutRefusal() {
        return new ClaimResult.Refused(Reason.SOLD_OUT, "Every unit of this drop has been claimed.", null);
    }

    /** A retry of a claim that was accepted gets its first answer, even once the drop is sold out or closed. */
    private ClaimResult replayOr(Drop drop, Customer customer, String key, ClaimResult.Refused refusal) {
        if (known.surelyNone(drop.id(), customer.id(), key)) {
            return refusal; // a complete sold-out drop: no claim with this key, no store read (kept claims were answered first)
        }
        try {
            Optional<Claim> earlier = store.claimByKey(drop.id(), customer.id(), key);
            earlier.ifPresent(known::remember);
            return earlier.map(ClaimsEngine::accepted).orElse(refusal);
        } catch (StoreUnavailableException e) {
            return unavailable(e);
        }
    }

    /** @return whether this engine answers the drop's sold-out claims and retries from memory (tests) */
    boolean knowsAllClaimsOf(String dropId) {
        return known.isComplete(dropId);
    }

    /**
     * A drop seen sold out: reads its claims once, in the background, so that later sold-out
     * answers need no store read ({@link KnownClaims}). Not for drops under the {@code hold}
     * policy, whose units may come back. Tried again on a later sold-out answer if the read fails.
     */
    private void learnSoldOut(Drop drop) {
        String dropId = drop.id();
        if (drop.spec().onRuleFailure() == RuleFailurePolicy.HOLD || known.isComplete(dropId) || !completing.add(dropId)) {
            return;
        }
        try {
            background.execute(() -> {
                try {
                    if (!known.complete(dropId, store.claimsOfDrop(dropId))) {
                        LOG.debug("Drop {} sold out: its claims are too many to keep in memory; sold-out answers read the store", dropId);
                    }
                } catch (RuntimeException e) {
                    completing.remove(dropId); // tried again on a later sold-out answer
                    LOG.debug("Drop {} sold out: its claims could not be read ({}); tried again later", dropId, e.toString());
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            completing.remove(dropId); // stopping
        }
    }

    /** The answer to a retry: the claim made with the key, unless it was held and then released. */
    private static ClaimResult accepted(Claim earlier) {
        if (earlier.status() == ClaimStatus.RELEASED) {
            return new ClaimResult.Refused(Reason.HOLD_RELEASED, "Your claim was held while the drop could not check eligibility, then "
                    + "released (" + earlier.decidedBy().replaceFirst("^released: ", "") + "). To claim again, send a new Idempotency-Key.",
                    null);
        }
        return new ClaimResult.Accepted(earlier, true);
    }

    /**
     * Every second: releases held claims past their deadline (any instance may), then decides the held
     * claims this engine made once their drop's rules answer again (one try per drop per round while
     * they still fail, so a plugin that stays down costs one budget a round, not one per held claim).
     */
    void settleHeldClaims() {
        if (heldCustomers.isEmpty() && drops.values().stream().noneMatch(d -> d.spec().onRuleFailure() == RuleFailurePolicy.HOLD)) {
            return; // no drop this engine knows holds claims: no store queries every second for nothing
        }
        try {
            int released = store.releaseExpiredHolds(clock.instant());
            if (released > 0) {
                LOG.info("{} held claim(s) released at their deadline; their units are back in stock", released);
            }
            List<Claim> held = store.heldClaims(500);
            Set<String> stillFailing = new java.util.HashSet<>();
            for (Claim c : held) {
                HeldBy by = heldCustomers.get(c.claimId());
                Customer customer = by == null ? null : by.customer();
                Drop drop = customer == null || stillFailing.contains(c.dropId()) ? null : find(c.dropId()).orElse(null);
                if (drop == null) {
                    continue; // held by another instance or before a restart: its deadline releases it
                }
                RuleEvaluator.Verdict verdict = evaluator.decide(drop, customer, c.createdAt(),
                        () -> store.claimsOf(customer.id()).stream().filter(other -> !other.claimId().equals(c.claimId())).toList());
                if (verdict.held()) {
                    stillFailing.add(c.dropId());
                    continue;
                }
                Optional<Claim> settled = store.settleHeld(c.dropId(), c.claimId(), verdict.allowed(), verdict.allowed() ? verdict.decidedBy()
                        : "released: " + verdict.refusal().detail());
                heldCustomers.remove(c.claimId());
                if (settled.isPresent() && settled.get().status() == ClaimStatus.RELEASED) {
                    released++;
                }
                LOG.info("Held claim {} on drop {} decided: {}", c.claimId(), c.dropId(), settled.map(s -> s.status().wireName()).orElse("gone"));
            }
            if (released > 0) {
                counts = new Counts(Map.of(), 0); // units came back
            }
            // units released here or by another instance: a drop under the hold policy may not be sold out any more
            // (only those drops can get units back; the others keep their sold-out flag without a store read)
            if (soldOut.stream().map(drops::get).anyMatch(d -> d != null && d.spec().onRuleFailure() == RuleFailurePolicy.HOLD)) {
                Map<String, Integer> claimed = claimedCounts();
                soldOut.removeIf(id -> {
                    Drop d = drops.get(id);
                    return d != null && d.spec().onRuleFailure() == RuleFailurePolicy.HOLD && d.spec().stock() != null
                            && claimed.getOrDefault(id, 0) < d.spec().stock();
                });
            }
            if (held.size() < 500) { // every held claim was seen: forget those decided elsewhere (another instance, the deadline)
                Set<String> stillHeld = held.stream().map(Claim::claimId).collect(java.util.stream.Collectors.toSet());
                long before = clock.millis() - 10_000; // not those being written right now
                heldCustomers.entrySet().removeIf(e -> e.getValue().atMillis() < before && !stillHeld.contains(e.getKey()));
            }
        } catch (StoreUnavailableException e) {
            LOG.debug("Held claims not settled this round: {}", e.getMessage());
        } catch (RuntimeException e) {
            LOG.warn("Held claims not settled this round", e);
        }
    }

    private static ClaimResult.Refused unavailable(Throwable cause) {
        LOG.debug("Claim not answered in time", cause);
        return new ClaimResult.Refused(Reason.UNAVAILABLE, "Claims cannot be recorded right now; retry with the same Idempotency-Key.", null);
    }

    @Override
    public List<Claim> claimsOf(Customer customer) {
        return store.claimsOf(customer.id());
    }

    @Override
    public List<Claim> claimsOfDrop(String dropId) {
        return store.claimsOfDrop(dropId);
    }

    @Override
    public Optional<DropStats> stats(String dropId) {
        Optional<Drop> drop = find(dropId);
        if (drop.isEmpty()) {
            return Optional.empty();
        }
        Map<String, Integer> perTier = new LinkedHashMap<>(store.perTier(dropId));
        int total = perTier.values().stream().mapToInt(Integer::intValue).sum();
        DropSpec spec = drop.get().spec();
        if (spec.kind() == DropKind.STOCK) {
            return Optional.of(new DropStats(total, Math.max(0, spec.stock() - total), 0, perTier));
        }
        return Optional.of(new DropStats(0, null, total, perTier));
    }

    @Override
    public Optional<DrawResult> draw(String dropId) {
        Optional<Drop> found = find(dropId);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        Drop drop = found.get();
        if (drop.spec().kind() != DropKind.DRAW) {
            throw new IllegalStateException("drop " + dropId + " is a stock drop; only draw drops are drawn");
        }
        Instant now = clock.instant();
        if (drop.drawnAt() == null) {
            Instant lastOpening = java.util.Arrays.stream(Tier.values()).map(drop::opensAt).max(Instant::compareTo).orElseThrow();
            if (now.isBefore(lastOpening)) {
                throw new IllegalStateException("drop " + dropId + " opens to every tier only at " + lastOpening
                        + "; draw it after that, so that every tier could enter");
            }
            if (drop.spec().closesAt() != null && now.isBefore(drop.spec().closesAt())) {
                throw new IllegalStateException("drop " + dropId + " takes entries until " + drop.spec().closesAt() + "; draw it after that");
            }
        }
        String seed = store.seed(dropId).orElseThrow();
        ClaimStore.DrawRecord record = store.draw(dropId, entrants -> winningCustomers(dropId, seed, entrants, drop.spec().winners()),
                now);
        drops.remove(dropId);
        known.forget(dropId);
        listing = new Listing(List.of(), 0);
        LOG.info("Drop {} drawn: {} winner(s) among {} entries", dropId, record.winners().size(), record.entrants().size());
        return Optional.of(result(drop, seed, record));
    }

    @Override
    public Optional<DrawResult> drawResult(String dropId) {
        Optional<Drop> drop = find(dropId);
        if (drop.isEmpty() || drop.get().spec().kind() != DropKind.DRAW) {
            return Optional.empty();
        }
        return store.drawRecord(dropId).map(r -> result(drop.get(), store.seed(dropId).orElseThrow(), r));
    }

    @Override
    public List<io.dropwise.api.drops.RulePluginStatus> rulePlugins() {
        return isolation.status();
    }

    /** Reads the rule isolation settings: {@code dropwise.rules.budget.ms}, {@code .threads}, {@code .queue}, {@code .failures}, {@code .open.seconds}. */
    static RuleIsolation.Settings isolationSettings(org.osgi.framework.BundleContext context) {
        RuleIsolation.Settings d = RuleIsolation.Settings.DEFAULT;
        return new RuleIsolation.Settings(Duration.ofMillis(setting(context, "dropwise.rules.budget.ms", d.budget().toMillis(), 1, 60_000)),
                (int) setting(context, "dropwise.rules.threads", d.threads(), 1, 256),
                (int) setting(context, "dropwise.rules.queue", d.queue(), 1, 100_000),
                (int) setting(context, "dropwise.rules.failures", d.failuresToOpen(), 1, 1_000),
                Duration.ofSeconds(setting(context, "dropwise.rules.open.seconds", d.openFor().toSeconds(), 1, 3_600)));
    }

    private static long setting(org.osgi.framework.BundleContext context, String key, long fallback, long min, long max) {
        String value = context == null ? null : context.getProperty(key);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            long v = Long.parseLong(value.strip());
            if (v >= min && v <= max) {
                return v;
            }
        } catch (NumberFormatException e) {
            // named below
        }
        LOG.error("Setting {}={} is not a whole number from {} to {}; using {}", key, value, min, max, fallback);
        return fallback;
    }

    @Override
    public List<RuleTypeStatus> ruleTypes() {
        Map<String, List<String>> users = new java.util.TreeMap<>();
        for (Drop d : all()) {
            for (DropSpec.RuleRef ref : RuleEvaluator.rulesOf(d)) {
                users.computeIfAbsent(ref.type(), k -> new ArrayList<>()).add(d.id());
            }
        }
        for (RuleRegistry.Provided p : rules.all()) {
            users.computeIfAbsent(RuleRegistry.safeName(p.type()), k -> new ArrayList<>());
        }
        List<RuleTypeStatus> out = new ArrayList<>();
        users.forEach((name, dropIds) -> out.add(rules.find(name)
                .map(p -> new RuleTypeStatus(name, true, p.type().description(), p.type().parameters(), p.bundle(), p.version(), dropIds))
                .orElse(new RuleTypeStatus(name, false, null, List.of(), null, null, dropIds))));
        return out;
    }

    private static List<String> winningCustomers(String dropId, String seed, List<String> entrants, int winners) {
        Map<String, String> customerByEntry = new LinkedHashMap<>();
        for (String customer : entrants) {
            customerByEntry.put(DrawAlgorithm.entryId(dropId, customer), customer);
        }
        return DrawAlgorithm.winners(seed, new ArrayList<>(customerByEntry.keySet()), winners).stream()
                .map(customerByEntry::get).toList();
    }

    private static DrawResult result(Drop drop, String seed, ClaimStore.DrawRecord record) {
        List<String> entries = record.entrants().stream().map(c -> DrawAlgorithm.entryId(drop.id(), c)).sorted().toList();
        List<String> winners = DrawAlgorithm.winners(seed, entries, drop.spec().winners());
        return new DrawResult(drop.id(), seed, drop.seedHash(), entries, winners, drop.spec().winners(), record.drawnAt(),
                DrawAlgorithm.DESCRIPTION);
    }
}
