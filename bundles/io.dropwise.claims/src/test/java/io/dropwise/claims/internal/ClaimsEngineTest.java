package io.dropwise.claims.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.dropwise.api.customer.Customer;
import io.dropwise.api.customer.Tier;
import io.dropwise.api.drops.Claim;
import io.dropwise.api.drops.ClaimResult;
import io.dropwise.api.drops.ClaimResult.Reason;
import io.dropwise.api.drops.ClaimStatus;
import io.dropwise.api.drops.DrawResult;
import io.dropwise.api.drops.Drop;
import io.dropwise.api.drops.DropKind;
import io.dropwise.api.drops.DropSpec;
import io.dropwise.api.drops.DropState;
import io.dropwise.api.drops.InvalidDropException;
import io.dropwise.api.drops.RuleFailurePolicy;
import io.dropwise.rules.builtin.internal.CardProductRule;
import io.dropwise.rules.builtin.internal.TierWindowRule;

class ClaimsEngineTest {

    private static final Instant T0 = Instant.parse("2026-11-27T09:00:00Z");

    private final MemoryClaimStore store = new MemoryClaimStore();
    private final AtomicReference<Instant> now = new AtomicReference<>(T0);
    private final Clock clock = new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }
    };
    private final ClaimsEngine engine = new ClaimsEngine(store, clock);
    private final TierWindowRule tierWindow = new TierWindowRule();
    private final CardProductRule cardProduct = new CardProductRule();

    {
        engine.addRuleType(new RuleRegistry.Provided(tierWindow, "io.dropwise.rules.builtin", "0.1.0", 10, 0, 1));
        engine.addRuleType(new RuleRegistry.Provided(cardProduct, "io.dropwise.rules.builtin", "0.1.0", 10, 0, 2));
    }

    /** @return a rule type whose every rule is {@code rule} */
    private static io.dropwise.api.rules.RuleType ruleType(String name, List<io.dropwise.api.rules.Parameter> parameters,
            io.dropwise.api.rules.Rule rule) {
        return new io.dropwise.api.rules.RuleType() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public String description() {
                return name + " (test)";
            }

            @Override
            public List<io.dropwise.api.rules.Parameter> parameters() {
                return parameters;
            }

            @Override
            public io.dropwise.api.rules.Rule create(Map<String, Object> params) {
                return rule;
            }
        };
    }

    @AfterEach
    void stop() throws InterruptedException {
        engine.deactivate();
    }

    private static Customer customer(String id, Tier tier) {
        return new Customer(id, tier, Set.of(), Map.of());
    }

    private Drop stockDrop(int stock) throws InvalidDropException {
        return engine.create(new DropSpec("Tickets", "Two tickets", DropKind.STOCK, stock, null, T0, Map.of(), null, 1, List.of(),
                RuleFailurePolicy.DENY));
    }

    @Test
    void retriesOfAcceptedClaimsAreAnsweredFromMemory() throws Exception {
        Drop drop = stockDrop(10);
        ClaimResult.Accepted first = (ClaimResult.Accepted) engine.claim(customer("a", Tier.EMPLOYEE), drop.id(), "k");
        assertFalse(first.replay());
        int commits = store.commitCalls.get();
        int lookups = store.keyLookups;
        for (int i = 0; i < 3; i++) {
            ClaimResult.Accepted again = (ClaimResult.Accepted) engine.claim(customer("a", Tier.EMPLOYEE), drop.id(), "k");
            assertTrue(again.replay());
            assertEquals(first.claim(), again.claim(), "the first answer, exactly");
        }
        assertEquals(commits, store.commitCalls.get(), "no write for a retry of a claim accepted here");
        assertEquals(lookups, store.keyLookups, "no store read either");
        // another key of the same customer is a new claim: the store decides (limit 1)
        assertEquals(Reason.ALREADY_CLAIMED, ((ClaimResult.Refused) engine.claim(customer("a", Tier.EMPLOYEE), drop.id(), "k2")).reason());
        assertEquals(commits + 1, store.commitCalls.get());
    }

    @Test
    void aSoldOutDropIsAnsweredFromMemoryOnceItsClaimsAreRead() throws Exception {
        Drop drop = stockDrop(2);
        ClaimResult.Accepted a = (ClaimResult.Accepted) engine.claim(customer("a", Tier.EMPLOYEE), drop.id(), "k");
        assertInstanceOf(ClaimResult.Accepted.class, engine.claim(customer("b", Tier.EMPLOYEE), drop.id(), "k"));
        assertEquals(Reason.SOLD_OUT, ((ClaimResult.Refused) engine.claim(customer("c", Tier.EMPLOYEE), drop.id(), "k")).reason());
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!engine.knowsAllClaimsOf(drop.id())) { // read in the background once the drop is seen sold out
            assertTrue(System.nanoTime() < deadline, "the sold-out drop's claims were never read");
            Thread.sleep(10);
        }
        int commits = store.commitCalls.get();
        int lookups = store.keyLookups;
        for (String c : List.of("c", "d", "e")) {
            assertEquals(Reason.SOLD_OUT, ((ClaimResult.Refused) engine.claim(customer(c, Tier.EMPLOYEE), drop.id(), "k")).reason());
        }
        assertEquals(Reason.SOLD_OUT, ((ClaimResult.Refused) engine.claim(customer("a", Tier.EMPLOYEE), drop.id(), "other")).reason());
        ClaimResult.Accepted replay = (ClaimResult.Accepted) engine.claim(customer("a", Tier.EMPLOYEE), drop.id(), "k");
        assertEquals(a.claim(), replay.claim(), "a retry still gets its unit");
        assertTrue(replay.replay());
        assertEquals(lookups, store.keyLookups, "sold-out answers and retries read nothing");
        assertEquals(commits, store.commitCalls.get(), "and write nothing");
        assertEquals(2, store.claimsOfDrop(drop.id()).size());
    }

    @Test
    void aSoldOutDropWhoseUnitsMayComeBackKeepsReadingTheStore() throws Exception {
        engine.addRuleType(new RuleRegistry.Provided(ruleType("always", List.of(), (ctx) -> io.dropwise.api.rules.Decision.allow()),
                "com.example.rules", "1.0.0", 20, 0, 3));
        Drop drop = engine.create(new DropSpec("Tickets", "Two tickets", DropKind.STOCK, 1, null, T0, Map.of(), null, 1,
                List.of(new DropSpec.RuleRef("always", Map.of())), RuleFailurePolicy.HOLD));
        assertInstanceOf(ClaimResult.Accepted.class, engine.claim(customer("a", Tier.EMPLOYEE), drop.id(), "k"));
        assertEquals(Reason.SOLD_OUT, ((ClaimResult.Refused) engine.claim(customer("b", Tier.EMPLOYEE), drop.id(), "k")).reason());
        int lookups = store.keyLookups;
        assertEquals(Reason.SOLD_OUT, ((ClaimResult.Refused) engine.claim(customer("c", Tier.EMPLOYEE), drop.id(), "k")).reason());
        assertEquals(lookups + 1, store.keyLookups, "under the hold policy a sold-out answer asks the store");
        assertFalse(engine.knowsAllClaimsOf(drop.id()));
    }

    @Test
    void tierWindowsOpenInTurn() throws Exception {
        Drop drop = stockDrop(10);
        assertEquals(T0.plus(Duration.ofMinutes(15)), drop.opensAt(Tier.VIP));
        now.set(T0.plusSeconds(60));
        assertInstanceOf(ClaimResult.Accepted.class, engine.claim(customer("e", Tier.EMPLOYEE), drop.id(), "k"));
        int lookups = store.keyLookups;
        ClaimResult.Refused vip = (ClaimResult.Refused) engine.claim(customer("v", Tier.VIP), drop.id(), "k");
        assertEquals(Reason.NOT_OPEN_FOR_TIER, vip.reason());
        assertEquals(lookups, store.keyLookups, "an early claim is refused without reading the store");
        assertEquals(T0.plus(Duration.ofMinutes(15)), vip.opensAt());
        assertEquals(DropState.UPCOMING, engine.visibleTo(customer("s", Tier.STANDARD)).get(0).state());

        now.set(T0.plus(Duration.ofMinutes(15)));
        assertInstanceOf(ClaimResult.Accepted.class, engine.claim(customer("v", Tier.VIP), drop.id(), "k"));
        assertEquals(Reason.NOT_OPEN_FOR_TIER, ((ClaimResult.Refused) engine.claim(customer("s", Tier.STANDARD), drop.id(), "k")).reason());
        now.set(T0.plus(Duration.ofMinutes(30)));
        assertInstanceOf(ClaimResult.Accepted.class, engine.claim(customer("s", Tier.STANDARD), drop.id(), "k"));
    }

    @Test
    void aRetryGetsTheFirstAnswerEvenWhenSoldOut() throws Exception {
        Drop drop = stockDrop(1);
        ClaimResult.Accepted first = (ClaimResult.Accepted) engine.claim(customer("a", Tier.EMPLOYEE), drop.id(), "key-1");
        assertEquals(ClaimStatus.CLAIMED, first.claim().status());
        assertEquals(Reason.SOLD_OUT, ((ClaimResult.Refused) engine.claim(customer("b", Tier.EMPLOYEE), drop.id(), "key-1")).reason());
        int commits = store.commits;
        // sold out is now known in memory: answered without a write, but a retry still gets its claim
        assertEquals(Reason.SOLD_OUT, ((ClaimResult.Refused) engine.claim(customer("c", Tier.EMPLOYEE), drop.id(), "x")).reason());
        ClaimResult.Accepted retry = (ClaimResult.Accepted) engine.claim(customer("a", Tier.EMPLOYEE), drop.id(), "key-1");
        assertTrue(retry.replay());
        assertEquals(first.claim().claimId(), retry.claim().claimId());
        assertEquals(commits, store.commits);
        assertEquals(Reason.SOLD_OUT, ((ClaimResult.Refused) engine.claim(customer("a", Tier.EMPLOYEE), drop.id(), "key-2")).reason());

        Drop roomy = stockDrop(5);
        assertInstanceOf(ClaimResult.Accepted.class, engine.claim(customer("a", Tier.EMPLOYEE), roomy.id(), "key-1"));
        assertEquals(Reason.ALREADY_CLAIMED, ((ClaimResult.Refused) engine.claim(customer("a", Tier.EMPLOYEE), roomy.id(), "key-2")).reason());
    }

    @Test
    void unknownClosedAndUnavailableAreSaidSo() throws Exception {
        assertEquals(Reason.NOT_FOUND, ((ClaimResult.Refused) engine.claim(customer("a", Tier.VIP), "d-none", "k")).reason());
        Map<Tier, Duration> allAtOnce = Map.of(Tier.EMPLOYEE, Duration.ZERO, Tier.VIP, Duration.ZERO, Tier.STANDARD, Duration.ZERO);
        Drop closing = engine.create(new DropSpec("Soon gone", "A mug", DropKind.STOCK, 5, null, T0, allAtOnce, T0.plusSeconds(10), 1,
                List.of(), RuleFailurePolicy.DENY));
        now.set(T0.plusSeconds(10));
        assertEquals(Reason.CLOSED, ((ClaimResult.Refused) engine.claim(customer("a", Tier.EMPLOYEE), closing.id(), "k")).reason());
        Drop open = stockDrop(5);
        store.down = true;
        assertEquals(Reason.UNAVAILABLE, ((ClaimResult.Refused) engine.claim(customer("a", Tier.EMPLOYEE), open.id(), "k")).reason());
        store.down = false;
        assertInstanceOf(ClaimResult.Accepted.class, engine.claim(customer("a", Tier.EMPLOYEE), open.id(), "k"));
    }

    @Test
    void badSpecificationsAreRefusedPerField() {
        InvalidDropException draw = assertThrows(InvalidDropException.class, () -> engine.create(new DropSpec("t", "r", DropKind.DRAW, null, 3,
                T0, Map.of(), null, 2, List.of(), RuleFailurePolicy.DENY)));
        assertEquals(Set.of("perCustomerLimit"), draw.errors().keySet());
        InvalidDropException e = assertThrows(InvalidDropException.class, () -> engine.create(new DropSpec(" ", "x", DropKind.STOCK, 0, 3,
                T0, Map.of(Tier.VIP, Duration.ofMinutes(-1)), T0.minusSeconds(1), 0, List.of(), RuleFailurePolicy.SKIP)));
        assertEquals(Set.of("title", "stock", "winners", "tierOffsets.vip", "closesAt", "perCustomerLimit"), e.errors().keySet());
        InvalidDropException rules = assertThrows(InvalidDropException.class, () -> engine.create(new DropSpec("t", "r", DropKind.STOCK, 5,
                null, T0, Map.of(), null, 1, List.of(new DropSpec.RuleRef("card-product", Map.of("cards", "GOLD")),
                        new DropSpec.RuleRef("moon-phase", Map.of()), new DropSpec.RuleRef("tier-window", Map.of())),
                RuleFailurePolicy.DENY)));
        assertEquals(Set.of("rules[0].params.cards", "rules[1].type", "rules[2].type"), rules.errors().keySet());
        assertTrue(rules.errors().get("rules[1].type").contains("not deployed"));
    }

    private Drop goldOnly(RuleFailurePolicy policy) throws InvalidDropException {
        return engine.create(new DropSpec("Gold night", "Lounge access", DropKind.STOCK, 10, null, T0, Map.of(), null, 1,
                List.of(new DropSpec.RuleRef("card-product", Map.of("cards", List.of("GOLD")))), policy));
    }

    @Test
    void rulesDecideInOrderAndTheClaimRecordsWhoDecided() throws Exception {
        Drop drop = goldOnly(RuleFailurePolicy.DENY);
        now.set(T0.plus(Duration.ofHours(1)));
        ClaimResult.Refused silver = (ClaimResult.Refused) engine.claim(new Customer("s", Tier.STANDARD, Set.of("SILVER"), Map.of()), drop.id(), "k");
        assertEquals(Reason.NOT_ELIGIBLE, silver.reason());
        assertEquals("This perk is for holders of GOLD cards.", silver.detail());
        assertEquals("card-product", silver.details().get("rule"));
        ClaimResult.Accepted gold = (ClaimResult.Accepted) engine.claim(new Customer("g", Tier.STANDARD, Set.of("GOLD"), Map.of()), drop.id(), "k");
        assertEquals("tier-window@io.dropwise.rules.builtin/0.1.0, card-product@io.dropwise.rules.builtin/0.1.0", gold.claim().decidedBy());
        assertEquals(gold.claim().decidedBy(), store.claimsOfDrop(drop.id()).get(0).decidedBy());
        // the drop is listed for those its rules admit
        assertEquals(List.of(drop.id()), engine.visibleTo(new Customer("g2", Tier.VIP, Set.of("GOLD"), Map.of())).stream()
                .map(v -> v.drop().id()).toList());
        assertTrue(engine.visibleTo(new Customer("s2", Tier.VIP, Set.of("SILVER"), Map.of())).isEmpty());
    }

    @Test
    void aMissingRuleFollowsTheDropsPolicy() throws Exception {
        Drop deny = goldOnly(RuleFailurePolicy.DENY);
        Drop skip = goldOnly(RuleFailurePolicy.SKIP);
        now.set(T0.plus(Duration.ofHours(1)));
        Customer silver = new Customer("s", Tier.STANDARD, Set.of("SILVER"), Map.of());
        engine.removeRuleType(cardProduct);

        ClaimResult.Refused refused = (ClaimResult.Refused) engine.claim(silver, deny.id(), "k");
        assertEquals(Reason.UNAVAILABLE, refused.reason());
        assertEquals(0, store.claimsOfDrop(deny.id()).size(), "deny takes nothing");
        ClaimResult.Accepted skipped = (ClaimResult.Accepted) engine.claim(silver, skip.id(), "k");
        assertTrue(skipped.claim().decidedBy().contains("card-product (skipped)"), skipped.claim().decidedBy());
        assertTrue(engine.ruleTypes().stream().anyMatch(t -> t.name().equals("card-product") && !t.present()
                && t.dropIds().containsAll(List.of(deny.id(), skip.id()))));

        // back again: normal decisions, no restart
        engine.addRuleType(new RuleRegistry.Provided(cardProduct, "io.dropwise.rules.builtin", "0.1.1", 11, 0, 3));
        assertEquals(Reason.NOT_ELIGIBLE, ((ClaimResult.Refused) engine.claim(new Customer("t", Tier.STANDARD, Set.of(), Map.of()),
                deny.id(), "k")).reason());
        assertTrue(engine.ruleTypes().stream().anyMatch(t -> t.name().equals("card-product") && t.present() && "0.1.1".equals(t.version())));
    }

    @Test
    void aNewVersionOfARuleTypeDecidesOnlyOnceTheDeploymentPromotesIt() throws Exception {
        Drop drop = goldOnly(RuleFailurePolicy.DENY);
        now.set(T0.plus(Duration.ofHours(1)));
        java.util.Set<Long> verifying = java.util.concurrent.ConcurrentHashMap.newKeySet();
        engine.candidates = verifying::contains;
        // version 0.2.0 (bundle 12) admits every card; while it is being verified, 0.1.0 keeps deciding
        io.dropwise.api.rules.RuleType admitsAll = ruleType("card-product", cardProduct.parameters(),
                context -> io.dropwise.api.rules.Decision.allow());
        verifying.add(12L);
        engine.addRuleType(new RuleRegistry.Provided(admitsAll, "io.dropwise.rules.builtin", "0.2.0", 12, 0, 9));
        Customer silver = new Customer("s", Tier.STANDARD, Set.of("SILVER"), Map.of());
        ClaimResult.Refused refused = (ClaimResult.Refused) engine.claim(silver, drop.id(), "k1");
        assertEquals(Reason.NOT_ELIGIBLE, refused.reason(), "the candidate does not decide");
        assertTrue(engine.ruleTypes().stream().anyMatch(t -> t.name().equals("card-product") && "0.1.0".equals(t.version())),
                "the listing shows the version that decides");

        verifying.remove(12L); // promoted
        ClaimResult.Accepted accepted = (ClaimResult.Accepted) engine.claim(silver, drop.id(), "k2");
        assertTrue(accepted.claim().decidedBy().endsWith("card-product@io.dropwise.rules.builtin/0.2.0"), accepted.claim().decidedBy());
    }

    @Test
    void aRuleThatCrawlsCostsOnlyItsBudgetAndTheDropFollowsItsPolicy() throws Exception {
        io.dropwise.api.rules.RuleType crawls = ruleType("crawls", List.of(), context -> {
            java.util.concurrent.locks.LockSupport.parkNanos(2_000_000_000L); // crawls (an interrupt ends it early)
            return io.dropwise.api.rules.Decision.allow();
        });
        engine.addRuleType(new RuleRegistry.Provided(crawls, "com.example.rules", "1.0.0", 20, 0, 7));
        Drop deny = engine.create(new DropSpec("Deny", "A coffee", DropKind.STOCK, 10, null, T0, Map.of(), null, 1,
                List.of(new DropSpec.RuleRef("crawls", Map.of())), RuleFailurePolicy.DENY));
        Drop skip = engine.create(new DropSpec("Skip", "A coffee", DropKind.STOCK, 10, null, T0, Map.of(), null, 1,
                List.of(new DropSpec.RuleRef("crawls", Map.of())), RuleFailurePolicy.SKIP));
        now.set(T0.plus(Duration.ofHours(1)));

        long started = System.nanoTime();
        ClaimResult.Refused refused = (ClaimResult.Refused) engine.claim(customer("a", Tier.STANDARD), deny.id(), "k");
        long tookMillis = (System.nanoTime() - started) / 1_000_000;
        assertEquals(Reason.UNAVAILABLE, refused.reason());
        assertTrue(tookMillis < 1_500, "the claim did not wait for the 2 s rule (" + tookMillis + " ms)");
        assertEquals(0, store.claimsOfDrop(deny.id()).size(), "deny takes nothing");

        ClaimResult.Accepted skipped = (ClaimResult.Accepted) engine.claim(customer("b", Tier.STANDARD), skip.id(), "k");
        assertTrue(skipped.claim().decidedBy().contains("crawls (skipped)"), skipped.claim().decidedBy());
        io.dropwise.api.drops.RulePluginStatus plugin = engine.rulePlugins().get(0);
        assertEquals("com.example.rules", plugin.bundle());
        assertTrue(plugin.timeouts() >= 2, plugin.toString());
    }

    @Test
    void theActivityCountsOutcomesPerTierAndClaimsPerSecond() throws Exception {
        Drop drop = stockDrop(1);
        now.set(T0.plus(Duration.ofHours(1)));
        assertTrue(engine.claim(customer("a", Tier.VIP), drop.id(), "k") instanceof ClaimResult.Accepted);
        assertTrue(engine.claim(customer("a", Tier.VIP), drop.id(), "k") instanceof ClaimResult.Accepted, "a replay, not counted");
        assertEquals(Reason.SOLD_OUT, ((ClaimResult.Refused) engine.claim(customer("b", Tier.STANDARD), drop.id(), "k")).reason());
        io.dropwise.api.drops.DropActivity activity = engine.activity(drop.id()).orElseThrow();
        assertEquals(Map.of("claimed", 1L), activity.outcomes().get("vip"));
        assertEquals(Map.of("sold-out", 1L), activity.outcomes().get("standard"));
        assertEquals(Map.of(), activity.outcomes().get("employee"));
        assertEquals(1, activity.perSecond().stream().mapToInt(io.dropwise.api.drops.DropActivity.Second::claimed).sum());
    }

    @Test
    void withoutTheTierWindowRuleTheDropFollowsItsPolicy() throws Exception {
        Drop drop = stockDrop(5);
        engine.removeRuleType(tierWindow);
        assertEquals(Reason.UNAVAILABLE, ((ClaimResult.Refused) engine.claim(customer("e", Tier.EMPLOYEE), drop.id(), "k")).reason());
    }

    @Test
    void theDrawIsVerifiableFromThePublishedData() throws Exception {
        Drop drop = engine.create(new DropSpec("Beach trip", "A week for two", DropKind.DRAW, null, 3, T0, Map.of(Tier.STANDARD, Duration.ZERO),
                null, 1, List.of(), RuleFailurePolicy.DENY));
        List<String> customers = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            customers.add("customer-" + i);
            ClaimResult.Accepted a = (ClaimResult.Accepted) engine.claim(customer("customer-" + i, Tier.STANDARD), drop.id(), "k");
            assertEquals(ClaimStatus.ENTERED, a.claim().status());
        }
        assertTrue(engine.drawResult(drop.id()).isEmpty());
        IllegalStateException early = assertThrows(IllegalStateException.class, () -> engine.draw(drop.id()));
        assertTrue(early.getMessage().contains("opens to every tier only at " + T0.plus(Duration.ofMinutes(15))), early.getMessage());
        now.set(T0.plus(Duration.ofMinutes(15)));
        DrawResult result = engine.draw(drop.id()).orElseThrow();
        assertEquals(3, result.winnerCount());
        assertEquals(result, engine.draw(drop.id()).orElseThrow(), "a draw runs once");

        // independent check, from the published data only
        HexFormat hex = HexFormat.of();
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        assertEquals(drop.seedHash(), hex.formatHex(sha.digest(hex.parseHex(result.seed()))));
        TreeMap<String, String> byTicket = new TreeMap<>();
        List<String> entries = new ArrayList<>();
        for (String c : customers) {
            String entry = hex.formatHex(sha.digest((drop.id() + ":" + c).getBytes(StandardCharsets.UTF_8)));
            entries.add(entry);
            sha.update(hex.parseHex(result.seed()));
            byTicket.put(hex.formatHex(sha.digest(entry.getBytes(StandardCharsets.UTF_8))) + entry, entry);
        }
        entries.sort(null);
        assertEquals(entries, result.entries());
        assertEquals(byTicket.values().stream().limit(3).toList(), result.winners());
        assertEquals(3, customers.stream().filter(c -> store.claimsOf(c).get(0).status() == ClaimStatus.WON).count());
        assertEquals(Reason.CLOSED, ((ClaimResult.Refused) engine.claim(customer("late", Tier.STANDARD), drop.id(), "k")).reason());
        assertThrows(IllegalStateException.class, () -> engine.draw(stockDrop(1).id()));
    }

    /** A drop under the hold policy whose one rule throws, refuses or allows as {@code mode} says; the clock past its opening. */
    private Drop holdDrop(int stock, AtomicReference<String> mode) throws InvalidDropException {
        io.dropwise.api.rules.RuleType flaky = ruleType("flaky", List.of(), context -> switch (mode.get()) {
            case "throw" -> throw new IllegalStateException("plugin down");
            case "deny" -> io.dropwise.api.rules.Decision.deny("Not for you.", "flaky said no");
            default -> io.dropwise.api.rules.Decision.allow();
        });
        engine.addRuleType(new RuleRegistry.Provided(flaky, "com.example.rules", "1.0.0", 20, 0, 9));
        Drop drop = engine.create(new DropSpec("Hold", "A coffee", DropKind.STOCK, stock, null, T0, Map.of(), null, 1,
                List.of(new DropSpec.RuleRef("flaky", Map.of())), RuleFailurePolicy.HOLD));
        now.set(T0.plus(Duration.ofHours(1)));
        return drop;
    }

    @Test
    void underTheHoldPolicyAClaimIsHeldWithItsUnitAndDecidedWhenTheRuleAnswersAgain() throws Exception {
        AtomicReference<String> mode = new AtomicReference<>("throw");
        Drop drop = holdDrop(2, mode);

        ClaimResult.Accepted a = (ClaimResult.Accepted) engine.claim(customer("a", Tier.STANDARD), drop.id(), "k");
        assertEquals(ClaimStatus.HELD, a.claim().status());
        assertEquals(now.get().plus(ClaimsEngine.DEFAULT_HOLD), a.claim().heldUntil());
        assertTrue(a.claim().decidedBy().contains("flaky (held)"), a.claim().decidedBy());
        assertEquals(ClaimStatus.HELD, ((ClaimResult.Accepted) engine.claim(customer("b", Tier.STANDARD), drop.id(), "k")).claim().status());
        assertEquals(Reason.SOLD_OUT, ((ClaimResult.Refused) engine.claim(customer("c", Tier.STANDARD), drop.id(), "k")).reason(),
                "held claims reserve their units");
        ClaimResult.Accepted retry = (ClaimResult.Accepted) engine.claim(customer("a", Tier.STANDARD), drop.id(), "k");
        assertTrue(retry.replay());
        assertEquals(ClaimStatus.HELD, retry.claim().status(), "a retry while held answers held");

        mode.set("allow"); // the plugin recovers: a is kept...
        engine.settleHeldClaims();
        assertEquals(ClaimStatus.CLAIMED, store.claimByKey(drop.id(), "a", "k").orElseThrow().status());
        assertTrue(store.claimByKey(drop.id(), "a", "k").orElseThrow().decidedBy().contains("flaky@com.example.rules/1.0.0"));
        assertEquals(ClaimStatus.CLAIMED, store.claimByKey(drop.id(), "b", "k").orElseThrow().status());
        assertTrue(store.heldClaims(10).isEmpty());
    }

    @Test
    void aHeldClaimIsReleasedWhenTheRuleSaysNoOrItsDeadlinePasses() throws Exception {
        AtomicReference<String> mode = new AtomicReference<>("throw");
        Drop drop = holdDrop(1, mode);

        assertEquals(ClaimStatus.HELD, ((ClaimResult.Accepted) engine.claim(customer("a", Tier.STANDARD), drop.id(), "k")).claim().status());
        mode.set("deny");
        engine.settleHeldClaims();
        Claim released = store.claimByKey(drop.id(), "a", "k").orElseThrow();
        assertEquals(ClaimStatus.RELEASED, released.status());
        assertTrue(released.decidedBy().contains("Not for you"), released.decidedBy());
        ClaimResult.Refused replay = (ClaimResult.Refused) engine.claim(customer("a", Tier.STANDARD), drop.id(), "k");
        assertEquals(Reason.HOLD_RELEASED, replay.reason());
        assertTrue(replay.detail().contains("new Idempotency-Key"), replay.detail());

        mode.set("throw"); // the unit came back: b gets it, held; nobody decides, and its deadline passes
        ClaimResult.Accepted b = (ClaimResult.Accepted) engine.claim(customer("b", Tier.STANDARD), drop.id(), "k");
        assertEquals(ClaimStatus.HELD, b.claim().status(), "the released unit is claimable again");
        now.set(b.claim().heldUntil());
        engine.settleHeldClaims();
        assertEquals(ClaimStatus.RELEASED, store.claimByKey(drop.id(), "b", "k").orElseThrow().status());
        mode.set("allow");
        assertEquals(ClaimStatus.CLAIMED, ((ClaimResult.Accepted) engine.claim(customer("c", Tier.STANDARD), drop.id(), "k")).claim().status(),
                "the unit is back in stock once more");
    }
}
