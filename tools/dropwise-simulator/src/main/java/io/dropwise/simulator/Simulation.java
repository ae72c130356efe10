package io.dropwise.simulator;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.DelayQueue;
import java.util.concurrent.Delayed;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * One simulated drop: creates it, sends every customer's claim at their time on the arrival curve with at
 * most {@code --connections} in flight, retries with the same Idempotency-Key, does the swaps and faults at
 * their moments, and keeps what happened in a {@link Result}.
 */
final class Simulation {

    static final String PROBLEM = "urn:dropwise:problem:";
    /** The longest Retry-After honoured, so that a run stays bounded. */
    static final long MAX_RETRY_AFTER_MILLIS = 30_000;

    /** A claim to send at {@code dueNanos} ({@link System#nanoTime()}); {@code attempt} 0 is the first. */
    private static final class Pending implements Delayed {
        final int customer;
        final int attempt;
        final long dueNanos;

        Pending(int customer, int attempt, long dueNanos) {
            this.customer = customer;
            this.attempt = attempt;
            this.dueNanos = dueNanos;
        }

        @Override
        public long getDelay(TimeUnit unit) {
            return unit.convert(dueNanos - System.nanoTime(), TimeUnit.NANOSECONDS);
        }

        @Override
        public int compareTo(Delayed other) {
            return Long.compare(dueNanos, ((Pending) other).dueNanos);
        }
    }

    private final Options o;
    private final PrintStream out;
    private final Servers servers;
    private final Jwt jwt;
    private final HttpClient http;
    private final ExecutorService callbacks;
    private final String runId;

    // the customers, by index
    private final int n;
    private final byte[] tier;
    private final Outcome[] outcome;
    private final String[] claimId;
    private final String[] conflict;

    private final Timeline timeline = new Timeline();
    private final Map<String, LongAdder> answers = new ConcurrentHashMap<>();
    private final AtomicIntegerArray outcomeCounts = new AtomicIntegerArray(Outcome.values().length);
    private final AtomicInteger unsettled = new AtomicInteger();
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong retries = new AtomicLong();
    private final AtomicLong granted = new AtomicLong();
    private final AtomicLong maxLagNanos = new AtomicLong();
    private final DelayQueue<Pending> queue = new DelayQueue<>();
    private final Semaphore permits;
    private final List<Result.Event> events = new ArrayList<>();
    private final List<Result.Remaining> remaining = new ArrayList<>();

    private URI[] claimUris;
    private long t0Nanos;
    private long tokenExpiry;
    private volatile boolean stopping;

