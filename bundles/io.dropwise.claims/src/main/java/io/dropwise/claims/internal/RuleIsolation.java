package io.dropwise.claims.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.dropwise.api.drops.RulePluginStatus;

/**
 * Keeps a rule plugin's trouble to itself (the containment of rules).
 *
 * <p>Every call into a plugin's code (making a drop's rule, deciding a claim) runs on that plugin's
 * own small pool of threads (a bulkhead: {@link Settings#threads()} threads, {@link Settings#queue()}
 * waiting calls, then refused at once) and is waited for at most {@link Settings#budget()}. A call
 * that throws, overruns its budget or finds the bulkhead full is a failure; after
 * {@link Settings#failuresToOpen()} failures in a row the plugin's circuit opens and its calls fail
 * at once for {@link Settings#openFor()}, then one trial call decides whether it closes again. A
 * plugin that throws, hangs, spins or crawls therefore costs a request thread at most the budget,
 * never more than its own threads, and nothing at all while its circuit is open; the drop then
 * follows its {@code onRuleFailure} policy.
 *
 * <p>Each plugin bundle <em>version</em> is a plugin here: a new version starts with a closed
 * circuit and threads of its own. The built-in rules ({@value #TRUSTED}) are product code and run
 * on the caller's thread.
 */
final class RuleIsolation implements AutoCloseable {

    static final String TRUSTED = "io.dropwise.rules.builtin";

    private static final Logger LOG = LoggerFactory.getLogger(RuleIsolation.class);

    /**
     * @param budget how long a request waits for one rule call
     * @param threads threads per plugin
     * @param queue calls that may wait for a plugin's threads
     * @param failuresToOpen failures in a row that open a plugin's circuit
     * @param openFor how long an open circuit refuses calls before a trial call
     */
    record Settings(Duration budget, int threads, int queue, int failuresToOpen, Duration openFor) {
        static final Settings DEFAULT = new Settings(Duration.ofMillis(100), 4, 64, 5, Duration.ofSeconds(10));
    }

    /** Why a rule call gave no decision. */
    static final class RuleFailure extends Exception {
        private static final long serialVersionUID = 1L;

