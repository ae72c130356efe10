package io.dropwise.runtime.e2e;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.databind.JsonNode;

import io.dropwise.testkit.ThrowawayPostgres;

/**
 * Game day "load at twice the capacity" (the containment issue): a server that decides at most
 * {@value #MAX_IN_FLIGHT} claims at once (its capacity, made small so that this machine can
 * offer twice it), with the default waiting room (64 places, 1 s at most).
 * <ol>
 * <li><b>Peak</b>: {@value #MAX_IN_FLIGHT} customers claim back to back (closed loop, one new
 * customer per claim, a stock that never runs out) for {@value #PHASE_SECONDS} s: the successful
 * claims per second are the server's peak.</li>
 * <li><b>Twice</b>: claims sent at twice that rate whatever the answers (open loop) for
 * {@value #PHASE_SECONDS} s, while a control customer base claims another drop (each retrying
 * after {@code Retry-After} until served) and a reader lists the drops every 100 ms.</li>
 * </ol>
 * Invariants: every answer is 201 or 429 {@code overloaded} with {@code Retry-After} and a place
 * in line (no 5xx, no connection failed); successful claims per second at twice the load stay
 * at least {@value #MIN_THROUGHPUT_RATIO} of the peak (H2; PostgreSQL
 * {@value #MIN_THROUGHPUT_RATIO_POSTGRES}) with the load generator and the server on different
 * cores ({@link CpuSplit}; {@value #MIN_THROUGHPUT_RATIO_SHARED} where they cannot be split; the
 * goal is 0.9; the measured ratios are in {@code docs/benchmarks.md}); admitted claims are decided as fast as at the peak
 * (p99 of the time after the wait at most {@value #DECIDE_P99_SLOWER_MS} ms more), and
 * wait at most the bound; the control drop and the listing keep serving; every 201 is stored
 * exactly once, no customer twice, nothing beyond the stock. Prints the measured ratios. Runs on
 * H2 and on a throwaway PostgreSQL.
 */
@Timeout(120)
class OverloadGameDayIT {

    static final int MAX_IN_FLIGHT = 8;
    static final int MAX_WAIT_MS = 1_000;
    static final int STOCK = 1_000_000;
    static final int WARM_UP_SECONDS = 3;
    static final int PHASE_SECONDS = 8;
    /** Client threads (each with its own connection, {@link RawHttp}) of the open loop: the claims in flight and waiting (8 + 64), and more for the quick refusals. */
    static final int OPEN_LOOP_THREADS = 112;
    /**
     * The guard asserted on H2 when the load generator and the server run on different cores
     * ({@link CpuSplit}), looser than the 0.9 goal: measured that way 0.82-1.36. The measured ratio
     * is printed.
     */
    static final double MIN_THROUGHPUT_RATIO = 0.5;
    /**
     * The same on PostgreSQL (the database beside the load generator, {@link CpuSplit}): measured
     * 0.58-1.26.
     */
    static final double MIN_THROUGHPUT_RATIO_POSTGRES = 0.4;
    /**
     * The guard where the cores cannot be split (one CPU, no {@code taskset}): generator, server
     * and database then share the cores, every refusal costs CPU the claims lack, and the ratio
     * measured 0.36-0.84; this guard still catches a collapse.
     */
    static final double MIN_THROUGHPUT_RATIO_SHARED = 0.25;
    /** How much slower (p99, ms) admitted claims may be decided at twice the load than at the peak: CPU shared with the load generator. */
    static final double DECIDE_P99_SLOWER_MS = 500;

    @RegisterExtension
    final KeepLogsOnFailure logs = new KeepLogsOnFailure();

    private final String secret = DropsClient.newTokenSecret();
    private int port;

    /** One claim as the customer saw it; {@code status} -1 when no HTTP answer came. */
    record Attempt(String phase, int status, String problem, long retryAfter, int position, double millis, double waitedMillis, double lagMillis) {
    }

    @Test
    void onH2() throws Exception {
        try (CpuSplit cpus = CpuSplit.apart();
                DropwiseServer server = configure(DropwiseServer.builder().name("overload-h2")).start()) {
            gameDay("H2", server, cpus, MIN_THROUGHPUT_RATIO);
        }
    }

