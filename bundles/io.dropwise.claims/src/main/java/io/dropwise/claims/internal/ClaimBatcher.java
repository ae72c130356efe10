package io.dropwise.claims.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.dropwise.api.store.ClaimAttempt;
import io.dropwise.api.store.ClaimStore;
import io.dropwise.api.store.ClaimWrite;
import io.dropwise.api.store.StoreUnavailableException;

/**
 * Group commit: claims arriving together are written together. One writer thread takes everything
 * waiting (up to {@code maxBatch}), writes it per drop in one store transaction each, answers every
 * waiting request, and starts the next batch at once: while one batch is being made durable, the
 * next one fills. No timer: a lone claim is written immediately.
 */
final class ClaimBatcher {

    private static final Logger LOG = LoggerFactory.getLogger(ClaimBatcher.class);

    private record Pending(String dropId, ClaimAttempt attempt, CompletableFuture<ClaimWrite> result) {
    }

    private final ClaimStore store;
    private final int maxBatch;
    private final BlockingQueue<Pending> queue;
    private final Thread writer;
    private volatile boolean stopping;
    /** The last write failed and none has succeeded since: the store is taken to be down. */
    private volatile boolean storeDown;
    /** A batch is being written now. */
    private volatile boolean writing;
    /** Time per store transaction (one drop's share of a batch), successful or not. */
    final io.dropwise.api.metrics.LatencyHistogram writeLatency = new io.dropwise.api.metrics.LatencyHistogram();
    final java.util.concurrent.atomic.LongAdder written = new java.util.concurrent.atomic.LongAdder();
    final java.util.concurrent.atomic.LongAdder failedWrites = new java.util.concurrent.atomic.LongAdder();

    ClaimBatcher(ClaimStore store, int maxBatch, int maxQueued) {
        this.store = store;
        this.maxBatch = maxBatch;
        this.queue = new LinkedBlockingQueue<>(maxQueued);
        this.writer = new Thread(this::run, "dropwise-claim-writer");
        this.writer.setDaemon(true);
    }

    void start() {
        writer.start();
    }

    /** @return the store's answer, once durable; fails with {@link StoreUnavailableException} */
    CompletableFuture<ClaimWrite> submit(String dropId, ClaimAttempt attempt) {
        CompletableFuture<ClaimWrite> result = new CompletableFuture<>();
        if (stopping) {
            result.completeExceptionally(new StoreUnavailableException("the claims engine is stopping", null));
        } else if (storeDown && (writing || !queue.isEmpty())) {
            // while the store is down, one batch at a time finds out whether it is back; the others are answered at once
            // instead of waiting for a connection that does not come (which would hold a request thread each)
            result.completeExceptionally(new StoreUnavailableException("the store is down; a write is already checking whether it is back",
                    null));
        } else if (!queue.offer(new Pending(dropId, attempt, result))) {
            result.completeExceptionally(new StoreUnavailableException("too many claims waiting to be written", null));
        }
        return result;
    }

    /** @return whether a batch is being written now */
    boolean writing() {
        return writing;
    }

    int waiting() {
        return queue.size();
    }

    /** Stops taking claims, writes those already waiting (bounded), then stops the writer. */
    void stop(long timeout, TimeUnit unit) throws InterruptedException {
        stopping = true;
        writer.join(unit.toMillis(timeout));
        if (writer.isAlive()) {
            writer.interrupt();
            writer.join(1_000);
        }
        List<Pending> left = new ArrayList<>();
        queue.drainTo(left);
        for (Pending p : left) {
            p.result().completeExceptionally(new StoreUnavailableException("the claims engine stopped", null));
        }
    }

    private void run() {
        List<Pending> batch = new ArrayList<>(maxBatch);
        while (!stopping || !queue.isEmpty()) {
            try {
                Pending first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, maxBatch - 1);
                writing = true;
                List<Runnable> refusals;
                try {
                    refusals = write(batch);
                } finally {
                    writing = false;
                }
                // answered only now that the writer is idle: a retry arriving at once becomes the next probe instead of
                // being refused because "a write is already checking"
                refusals.forEach(Runnable::run);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (RuntimeException e) {
                LOG.error("Claim writer failed; the claims of this batch were answered 'unavailable'", e);
            } finally {
                batch.clear();
            }
        }
    }

    /** @return the answers to the claims whose write failed, to be given once the batch is over */
    private List<Runnable> write(List<Pending> batch) {
        List<Runnable> refusals = new ArrayList<>();
        Map<String, List<Pending>> byDrop = new LinkedHashMap<>();
        for (Pending p : batch) {
            byDrop.computeIfAbsent(p.dropId(), k -> new ArrayList<>()).add(p);
        }
        for (Map.Entry<String, List<Pending>> e : byDrop.entrySet()) {
            List<Pending> pending = e.getValue();
            long started = System.nanoTime();
            try {
                List<ClaimWrite> writes = store.commit(e.getKey(), pending.stream().map(Pending::attempt).toList());
                writeLatency.record(System.nanoTime() - started);
                written.add(pending.size());
                if (storeDown) {
                    storeDown = false;
                    LOG.info("The store answers again: claims are written normally");
                }
                for (int i = 0; i < pending.size(); i++) {
                    pending.get(i).result().complete(writes.get(i));
                }
            } catch (RuntimeException failure) {
                writeLatency.record(System.nanoTime() - started);
                failedWrites.add(pending.size());
                StoreUnavailableException unavailable = failure instanceof StoreUnavailableException s ? s
                        : new StoreUnavailableException(failure.getMessage(), failure);
                if (failure instanceof StoreUnavailableException && !storeDown) {
                    storeDown = true;
                    LOG.warn("The store is down; until a write succeeds, claims are answered 'unavailable' at once");
                }
                LOG.warn("Could not write {} claim(s) on drop {}: {}", pending.size(), e.getKey(), failure.getMessage());
                for (Pending p : pending) {
                    refusals.add(() -> p.result().completeExceptionally(unavailable));
                }
            }
        }
        return refusals;
    }
}