    Simulation(Options options, PrintStream out) {
        this.o = options;
        this.out = out;
        this.servers = new Servers(options.urls, options.adminUser, options.adminPassword);
        this.jwt = Jwt.forSecret(options.tokenSecret);
        this.callbacks = Executors.newFixedThreadPool(Math.max(2, Runtime.getRuntime().availableProcessors()), daemon("simulator-http"));
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(options.timeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .executor(callbacks)
                .build();
        byte[] id = new byte[3];
        new Random().nextBytes(id);
        this.runId = HexFormat.of().formatHex(id);
        this.n = options.customers;
        this.tier = new byte[n];
        this.outcome = new Outcome[n];
        this.claimId = new String[n];
        this.conflict = new String[n];
        this.permits = new Semaphore(options.connections);
        java.util.Arrays.fill(outcome, Outcome.PENDING);
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        AtomicInteger count = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    String customerId(int c) {
        return "sim-" + runId + "-" + c;
    }

    private String key(int c) {
        return "sim-" + runId + "-" + c + "-k";
    }

    // ---------------------------------------------------------------- the run

    Result run(Progress progress) throws Servers.CannotRun, InterruptedException {
        try {
            return runDrop(progress);
        } finally {
            callbacks.shutdownNow();
        }
    }

    private Result runDrop(Progress progress) throws Servers.CannotRun, InterruptedException {
        Result result = new Result();
        result.options = o;
        tokenExpiry = Instant.now().plus(o.lead).plus(o.tierGap.multipliedBy(3)).plus(Duration.ofHours(2)).getEpochSecond();
        servers.preflight(jwt.customer(customerId(-1), "standard", tokenExpiry));

        // ---- the customers and when each arrives
        Map<String, Integer> perTier = o.customersPerTier();
        int index = 0;
        for (int t = 0; t < Options.TIERS.size(); t++) {
            for (int k = 0; k < perTier.get(Options.TIERS.get(t)); k++) {
                tier[index++] = (byte) t;
            }
        }
        Random random = new Random(o.seed);
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            byte swap = tier[i];
            tier[i] = tier[j];
            tier[j] = swap;
        }
        ArrivalCurve curve = new ArrivalCurve(o.decay, o.tierGap);

        // ---- the drop
        Instant opensAt = Instant.now().plus(o.lead).truncatedTo(ChronoUnit.MILLIS);
        String dropId = createDrop(opensAt);
        t0Nanos = System.nanoTime() + Duration.between(Instant.now(), opensAt).toNanos();
        result.dropId = dropId;
        result.createdAt = Instant.now();
        result.opensAt = opensAt;
        for (String t : Options.TIERS) {
            result.tierOpeningMillis.put(t, o.tierOffset(t).toMillis());
        }
        claimUris = o.urls.stream().map(u -> u.resolve("/api/v1/drops/" + dropId + "/claims")).toArray(URI[]::new);
        out.printf("drop %s: %,d units for %,d customers (%s), opening at %s, then every %s; %d server(s)%n", dropId, o.stock, n,
                perTier, opensAt, o.tierGap, o.urls.size());

        int[] rank = new int[Options.TIERS.size()];
        for (int c = 0; c < n; c++) {
            int t = tier[c];
            long offset = o.tierOffset(Options.TIERS.get(t)).toNanos() + curve.offsetNanos(rank[t]++, perTier.get(Options.TIERS.get(t)));
            queue.add(new Pending(c, 0, t0Nanos + offset));
            timeline.offered(offset / 1_000_000);
        }
        unsettled.set(n);

        // ---- swaps, faults, the server's count of units left
        ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(4, daemon("simulator-events"));
        List<ScheduledFuture<?>> scheduled = new ArrayList<>();
        List<AtomicBoolean> started = new ArrayList<>();
        for (Options.Action swap : o.swaps) {
            AtomicBoolean s = new AtomicBoolean();
            started.add(s);
            scheduled.add(scheduler.schedule(() -> {
                s.set(true);
                swap(swap);
            }, delayTo(swap.at()), TimeUnit.NANOSECONDS));
        }
        for (Options.Action fault : o.faults) {
            AtomicBoolean s = new AtomicBoolean();
            started.add(s);
            scheduled.add(scheduler.schedule(() -> {
                s.set(true);
                fault(fault);
            }, delayTo(fault.at()), TimeUnit.NANOSECONDS));
        }
        ScheduledFuture<?> poller = scheduler.scheduleAtFixedRate(() -> pollRemaining(dropId), Math.max(0, t0Nanos - System.nanoTime()),
                TimeUnit.SECONDS.toNanos(1), TimeUnit.NANOSECONDS);

        progress.start(this::snapshot);
        try {
            // ---- the drop itself, then one more round for the customers left without a definite answer
            long lastArrival = o.tierGap.multipliedBy(Options.TIERS.size()).toNanos();
            long grace = Math.max(TimeUnit.SECONDS.toNanos(60), (o.retries + 1L) * (o.timeout.toNanos() + TimeUnit.SECONDS.toNanos(5)));
            dispatch(t0Nanos + lastArrival + grace);
            result.mainPhaseEndMillis = millisNow();
            List<Pending> again = new ArrayList<>();
            for (int c = 0; c < n; c++) {
                if (!outcome[c].definite()) {
                    again.add(new Pending(c, 0, System.nanoTime()));
                }
            }
            if (!again.isEmpty()) {
                out.printf("%,d customer(s) without a definite answer: retrying them once more with their keys%n", again.size());
                for (Pending p : again) {
                    outcomeCounts.decrementAndGet(outcome[p.customer].ordinal());
                    outcome[p.customer] = Outcome.PENDING;
                }
                queue.clear();
                queue.addAll(again);
                unsettled.set(again.size());
                stopping = false;
                dispatch(System.nanoTime() + grace);
                for (Pending p : again) {
                    if (outcome[p.customer].definite()) {
                        result.settledAfterRun++;
                    }
                }
            }
            result.endMillis = millisNow();
        } finally {
            progress.stop();
            poller.cancel(false);
        }

        // ---- swaps and faults still to come are not done; those under way are waited for
        for (int i = 0; i < scheduled.size(); i++) {
            Options.Action a = i < o.swaps.size() ? o.swaps.get(i) : o.faults.get(i - o.swaps.size());
            if (!started.get(i).get() && scheduled.get(i).cancel(false)) {
                event(i < o.swaps.size() ? "swap" : "fault", a.at().toMillis(), a.at().toMillis(),
                        (i < o.swaps.size() ? "swap " : "fault ") + "at " + a.at() + " not done: the drop was over", false, a.what());
            } else {
                try {
                    scheduled.get(i).get(5, TimeUnit.MINUTES);
                } catch (Exception e) {
                    String kind = i < o.swaps.size() ? "swap" : "fault";
                    event(kind, a.at().toMillis(), millisNow(), kind + " at " + a.at() + " did not finish: " + e, false, a.what());
                }
            }
        }
        scheduler.shutdownNow();
        pollRemaining(dropId);

        // ---- the counts
        result.requests = requests.get();
        result.retries = retries.get();
        result.maxLagMillis = maxLagNanos.get() / 1_000_000;
        result.granted = (int) granted.get();
        result.seconds.addAll(timeline.seconds());
        int[] all = timeline.allLatencies();
        result.p50Micros = Timeline.percentile(all, 50);
        result.p99Micros = Timeline.percentile(all, 99);
        result.maxMicros = all.length == 0 ? 0 : all[all.length - 1];
        synchronized (events) {
            result.events.addAll(events);
            result.events.sort((a, b) -> Long.compare(a.startMillis(), b.startMillis()));
        }
        synchronized (remaining) {
            result.remaining.addAll(remaining);
        }
        for (String t : Options.TIERS) {
            Map<String, Integer> counts = new LinkedHashMap<>();
            for (Outcome oc : Outcome.values()) {
                if (oc != Outcome.PENDING) {
                    counts.put(oc.label, 0);
                }
            }
            result.outcomes.put(t, counts);
        }
        for (int c = 0; c < n; c++) {
            result.outcomes.get(Options.TIERS.get(tier[c])).merge(outcome[c] == Outcome.PENDING ? Outcome.GAVE_UP.label : outcome[c].label, 1,
                    Integer::sum);
        }
        new TreeMap<>(answers).forEach((k, v) -> result.answers.put(k, v.sum()));
        return result;
    }

    private long delayTo(Duration at) {
        return Math.max(0, t0Nanos + at.toNanos() - System.nanoTime());
    }

    private long millisNow() {
        return (System.nanoTime() - t0Nanos) / 1_000_000;
    }

    private String createDrop(Instant opensAt) throws Servers.CannotRun, InterruptedException {
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("title", o.title);
        spec.put("reward", "Simulated reward (dropwise-simulator run " + runId + ")");
        spec.put("kind", "stock");
        spec.put("stock", o.stock);
        spec.put("opensAt", opensAt.toString());
        Map<String, Object> offsets = new LinkedHashMap<>();
        for (String t : Options.TIERS) {
            offsets.put(t, o.tierOffset(t).toString());
        }
        spec.put("tierOffsets", offsets);
        try {
            HttpResponse<String> r = servers.post(0, "/admin/v1/drops", "application/json", Json.write(spec).getBytes(StandardCharsets.UTF_8),
                    Duration.ofSeconds(30));
            if (r.statusCode() != 201) {
                throw new Servers.CannotRun("creating the drop on " + o.urls.get(0) + " was answered " + r.statusCode() + ": "
                        + Servers.brief(r.body()));
            }
            String id = Json.string(Json.object(r.body()), "id");
            if (id == null) {
                throw new Servers.CannotRun("creating the drop: no id in the answer: " + Servers.brief(r.body()));
            }
            return id;
        } catch (IOException e) {
            throw new Servers.CannotRun("creating the drop on " + o.urls.get(0) + ": " + e);
        }
    }

    /**
     * Sends what is due until every customer has a final outcome, or {@code deadlineNanos} pushed back by the
     * largest delay behind the schedule (when the servers are slower than the arrivals, the run takes longer).
     */
    private void dispatch(long deadlineNanos) throws InterruptedException {
        while (unsettled.get() > 0) {
            Pending p = queue.poll(100, TimeUnit.MILLISECONDS);
            if (System.nanoTime() - (deadlineNanos + maxLagNanos.get()) > 0) {
                break;
            }
            if (p == null) {
                continue;
            }
            permits.acquire();
            long lag = System.nanoTime() - p.dueNanos;
            maxLagNanos.accumulateAndGet(lag, Math::max);
            if (p.attempt == 0) {
                timeline.sent(millisNow());
            }
            send(p);
        }
        // wait for the answers still on their way, then give up on the rest
        stopping = true;
        if (permits.tryAcquire(o.connections, o.timeout.toMillis() + 2_000, TimeUnit.MILLISECONDS)) {
            permits.release(o.connections);
        }
        Pending left;
        while ((left = queue.poll()) != null) {
            finish(left.customer, Outcome.GAVE_UP);
        }
    }

    private void send(Pending p) {
        int c = p.customer;
        int server = (c + p.attempt) % claimUris.length;
        requests.incrementAndGet();
        if (p.attempt > 0) {
            retries.incrementAndGet();
        }
        HttpRequest request;
        try {
            request = HttpRequest.newBuilder(claimUris[server])
                    .timeout(o.timeout)
                    .header("Authorization", "Bearer " + jwt.customer(customerId(c), Options.TIERS.get(tier[c]), tokenExpiry))
                    .header("Idempotency-Key", key(c))
                    .POST(HttpRequest.BodyPublishers.noBody())
                    .build();
        } catch (RuntimeException e) {
            permits.release();
            throw e;
        }
        long sent = System.nanoTime();
        http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).whenComplete((response, failure) -> {
            permits.release();
            try {
                answered(p, sent, response, failure);
            } catch (RuntimeException e) {
                count("simulator error " + e.getClass().getSimpleName());
                finish(c, Outcome.GAVE_UP);
            }
        });
    }

