package io.dropwise.claims.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.dropwise.api.customer.Tier;
import io.dropwise.api.drops.Drop;
import io.dropwise.api.drops.DropKind;
import io.dropwise.api.drops.DropSpec;
import io.dropwise.api.drops.RuleFailurePolicy;
import io.dropwise.api.store.ClaimAttempt;
import io.dropwise.api.store.ClaimWrite;
import io.dropwise.api.store.StoreUnavailableException;

@Timeout(30)
class ClaimBatcherTest {

    private final MemoryClaimStore store = new MemoryClaimStore();
    private final ClaimBatcher batcher = new ClaimBatcher(store, 512, 1000);
    private String dropId;

    @AfterEach
    void stop() throws InterruptedException {
        batcher.stop(5, TimeUnit.SECONDS);
    }

    private ClaimAttempt attempt(String customer) {
        return new ClaimAttempt(customer + "-claim", customer, Tier.STANDARD, "k", Instant.parse("2026-11-27T09:00:00Z"), "");
    }

    private static Throwable failure(CompletableFuture<ClaimWrite> f) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(10, TimeUnit.SECONDS));
        return e.getCause();
    }

    @Test
    void whileTheStoreIsDownOneWriteChecksAndTheOthersAreAnsweredAtOnce() throws Exception {
        Drop drop = new Drop("d-1", new DropSpec("Cinema", "Two tickets", DropKind.STOCK, 100, null, Instant.parse("2026-11-27T09:00:00Z"),
                Map.of(), null, 1, List.of(), RuleFailurePolicy.DENY), "hash", Instant.parse("2026-11-26T09:00:00Z"), null);
        store.insertDrop(drop, "seed");
        dropId = drop.id();
        batcher.start();
        store.down = true;
        store.downAfterMillis = 600; // each write needs 600 ms to find out

        assertInstanceOf(StoreUnavailableException.class, failure(batcher.submit(dropId, attempt("a"))), "the first write finds out");
        while (batcher.writing()) { // the writer answers before it ends its batch
            Thread.sleep(5);
        }
        store.gate = new CountDownLatch(1); // the probe's write lasts until the test lets it go on
        CompletableFuture<ClaimWrite> probe = batcher.submit(dropId, attempt("b")); // checks whether the store is back
        while (store.commitCalls.get() < 2) { // wait for the writer to be inside the probe's write
            assertFalse(probe.isDone(), "the probe is written, not refused");
            Thread.sleep(5);
        }
        CompletableFuture<ClaimWrite> meanwhile = batcher.submit(dropId, attempt("c"));
        assertTrue(meanwhile.isDone(), "answered at once, not after a write that cannot succeed");
        assertTrue(failure(meanwhile).getMessage().contains("store is down"), failure(meanwhile).getMessage());
        CountDownLatch gate = store.gate;
        store.gate = null;
        gate.countDown();
        assertInstanceOf(StoreUnavailableException.class, failure(probe));

        store.down = false; // back
        ClaimWrite written = batcher.submit(dropId, attempt("d")).get(10, TimeUnit.SECONDS);
        assertEquals(ClaimWrite.Outcome.CREATED, written.outcome());
        assertEquals(ClaimWrite.Outcome.CREATED, batcher.submit(dropId, attempt("e")).get(10, TimeUnit.SECONDS).outcome(),
                "after a write succeeds, claims are written normally");
        assertEquals(2, store.claimsOfDrop(dropId).size(), "only the claims answered 201 are stored");
    }
}