        RuleFailure(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final Settings settings;
    private final Clock clock;
    private final Map<String, Plugin> plugins = new ConcurrentHashMap<>();
    private volatile boolean closed;

    RuleIsolation(Settings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
    }

    /**
     * Runs one call into a plugin's code.
     *
     * @param bundle the providing bundle's symbolic name
     * @param version its version
     * @param call the call
     * @return its answer
     * @throws RuleFailure when it threw, overran its budget, found the bulkhead full or the circuit open
     * @throws InterruptedException when the calling thread was interrupted
     */
    <T> T call(String bundle, String version, Callable<T> call) throws RuleFailure, InterruptedException {
        if (TRUSTED.equals(bundle)) {
            try {
                return call.call();
            } catch (RuntimeException e) {
                throw new RuleFailure("threw " + e, e);
            } catch (Exception e) {
                throw new RuleFailure("threw " + e, e);
            }
        }
        if (closed) {
            throw new RuleFailure("the claims engine is stopping", null);
        }
        Plugin plugin = plugins.computeIfAbsent(bundle + "/" + version, Plugin::new);
        return plugin.call(call);
    }

    /** @return every plugin that has been called, with its circuit and counts */
    List<RulePluginStatus> status() {
        List<RulePluginStatus> out = new ArrayList<>();
        for (Plugin p : plugins.values()) {
            out.add(p.status());
        }
        out.sort(Comparator.comparing(RulePluginStatus::plugin));
        return out;
    }

    /** Writes each plugin version's call latency (what callers waited, budget included) as one histogram series. */
    void writeLatencies(io.dropwise.api.metrics.Metrics metrics) {
        for (Plugin p : plugins.values()) {
            p.latency.writeTo(metrics, "dropwise_rule_call_seconds", "Time a claim waited for one call into a rule plugin version",
                    Map.of("plugin", p.name));
        }
    }

    /** Stops a plugin version's threads (its rule types are gone). */
    void forget(String bundle, String version) {
        Plugin p = plugins.remove(bundle + "/" + version);
        if (p != null) {
            p.pool.shutdownNow();
        }
    }

    @Override
    public void close() {
        closed = true;
        plugins.values().forEach(p -> p.pool.shutdownNow());
        for (Plugin p : plugins.values()) {
            try {
                if (!p.pool.awaitTermination(1, TimeUnit.SECONDS)) {
                    LOG.warn("Rule plugin {} has threads that ignore interruption (a hung rule); they end with the JVM", p.name);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** One plugin version: its bulkhead and its circuit breaker. */
    private final class Plugin {
        final String name;
        final ThreadPoolExecutor pool;
        final AtomicInteger failuresInARow = new AtomicInteger();
        final AtomicLong calls = new AtomicLong();
        final AtomicLong failures = new AtomicLong();
        final AtomicLong timeouts = new AtomicLong();
        final AtomicLong rejected = new AtomicLong();
        volatile Instant openUntil; // null: closed
        volatile String lastFailure;
        final AtomicInteger trial = new AtomicInteger(); // 1 while a half-open trial call runs
        /** How long callers waited for this plugin's answers (or its failure). */
        final io.dropwise.api.metrics.LatencyHistogram latency = new io.dropwise.api.metrics.LatencyHistogram();

        Plugin(String name) {
            this.name = name;
            AtomicInteger n = new AtomicInteger();
            this.pool = new ThreadPoolExecutor(settings.threads(), settings.threads(), 30, TimeUnit.SECONDS,
                    new ArrayBlockingQueue<>(settings.queue()), r -> {
                        Thread t = new Thread(r, "dropwise-rule-" + name + "-" + n.incrementAndGet());
                        t.setDaemon(true);
                        return t;
                    }, new ThreadPoolExecutor.AbortPolicy());
            this.pool.allowCoreThreadTimeOut(true);
        }

        <T> T call(Callable<T> call) throws RuleFailure, InterruptedException {
            calls.incrementAndGet();
            boolean isTrial = false;
            Instant until = openUntil;
            if (until != null) {
                if (clock.instant().isBefore(until) || !trial.compareAndSet(0, 1)) {
                    failures.incrementAndGet();
                    throw new RuleFailure("its circuit is open after " + settings.failuresToOpen() + " failures in a row (last: "
                            + lastFailure + ")", null);
                }
                isTrial = true; // half-open: this call decides
            }
            long started = System.nanoTime();
            try {
                T answer = run(call);
                succeeded();
                return answer;
            } catch (RuleFailure e) {
                failed(e.getMessage());
                throw e;
            } finally {
                latency.record(System.nanoTime() - started);
                if (isTrial) {
                    trial.set(0);
                }
            }
        }

        private <T> T run(Callable<T> call) throws RuleFailure, InterruptedException {
            Future<T> future;
            try {
                future = pool.submit(call);
            } catch (RejectedExecutionException e) {
                rejected.incrementAndGet();
                throw new RuleFailure("its " + settings.threads() + " threads and " + settings.queue() + " waiting places are all taken", e);
            }
            try {
                return future.get(settings.budget().toNanos(), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                future.cancel(true);
                timeouts.incrementAndGet();
                throw new RuleFailure("did not answer within " + settings.budget().toMillis() + " ms", e);
            } catch (ExecutionException e) {
                throw new RuleFailure("threw " + e.getCause(), e.getCause());
            } catch (InterruptedException e) {
                future.cancel(true);
                throw e;
            }
        }

        private void succeeded() {
            failuresInARow.set(0);
            if (openUntil != null) {
                openUntil = null;
                LOG.info("Rule plugin {} answers again: its circuit is closed", name);
            }
        }

        private void failed(String why) {
            failures.incrementAndGet();
            lastFailure = why;
            int inARow = failuresInARow.incrementAndGet();
            if (inARow >= settings.failuresToOpen()) {
                boolean wasClosed = openUntil == null;
                openUntil = clock.instant().plus(settings.openFor());
                if (wasClosed) {
                    LOG.warn("Rule plugin {} failed {} times in a row (last: {}); its circuit is open for {} s", name, inARow, why,
                            settings.openFor().toSeconds());
                }
            }
        }

        RulePluginStatus status() {
            int slash = name.lastIndexOf('/');
            Instant until = openUntil;
            return new RulePluginStatus(name.substring(0, slash), name.substring(slash + 1),
                    until == null ? "closed" : clock.instant().isBefore(until) ? "open" : "half-open", until, calls.get(), failures.get(),
                    timeouts.get(), rejected.get(), pool.getActiveCount(), lastFailure);
        }
    }
}