    private void answered(Pending p, long sent, HttpResponse<String> response, Throwable failure) {
        int c = p.customer;
        long now = System.nanoTime();
        long at = (now - t0Nanos) / 1_000_000;
        if (failure != null) {
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
            timeline.noAnswer(at);
            count(cause instanceof HttpTimeoutException ? "timeout" : "no answer (" + cause.getClass().getSimpleName() + ")");
            // a lost answer is no refusal: the claim may have been recorded, so the retry carries the same key
            retry(p, Math.min(2_000, 100L << Math.min(p.attempt, 5)));
            return;
        }
        int status = response.statusCode();
        Map<String, Object> body = Json.object(response.body());
        String type = Json.string(body, "type");
        String problem = type != null && type.startsWith(PROBLEM) ? type.substring(PROBLEM.length()) : "";
        boolean replayed = response.headers().firstValue("Idempotent-Replayed").isPresent();
        int micros = (int) Math.min(Integer.MAX_VALUE, (now - sent) / 1_000);
        count(status + (problem.isEmpty() ? "" : " " + problem) + (replayed ? " (replayed)" : ""));
        if (status == 201) {
            String id = Json.string(body, "claimId");
            boolean first = claimId[c] == null;
            if (first) {
                claimId[c] = id;
                granted.incrementAndGet();
            } else if (id == null || !id.equals(claimId[c])) {
                conflict[c] = id;
            }
            timeline.answer(at, micros, first);
            finish(c, Outcome.CLAIMED);
            return;
        }
        timeline.answer(at, micros, false);
        switch (status + " " + problem) {
            case "409 sold-out" -> finish(c, Outcome.SOLD_OUT);
            case "409 already-claimed" -> finish(c, Outcome.ALREADY_CLAIMED);
            case "409 closed" -> finish(c, Outcome.CLOSED);
            case "403 not-eligible" -> finish(c, Outcome.NOT_ELIGIBLE);
            case "403 not-open-for-tier" -> {
                // the clocks differ a little: come back when the server says the tier opens
                long wait = 1_000;
                String opensAt = Json.string(body, "opensAt");
                if (opensAt != null) {
                    try {
                        wait = Math.max(50, Duration.between(Instant.now(), Instant.parse(opensAt)).toMillis() + 50);
                    } catch (RuntimeException e) {
                        // keep the second
                    }
                }
                if (!retry(p, Math.min(wait, MAX_RETRY_AFTER_MILLIS))) {
                    outcome(c, Outcome.EARLY);
                }
            }
            default -> {
                if (status == 429 || status >= 500) {
                    long wait = response.headers().firstValue("Retry-After").map(Simulation::seconds).orElse(1L) * 1_000;
                    retry(p, Math.min(wait, MAX_RETRY_AFTER_MILLIS) + ThreadLocalRandom.current().nextLong(250));
                } else {
                    finish(c, Outcome.OTHER);
                }
            }
        }
    }

