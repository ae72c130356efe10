package io.dropwise.store.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.dropwise.api.customer.Tier;
import io.dropwise.api.drops.Claim;
import io.dropwise.api.drops.ClaimStatus;
import io.dropwise.api.drops.Drop;
import io.dropwise.api.drops.DropKind;
import io.dropwise.api.drops.DropSpec;
import io.dropwise.api.drops.RuleFailurePolicy;
import io.dropwise.api.store.ClaimAttempt;
import io.dropwise.api.store.ClaimStore;
import io.dropwise.api.store.ClaimWrite;
import io.dropwise.api.store.ClaimWrite.Outcome;
import io.dropwise.api.store.StoreUnavailableException;

class SqlClaimStoreTest {

    private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.MILLIS);

    @TempDir
    Path dir;

    private JdbcTransactions tx;
    private SqlClaimStore store;

    @BeforeEach
    void open() {
        tx = new JdbcTransactions("jdbc:h2:file:" + dir.resolve("db") + ";DB_CLOSE_ON_EXIT=FALSE");
        assertEquals(Migrations.SCRIPTS.size(), Migrations.migrate(tx, Dialect.H2));
        store = new SqlClaimStore(tx, Dialect.H2);
    }

    @AfterEach
    void close() throws Exception {
        tx.close();
    }

    private Drop drop(String id, DropKind kind, Integer stock, int limit) {
        DropSpec spec = new DropSpec("Movie night", "Two tickets", kind, stock, kind == DropKind.DRAW ? 2 : null, NOW,
                Map.of(Tier.VIP, Duration.ofMinutes(5)), null, limit, List.of(new DropSpec.RuleRef("card-product", Map.of("cards", List.of("GOLD")))),
                RuleFailurePolicy.DENY);
        Drop drop = new Drop(id, spec, "ab".repeat(32), NOW, null);
        store.insertDrop(drop, "cd".repeat(32));
        return drop;
    }

    private static ClaimAttempt attempt(String customer, String key) {
        return new ClaimAttempt(UUID.randomUUID().toString(), customer, Tier.STANDARD, key, NOW, "tier-window@test/1.0.0");
    }

    @Test
    void aDropRoundTripsWithDefaultsFilledIn() {
        Drop drop = drop("d1", DropKind.STOCK, 10, 1);
        Drop read = store.drop("d1").orElseThrow();
        assertEquals(drop.spec().title(), read.spec().title());
        assertEquals(Duration.ofMinutes(5), read.spec().tierOffsets().get(Tier.VIP));
        assertEquals(Duration.ofMinutes(30), read.spec().tierOffsets().get(Tier.STANDARD));
        assertEquals("card-product", read.spec().rules().get(0).type());
        assertEquals(List.of("GOLD"), read.spec().rules().get(0).params().get("cards"));
        assertEquals(NOW, read.spec().opensAt());
        assertNull(read.drawnAt());
        assertEquals("cd".repeat(32), store.seed("d1").orElseThrow());
        assertTrue(Migrations.migrate(tx, Dialect.H2) == Migrations.SCRIPTS.size(), "migrating twice changes nothing");
    }

    @Test
    void aBatchHonoursStockLimitsAndIdempotencyKeysInOrder() {
        drop("d2", DropKind.STOCK, 2, 1);
        List<ClaimWrite> w = store.commit("d2", List.of(
                attempt("alice", "k1"), attempt("alice", "k1"), attempt("alice", "k2"),
                attempt("bob", "k1"), attempt("carol", "k1")));
        assertEquals(List.of(Outcome.CREATED, Outcome.REPLAYED, Outcome.LIMIT_REACHED, Outcome.CREATED, Outcome.SOLD_OUT),
                w.stream().map(ClaimWrite::outcome).toList());
        assertEquals(w.get(0).claim().claimId(), w.get(1).claim().claimId());
        // a later retry with the first key still gets the first claim, even though the drop is sold out
        ClaimWrite retry = store.commit("d2", List.of(attempt("alice", "k1"))).get(0);
        assertEquals(Outcome.REPLAYED, retry.outcome());
        assertEquals(w.get(0).claim().claimId(), retry.claim().claimId());
        assertEquals(2, store.claimedCounts().get("d2"));
        assertEquals(2, store.claimsOfDrop("d2").size());
        assertEquals(2, store.perTier("d2").get("standard"));
        assertEquals(w.get(0).claim(), store.claimByKey("d2", "alice", "k1").orElseThrow());
        assertEquals("tier-window@test/1.0.0", store.claimsOfDrop("d2").get(0).decidedBy());
    }

    @Test
    void aLimitAboveOneGivesEachKeyItsOwnUnit() {
        drop("d3", DropKind.STOCK, 10, 2);
        List<ClaimWrite> w = store.commit("d3", List.of(attempt("dave", "a"), attempt("dave", "b"), attempt("dave", "c")));
        assertEquals(List.of(Outcome.CREATED, Outcome.CREATED, Outcome.LIMIT_REACHED), w.stream().map(ClaimWrite::outcome).toList());
        assertEquals(2, store.claimsOf("dave").size());
    }

    @Test
    void concurrentBatchesNeverOversell() throws Exception {
        drop("d4", DropKind.STOCK, 100, 1);
        ExecutorService pool = Executors.newFixedThreadPool(6);
        AtomicInteger customer = new AtomicInteger();
        List<Future<List<ClaimWrite>>> futures = new ArrayList<>();
        for (int b = 0; b < 30; b++) {
            futures.add(pool.submit(() -> {
                List<ClaimAttempt> batch = new ArrayList<>();
                for (int i = 0; i < 20; i++) {
                    batch.add(attempt("c" + customer.incrementAndGet(), "k"));
                }
                return store.commit("d4", batch);
            }));
        }
        int created = 0;
        int soldOut = 0;
        Set<String> owners = new HashSet<>();
        for (Future<List<ClaimWrite>> f : futures) {
            for (ClaimWrite w : f.get()) {
                if (w.outcome() == Outcome.CREATED) {
                    created++;
                    assertTrue(owners.add(w.claim().customerId()));
                } else {
                    assertEquals(Outcome.SOLD_OUT, w.outcome());
                    soldOut++;
                }
            }
        }
        pool.shutdown();
        assertEquals(100, created);
        assertEquals(500, soldOut);
        assertEquals(100, store.claimsOfDrop("d4").size());
        assertEquals(100, store.claimedCounts().get("d4"));
    }

    @Test
    void aDrawMarksWinnersAndLosersOnceAndClosesTheDrop() {
        drop("d5", DropKind.DRAW, null, 1);
        store.commit("d5", List.of(attempt("gina", "k"), attempt("erin", "k"), attempt("frank", "k")));
        assertTrue(store.claimsOf("erin").stream().allMatch(c -> c.status() == ClaimStatus.ENTERED));
        List<List<String>> seen = new ArrayList<>();
        ClaimStore.DrawRecord first = store.draw("d5", entrants -> {
            seen.add(entrants);
            return List.of("gina");
        }, NOW);
        assertEquals(List.of(List.of("erin", "frank", "gina")), seen, "the chooser sees the sorted entrants once");
        ClaimStore.DrawRecord again = store.draw("d5", entrants -> List.of("erin"), NOW.plusSeconds(60));
        assertEquals(first, again);
        assertEquals(List.of("gina"), again.winners());
        assertEquals(ClaimStatus.WON, store.claimsOf("gina").get(0).status());
        assertEquals(ClaimStatus.LOST, store.claimsOf("erin").get(0).status());
        assertEquals(NOW, store.drop("d5").orElseThrow().drawnAt());
        assertEquals(first, store.drawRecord("d5").orElseThrow());
        assertEquals(Outcome.CLOSED, store.commit("d5", List.of(attempt("harry", "k"))).get(0).outcome(), "no entry after the draw");
    }

    private static ClaimAttempt held(String customer, String key, Instant until) {
        return new ClaimAttempt(UUID.randomUUID().toString(), customer, Tier.VIP, key, NOW, "tier-window@test/1.0.0", until);
    }

    @Test
    void aHeldClaimReservesItsUnitUntilItIsDecided() {
        drop("h", DropKind.STOCK, 2, 1);
        Instant until = NOW.plusSeconds(60);
        List<ClaimWrite> w = store.commit("h", List.of(held("a", "k", until), held("b", "k", until), attempt("c", "k")));
        assertEquals(ClaimStatus.HELD, w.get(0).claim().status());
        assertEquals(until, w.get(0).claim().heldUntil());
        assertEquals(Outcome.CREATED, w.get(1).outcome());
        assertEquals(Outcome.SOLD_OUT, w.get(2).outcome(), "two held claims reserve both units");
        assertEquals(2, store.claimedCounts().get("h"));
        assertEquals(2, store.heldClaims(10).size());

        Claim kept = store.settleHeld("h", w.get(0).claim().claimId(), true, "tier-window@test/1.0.0, region@test/1.0.0").orElseThrow();
        assertEquals(ClaimStatus.CLAIMED, kept.status());
        assertNull(kept.heldUntil());
        Claim released = store.settleHeld("h", w.get(1).claim().claimId(), false, "released: refused by region").orElseThrow();
        assertEquals(ClaimStatus.RELEASED, released.status());
        assertEquals("released: refused by region", released.decidedBy());
        assertEquals(1, store.claimedCounts().get("h"), "the released unit went back");
        assertEquals(ClaimStatus.CLAIMED, store.settleHeld("h", kept.claimId(), false, "late").orElseThrow().status(),
                "a claim no longer held is left as it is");
        assertTrue(store.heldClaims(10).isEmpty());
        assertEquals(Map.of("employee", 0, "vip", 1, "standard", 0), store.perTier("h"), "released claims are not counted");

        // the released customer: the same key replays the released claim; a new key may claim the unit that came back
        List<ClaimWrite> again = store.commit("h", List.of(attempt("b", "k"), attempt("b", "k2"), attempt("c", "k")));
        assertEquals(Outcome.REPLAYED, again.get(0).outcome());
        assertEquals(ClaimStatus.RELEASED, again.get(0).claim().status());
        assertEquals(Outcome.CREATED, again.get(1).outcome(), "a released claim does not count against the per-customer limit");
        assertEquals(2, store.claimedCounts().get("h"));
        assertEquals(Outcome.SOLD_OUT, again.get(2).outcome());
    }

    @Test
    void heldClaimsPastTheirDeadlineAreReleased() {
        drop("x", DropKind.STOCK, 5, 1);
        store.commit("x", List.of(held("a", "k", NOW.plusSeconds(1)), held("b", "k", NOW.plusSeconds(100)), attempt("c", "k")));
        assertEquals(3, store.claimedCounts().get("x"));
        assertEquals(0, store.releaseExpiredHolds(NOW));
        assertEquals(1, store.releaseExpiredHolds(NOW.plusSeconds(1)));
        assertEquals(2, store.claimedCounts().get("x"));
        Claim a = store.claimByKey("x", "a", "k").orElseThrow();
        assertEquals(ClaimStatus.RELEASED, a.status());
        assertTrue(a.decidedBy().contains("deadline"), a.decidedBy());
        assertEquals(ClaimStatus.HELD, store.claimByKey("x", "b", "k").orElseThrow().status());
        assertEquals(0, store.releaseExpiredHolds(NOW.plusSeconds(1)), "released once");
    }

    @Test
    void aDrawReleasesHeldEntriesAndDrawsAmongTheOthers() {
        drop("dr", DropKind.DRAW, null, 1);
        store.commit("dr", List.of(attempt("a", "k"), attempt("b", "k"), held("c", "k", NOW.plusSeconds(60))));
        ClaimStore.DrawRecord record = store.draw("dr", entrants -> {
            assertEquals(List.of("a", "b"), entrants, "a held entry is not an entrant");
            return List.of("a");
        }, NOW.plusSeconds(5));
        assertEquals(List.of("a"), record.winners());
        assertEquals(ClaimStatus.RELEASED, store.claimByKey("dr", "c", "k").orElseThrow().status());
        assertEquals(ClaimStatus.LOST, store.claimByKey("dr", "b", "k").orElseThrow().status());
        assertEquals(ClaimStatus.RELEASED, store.settleHeld("dr", store.claimByKey("dr", "c", "k").orElseThrow().claimId(), true, "late")
                .orElseThrow().status());
    }

    @Test
    void failuresAreReportedAsStoreUnavailable() throws Exception {
        drop("d6", DropKind.STOCK, 1, 1);
        assertThrows(StoreUnavailableException.class, () -> store.commit("missing", List.of(attempt("x", "k"))));
        tx.close();
        assertThrows(StoreUnavailableException.class, () -> store.drops());
    }
}