    @Test
    void onPostgres() throws Exception {
        ThrowawayPostgres.assumeAvailable();
        try (CpuSplit cpus = CpuSplit.apart(); ThrowawayPostgres pg = ThrowawayPostgres.start()) {
            String url = pg.createDatabase("overload");
            try (DropwiseServer server = configure(DropwiseServer.builder().name("overload-pg"))
                    .env("DROPWISE_JDBC_URL", url).env("DROPWISE_JDBC_USER", pg.user()).env("DROPWISE_JDBC_PASSWORD", pg.password())
                    .start()) {
                gameDay("PostgreSQL", server, cpus, MIN_THROUGHPUT_RATIO_POSTGRES);
            }
        }
    }

    private DropwiseServer.Builder configure(DropwiseServer.Builder builder) {
        return DropsClient.configure(builder.keepLogsWith(logs), secret)
                .jvmArg("-Ddropwise.claims.max.in.flight=" + MAX_IN_FLIGHT)
                .jvmArg("-Ddropwise.claims.max.wait.ms=" + MAX_WAIT_MS);
    }

    private void gameDay(String store, DropwiseServer server, CpuSplit cpus, double splitGuard) throws Exception {
        server.awaitReady(Duration.ofSeconds(30));
        DropsClient api = new DropsClient(server, secret);
        api.awaitApi(Duration.ofSeconds(20));
        String tag = "OverloadGameDayIT[" + store + "]";
        double guard = cpus.split() ? splitGuard : MIN_THROUGHPUT_RATIO_SHARED;
        System.out.printf("%s: %s%n", tag, cpus);
        String drop = api.createDrop(DropsClient.openStockDrop("Twice the capacity", STOCK)).path("id").asText();
        String control = api.createDrop(DropsClient.openStockDrop("Control", STOCK)).path("id").asText();
        AtomicInteger customers = new AtomicInteger();
        ConcurrentLinkedQueue<Attempt> attempts = new ConcurrentLinkedQueue<>();

        port = server.port();
        closedLoop(api, drop, "warm-up", MAX_IN_FLIGHT, WARM_UP_SECONDS, customers, attempts);
        long peakNanos = closedLoop(api, drop, "peak", MAX_IN_FLIGHT, PHASE_SECONDS, customers, attempts);
        List<Attempt> peak = attempts.stream().filter(a -> a.phase().equals("peak")).toList();
        double peakRate = count(peak, 201) * 1e9 / peakNanos;

        // twice the peak, open loop, with the control drop and a reader alongside
        AtomicBoolean running = new AtomicBoolean(true);
        ConcurrentLinkedQueue<String> controlProblems = new ConcurrentLinkedQueue<>();
        List<String> controlServed = new ArrayList<>();
        AtomicInteger controlRetries = new AtomicInteger();
        List<Long> readerMillis = new ArrayList<>();
        List<Integer> readerStatus = new ArrayList<>();
        Thread controlThread = new Thread(() -> controlCustomers(api, control, running, controlServed, controlRetries, controlProblems), "control");
        Thread readerThread = new Thread(() -> reader(api, running, readerMillis, readerStatus), "reader");
        controlThread.start();
        readerThread.start();
        long twiceNanos = openLoop(api, drop, "twice", 2 * peakRate, PHASE_SECONDS, customers, attempts);
        running.set(false);
        controlThread.join(30_000);
        readerThread.join(10_000);
        List<Attempt> twice = attempts.stream().filter(a -> a.phase().equals("twice")).toList();
        double twiceRate = count(twice, 201) * 1e9 / twiceNanos;
        double offeredRate = twice.size() * 1e9 / twiceNanos;

        // what the customers saw
        Map<String, Long> peakAnswers = answers(peak);
        Map<String, Long> twiceAnswers = answers(twice);
        List<Attempt> admittedPeak = peak.stream().filter(a -> a.status() == 201).toList();
        List<Attempt> admittedTwice = twice.stream().filter(a -> a.status() == 201).toList();
        double peakP50 = percentile(admittedPeak, 0.50, false), peakP99 = percentile(admittedPeak, 0.99, false);
        double twiceP50 = percentile(admittedTwice, 0.50, false), twiceP99 = percentile(admittedTwice, 0.99, false);
        double peakDecideP99 = percentile(admittedPeak, 0.99, true), twiceDecideP99 = percentile(admittedTwice, 0.99, true);
        double maxWait = admittedTwice.stream().mapToDouble(Attempt::waitedMillis).max().orElse(0);
        double waitedShare = admittedTwice.stream().filter(a -> a.waitedMillis() > 0).count() / (double) Math.max(1, admittedTwice.size());
        double maxLag = twice.stream().mapToDouble(Attempt::lagMillis).max().orElse(0);
        List<Attempt> refused = twice.stream().filter(a -> a.status() == 429).toList();
        System.out.printf("%s: peak (closed loop, %d clients, %d in flight) %d claims in %.1f s: %s; %.0f claims/s; admitted latency p50 %.1f ms, p99 %.1f ms%n",
                tag, MAX_IN_FLIGHT, MAX_IN_FLIGHT, peak.size(), peakNanos / 1e9, peakAnswers, peakRate, peakP50, peakP99);
        System.out.printf("%s: twice (open loop at %.0f/s, sent %.0f/s) %d claims in %.1f s: %s; %.0f claims/s = %.2f of the peak%n",
                tag, 2 * peakRate, offeredRate, twice.size(), twiceNanos / 1e9, twiceAnswers, twiceRate, twiceRate / peakRate);
        System.out.printf("%s: twice: admitted latency p50 %.1f ms (%.1fx the peak's), p99 %.1f ms (%.1fx); after the wait p99 %.1f ms vs %.1f ms at the peak; "
                + "%.0f %% of the admitted waited, at most %.0f ms; 429 places in line %s; Retry-After %s s; client lag at most %.0f ms%n",
                tag, twiceP50, twiceP50 / peakP50, twiceP99, twiceP99 / peakP99, twiceDecideP99, peakDecideP99, 100 * waitedShare, maxWait,
                range(refused.stream().mapToLong(Attempt::position).toArray()), range(refused.stream().mapToLong(Attempt::retryAfter).toArray()), maxLag);
        System.out.printf("%s: control drop: %d customers served (%d retries after 429); reader: %d listings, %s, slowest %d ms%n", tag,
                controlServed.size(), controlRetries.get(), readerStatus.size(), answersOf(readerStatus),
                readerMillis.stream().mapToLong(Long::longValue).max().orElse(0));

        // what the store says
        List<JsonNode> stored = api.adminClaims(drop);
        Set<String> storedCustomers = new HashSet<>();
        stored.forEach(c -> storedCustomers.add(c.path("customerId").asText()));
        long acknowledged = attempts.stream().filter(a -> a.status() == 201).count();
        Thread.sleep(1_100); // the counts shown are at most 1 s old
        long claimedCount = api.adminDrop(drop).path("stats").path("claimed").asLong(-1);
        List<JsonNode> controlStored = api.adminClaims(control);
        Set<String> controlCustomers = new HashSet<>();
        controlStored.forEach(c -> controlCustomers.add(c.path("customerId").asText()));
        System.out.printf("%s: stored %d claims (%d answered 201, %d customers, drop count %d, stock %d); control stored %d%n", tag,
                stored.size(), acknowledged, storedCustomers.size(), claimedCount, STOCK, controlStored.size());

        Checks checks = new Checks(tag);
        checks.check(twice.stream().allMatch(a -> a.status() == 201 || (a.status() == 429 && a.problem().equals("overloaded")
                && a.retryAfter() >= 1 && a.position() >= 1)), "at twice the capacity every answer is 201 or 429 overloaded with Retry-After and a place in line "
                + twiceAnswers + " (no 5xx, no connection failed)");
        checks.check(peak.stream().allMatch(a -> a.status() == 201 || a.status() == 429), "at the peak every answer is 201 or 429 " + peakAnswers);
        checks.check(!refused.isEmpty(), "past the capacity some claims were turned away (" + refused.size() + ")");
        checks.check(twiceRate >= guard * peakRate, String.format("successful claims per second at twice the load: %.0f/s, %.2f of the peak %.0f/s "
                + "(guard %.2f; goal 0.90; %s)", twiceRate, twiceRate / peakRate, peakRate, guard, cpus));
        checks.check(twiceDecideP99 <= peakDecideP99 + DECIDE_P99_SLOWER_MS, String.format("admitted claims are decided about as fast as at the peak: "
                + "p99 after the wait %.1f ms vs %.1f ms (%.1fx; guard +%.0f ms)", twiceDecideP99, peakDecideP99, twiceDecideP99 / peakDecideP99,
                DECIDE_P99_SLOWER_MS));
        checks.check(maxWait <= MAX_WAIT_MS + 250, String.format("no admitted claim waited past the bound: at most %.0f ms (bound %d ms)", maxWait, MAX_WAIT_MS));
        checks.check(twiceP99 <= peakP99 + MAX_WAIT_MS + 250, String.format("admitted latency p99 %.1f ms stays within the peak's %.1f ms plus the wait bound",
                twiceP99, peakP99));
        checks.check(controlProblems.isEmpty() && controlServed.size() >= 3, "the control drop kept serving: " + controlServed.size()
                + " customers each got their unit " + (controlProblems.isEmpty() ? "" : controlProblems.stream().limit(5).toList()));
        checks.check(controlCustomers.equals(new HashSet<>(controlServed)) && controlStored.size() == controlServed.size(),
                "the control drop stores exactly the customers told 201, once each (" + controlStored.size() + ")");
        checks.check(!readerStatus.isEmpty() && readerStatus.stream().allMatch(s -> s == 200)
                && readerMillis.stream().allMatch(ms -> ms < 1_000), "the drop listing kept answering 200 within 1 s");
        checks.check(stored.size() == acknowledged, "every 201 is stored, and only they (" + acknowledged + " answered 201, " + stored.size() + " stored)");
        checks.check(storedCustomers.size() == stored.size(), "no customer twice");
        checks.check(stored.size() <= STOCK && claimedCount == stored.size(), "no oversell: the drop counts " + claimedCount + " of " + STOCK);
        checks.assertAllHold();
    }