    private static Long seconds(String retryAfter) {
        try {
            return Math.max(0, Long.parseLong(retryAfter.trim()));
        } catch (NumberFormatException e) {
            return 1L;
        }
    }

    /** @return whether a retry was queued; otherwise the customer gave up */
    private boolean retry(Pending p, long afterMillis) {
        if (p.attempt >= o.retries || stopping) {
            finish(p.customer, Outcome.GAVE_UP);
            return false;
        }
        queue.add(new Pending(p.customer, p.attempt + 1, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(afterMillis)));
        return true;
    }

    private void finish(int c, Outcome result) {
        outcome[c] = result;
        outcomeCounts.incrementAndGet(result.ordinal());
        unsettled.decrementAndGet();
    }

    /** Changes the outcome just given by {@link #finish} (the counters stay consistent). */
    private void outcome(int c, Outcome result) {
        outcomeCounts.decrementAndGet(outcome[c].ordinal());
        outcome[c] = result;
        outcomeCounts.incrementAndGet(result.ordinal());
    }

    private void count(String answer) {
        answers.computeIfAbsent(answer, k -> new LongAdder()).increment();
    }

    // ---------------------------------------------------------------- swaps, faults, the server's view

    private List<Integer> targets(Options.Action a) {
        List<Integer> targets = new ArrayList<>();
        if (a.server() > 0) {
            targets.add(a.server() - 1);
        } else {
            for (int s = 0; s < o.urls.size(); s++) {
                targets.add(s);
            }
        }
        return targets;
    }