    /** @return how long it ran: {@code clients} customers claiming back to back */
    private long closedLoop(DropsClient api, String drop, String phase, int clients, int seconds, AtomicInteger customers,
            ConcurrentLinkedQueue<Attempt> attempts) throws InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        long start = System.nanoTime();
        long end = start + TimeUnit.SECONDS.toNanos(seconds);
        for (int t = 0; t < clients; t++) {
            pool.execute(() -> {
                try (RawHttp http = new RawHttp(port, 30_000)) {
                    while (System.nanoTime() < end) {
                        attempts.add(claim(http, api, drop, phase, "c-" + customers.incrementAndGet(), System.nanoTime()));
                    }
                }
            });
        }
        pool.shutdown();
        if (!pool.awaitTermination(seconds + 40L, TimeUnit.SECONDS)) {
            pool.shutdownNow();
            throw new AssertionError(phase + ": the clients did not end");
        }
        return System.nanoTime() - start;
    }

    /**
     * @return how long it ran: claims sent at {@code rate} a second, whatever the answers, each on a
     *         thread of a pool of {@value #OPEN_LOOP_THREADS} (more than the server holds at once:
     *         claims in flight and waiting), each with its own keep-alive connection
     */
    private long openLoop(DropsClient api, String drop, String phase, double rate, int seconds, AtomicInteger customers,
            ConcurrentLinkedQueue<Attempt> attempts) throws InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(OPEN_LOOP_THREADS);
        List<RawHttp> connections = new java.util.concurrent.CopyOnWriteArrayList<>();
        ThreadLocal<RawHttp> connection = ThreadLocal.withInitial(() -> {
            RawHttp c = new RawHttp(port, 30_000);
            connections.add(c);
            return c;
        });
        long start = System.nanoTime();
        long total = (long) (rate * seconds);
        for (long n = 0; n < total; n++) {
            long due = start + (long) (n * 1e9 / rate);
            long early = due - System.nanoTime();
            if (early > 0) {
                LockSupport.parkNanos(early);
            }
            pool.execute(() -> attempts.add(claim(connection.get(), api, drop, phase, "c-" + customers.incrementAndGet(), due)));
        }
        pool.shutdown();
        if (!pool.awaitTermination(60, TimeUnit.SECONDS)) {
            pool.shutdownNow();
            throw new AssertionError(phase + ": the clients did not end");
        }
        long took = System.nanoTime() - start;
        connections.forEach(RawHttp::close);
        return took;
    }

    private static Attempt claim(RawHttp http, DropsClient api, String drop, String phase, String customer, long due) {
        long sent = System.nanoTime();
        try {
            RawHttp.Response r = http.post("/api/v1/drops/" + drop + "/claims",
                    Map.of("Authorization", "Bearer " + api.token(customer, "vip"), "Idempotency-Key", "k"));
            double millis = (System.nanoTime() - sent) / 1e6;
            JsonNode body = r.status() == 201 ? null : api.json().readTree(r.body());
            String type = body == null ? "" : body.path("type").asText("");
            String retryAfter = r.header("Retry-After");
            String timing = r.header("Server-Timing");
            return new Attempt(phase, r.status(), type.replace(DropsClient.PROBLEM_PREFIX, ""), retryAfter == null ? -1 : Long.parseLong(retryAfter),
                    body == null ? 0 : body.path("position").asInt(0), millis,
                    timing != null && timing.startsWith("wait;dur=") ? Double.parseDouble(timing.substring("wait;dur=".length())) : 0,
                    (sent - due) / 1e6);
        } catch (IOException e) {
            return new Attempt(phase, -1, e.toString(), -1, 0, (System.nanoTime() - sent) / 1e6, 0, (sent - due) / 1e6);
        }
    }

    /** New customers claim the control drop one after the other, each retrying after {@code Retry-After} until served. */
    private static void controlCustomers(DropsClient api, String control, AtomicBoolean running, List<String> served, AtomicInteger retries,
            ConcurrentLinkedQueue<String> problems) {
        for (int i = 0; running.get(); i++) {
            String customer = "control-" + i;
            try {
                for (int attempt = 0;; attempt++) {
                    HttpResponse<String> r = api.claim(api.token(customer, "standard"), control, "k");
                    if (r.statusCode() == 201) {
                        synchronized (served) {
                            served.add(customer);
                        }
                        break;
                    }
                    String retryAfter = r.headers().firstValue("Retry-After").orElse(null);
                    if (r.statusCode() != 429 || retryAfter == null || attempt >= 20) {
                        problems.add(customer + ": " + r.statusCode() + " " + r.body());
                        break;
                    }
                    retries.incrementAndGet();
                    Thread.sleep(Math.min(2_000, 1_000 * Long.parseLong(retryAfter)));
                }
                Thread.sleep(50);
            } catch (IOException e) {
                problems.add(customer + ": " + e);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private static void reader(DropsClient api, AtomicBoolean running, List<Long> millis, List<Integer> statuses) {
        String token = api.token("reader", "standard");
        while (running.get()) {
            long t0 = System.nanoTime();
            int status;
            try {
                status = api.get("/api/v1/drops", token).statusCode();
            } catch (IOException e) {
                status = -1;
            } catch (InterruptedException e) {
                return;
            }
            synchronized (millis) {
                millis.add((System.nanoTime() - t0) / 1_000_000);
                statuses.add(status);
            }
            LockSupport.parkNanos(100_000_000L);
        }
    }

    private static long count(List<Attempt> attempts, int status) {
        return attempts.stream().filter(a -> a.status() == status).count();
    }

    private static Map<String, Long> answers(List<Attempt> attempts) {
        Map<String, Long> by = new TreeMap<>();
        attempts.forEach(a -> by.merge(a.status() + (a.problem().isEmpty() ? "" : " " + a.problem()), 1L, Long::sum));
        return by;
    }

    private static Map<Integer, Long> answersOf(List<Integer> statuses) {
        Map<Integer, Long> by = new TreeMap<>();
        statuses.forEach(s -> by.merge(s, 1L, Long::sum));
        return by;
    }

    /** @param afterWait the time after the wait in line (the deciding), else the whole latency */
    private static double percentile(List<Attempt> attempts, double p, boolean afterWait) {
        double[] sorted = attempts.stream().mapToDouble(a -> afterWait ? Math.max(0, a.millis() - a.waitedMillis()) : a.millis()).sorted().toArray();
        return sorted.length == 0 ? 0 : sorted[Math.max(0, (int) Math.ceil(sorted.length * p) - 1)];
    }

    private static String range(long[] values) {
        return values.length == 0 ? "-" : java.util.Arrays.stream(values).min().getAsLong() + ".." + java.util.Arrays.stream(values).max().getAsLong();
    }
}