    private void swap(Options.Action a) {
        byte[] jar = o.jars.get(a);
        for (int s : targets(a)) {
            long start = millisNow();
            String where = o.urls.size() > 1 ? " on server " + (s + 1) : "";
            try {
                HttpResponse<String> r = servers.post(s, "/admin/v1/deployments", "application/java-archive", jar, Duration.ofSeconds(60));
                Map<String, Object> d = Json.object(r.body());
                if (r.statusCode() != 202) {
                    event("swap", start, millisNow(), "swap refused" + where + " (" + r.statusCode() + ")", false, Servers.brief(r.body()));
                    continue;
                }
                String id = Json.string(d, "id");
                String name = Json.string(d, "symbolicName") + " " + Json.string(d, "version");
                String state = Json.string(d, "state");
                long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
                while (!"active".equals(state) && !"rolled-back".equals(state) && System.nanoTime() - until < 0) {
                    Thread.sleep(200);
                    HttpResponse<String> g = servers.get(s, "/admin/v1/deployments/" + id, Duration.ofSeconds(10));
                    Map<String, Object> now = Json.object(g.body());
                    state = Json.string(now, "state");
                    if ("rolled-back".equals(state)) {
                        d = now;
                    }
                }
                boolean ok = "active".equals(state);
                event("swap", start, millisNow(), "swap " + name + where + ": " + state, ok,
                        ok ? "deployment " + id : "deployment " + id + " " + state + ": " + Json.string(d, "reason"));
            } catch (IOException e) {
                event("swap", start, millisNow(), "swap failed" + where, false, e.toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void fault(Options.Action a) {
        Map<String, Object> spec = Json.object(a.what());
        String label = "fault " + spec.getOrDefault("kind", "?") + " " + spec.getOrDefault("bundle", "?") + " " + spec.getOrDefault("seconds", "?")
                + " s";
        for (int s : targets(a)) {
            long start = millisNow();
            String where = o.urls.size() > 1 ? " on server " + (s + 1) : "";
            try {
                HttpResponse<String> r = servers.post(s, "/admin/v1/faults", "application/json", a.what().getBytes(StandardCharsets.UTF_8),
                        Duration.ofSeconds(30));
                long seconds = Json.number(spec, "seconds", 0);
                boolean ok = r.statusCode() == 201;
                event("fault", start, ok ? start + seconds * 1000 : millisNow(), label + where + (ok ? "" : " refused (" + r.statusCode() + ")"),
                        ok, ok ? "fault " + Json.string(Json.object(r.body()), "id") : Servers.brief(r.body()));
            } catch (IOException e) {
                event("fault", start, millisNow(), label + where + " failed", false, e.toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void event(String kind, long start, long end, String label, boolean ok, String detail) {
        synchronized (events) {
            events.add(new Result.Event(kind, start, end, label, ok, detail));
        }
        out.printf("t+%.1fs %s%s%n", start / 1000.0, label, ok ? "" : ": " + detail);
    }

    private void pollRemaining(String dropId) {
        try {
            long at = millisNow();
            HttpResponse<String> r = servers.get(0, "/admin/v1/drops/" + dropId, Duration.ofSeconds(2));
            if (r.statusCode() == 200) {
                long left = Json.number(Json.member(Json.object(r.body()), "stats"), "remaining", -1);
                if (left >= 0) {
                    synchronized (remaining) {
                        remaining.add(new Result.Remaining(Math.max(0, at), left));
                    }
                }
            }
        } catch (IOException e) {
            // a point missing from the burn-down; the run goes on
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---------------------------------------------------------------- for the invariants and the progress bar

    int customers() {
        return n;
    }

    String claimIdOf(int c) {
        return claimId[c];
    }

    String conflictOf(int c) {
        return conflict[c];
    }

    Outcome outcomeOf(int c) {
        return outcome[c];
    }

    Servers servers() {
        return servers;
    }

    /** What the progress bar shows. */
    record Snapshot(long elapsedMillis, int customers, int settled, long requests, long granted, int stock, int inFlight,
                    Map<String, Integer> outcomes) {
    }

    Snapshot snapshot() {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (Outcome oc : Outcome.values()) {
            int v = outcomeCounts.get(oc.ordinal());
            if (oc != Outcome.PENDING && v > 0) {
                counts.put(oc.label, v);
            }
        }
        return new Snapshot(millisNow(), n, n - Math.max(0, unsettled.get()), requests.get(), granted.get(), o.stock,
                o.connections - permits.availablePermits(), counts);
    }
}
