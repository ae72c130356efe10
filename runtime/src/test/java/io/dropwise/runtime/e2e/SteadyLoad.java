package io.dropwise.runtime.e2e;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;

import io.dropwise.testkit.TestTokens;

/**
 * A steady, paced load on the customer API of one server, for as long as a test changes the
 * server under it: worker threads share one keep-alive {@link HttpClient} (HTTP/1.1) and send
 * request {@code n} at {@code start + n / rate}, whatever the answers so far (a slow answer makes
 * the next requests late, never skipped; {@link #maxLagMillis(List)} tells how late). The workers
 * only bound the concurrency (and the connections): the schedule sets the pace, so there should be
 * enough of them for a pause of the server (a GC, a deployment) not to hold the schedule back. It
 * stops by itself after {@code maxDuration} or {@code maxRequests}, or at {@link #stop()}.
 *
 * <p>The mix, in a fixed order that repeats every {@value #MIX_LENGTH} requests: 35 % list the
 * drops ({@code GET /api/v1/drops}); 35 % claim on the open drop and 10 % claim on the region drop
 * as a new customer of the north region with a new key (201); 10 % claim on the region drop as a
 * new customer of the south region (403 not-eligible by the {@code region} rule); 10 % send again
 * an earlier claim that got 201, with its key (201, replayed, same claim id).
 *
 * <p>Every answer is kept ({@link Sample}: what, when, how long, what came back). An answer is
 * <em>failed</em> when no HTTP answer came (connection error, timeout) or when its status is not
 * the legitimate one for the request ({@code 409 sold-out} stays legitimate for a claim); it is
 * <em>wrong</em> when the status is legitimate but the content contradicts it (a new key replayed,
 * a retry answered with another claim, a south customer let in).
 */
final class SteadyLoad {

    /** What a request is. */
    enum Kind {
        /** {@code GET /api/v1/drops}: 200 */
        LIST,
        /** a new customer's claim on the open drop: 201 (or 409 sold-out) */
        CLAIM,
        /** a new north customer's claim on the region drop: 201 (or 409 sold-out) */
        NORTH,
        /** a new south customer's claim on the region drop: 403 not-eligible, rule region */
        SOUTH,
        /** an earlier successful claim sent again with its key: 201, replayed, the same claim id */
        RETRY
    }

    static final String MIX = "LCLNCLSCRLCLNCLSCRLC";
    static final int MIX_LENGTH = 20;
    static final String NOT_NORTH = "This perk is for customers in north.";

    /**
     * One request and its answer.
     *
     * @param n the request's number (its slot in the schedule)
     * @param kind what it was
     * @param dueNanos when the schedule wanted it sent ({@link System#nanoTime()})
     * @param sentNanos when it was sent
     * @param latencyNanos from sending to the whole answer (or the error)
     * @param status the HTTP status, 0 when no answer came
     * @param problem the problem type of a problem answer (without the prefix), else empty
     * @param error what went wrong when no answer came, else {@code null}
     * @param verdict {@code null} when the answer is legitimate; else why it is failed or wrong
     * @param wrong whether the verdict is "wrong" (a legitimate status with contradicting content) rather than "failed"
     * @param body the start of the answer's body, for the report of a bad answer
     */
    record Sample(long n, Kind kind, long dueNanos, long sentNanos, long latencyNanos, int status, String problem, String error,
            String verdict, boolean wrong, String body) {

        boolean failed() {
            return verdict != null && !wrong;
        }

        boolean ok() {
            return verdict == null;
        }

        double latencyMillis() {
            return latencyNanos / 1e6;
        }

        String describe(long originNanos) {
            return String.format("#%d %s sent at +%.3f s: %s after %.1f ms (%s)%s", n, kind, (sentNanos - originNanos) / 1e9,
                    error != null ? "no answer, " + error : "HTTP " + status + (problem.isEmpty() ? "" : " " + problem),
                    latencyMillis(), verdict == null ? "ok" : verdict, body.isEmpty() ? "" : " " + body);
        }
    }

    /** A claim that got 201. */
    record Claimed(String dropId, String customerId, String token, String key, String claimId) {
    }

    private final DropwiseServer server;
    private final TestTokens tokens;
    private final String openDrop;
    private final String regionDrop;
    private final String label;
    private final double rate;
    private final long intervalNanos;
    private final long maxRequests;
    private final Duration maxDuration;
    private final int workers;
    private final Duration requestTimeout;
    private final HttpClient http;
    private final ObjectMapper json = new ObjectMapper();
    private final AtomicLong next = new AtomicLong();
    private final ConcurrentLinkedQueue<Sample> samples = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Claimed> retryable = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Claimed> claimed = new ConcurrentLinkedQueue<>();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean stopped;
    private volatile long startNanos;
    private volatile long endNanos;

    /**
     * @param server the server
     * @param tokenSecret its token secret
     * @param openDrop a stock drop open to every tier, without rules
     * @param regionDrop a stock drop open to every tier with the rule {@code region} (regions: north)
     * @param label what the customer ids start with
     * @param ratePerSecond requests per second
     * @param maxDuration when it stops by itself
     * @param workers worker threads (and so at most as many connections)
     * @param requestTimeout the timeout of each request
     */
    SteadyLoad(DropwiseServer server, String tokenSecret, String openDrop, String regionDrop, String label, double ratePerSecond,
            Duration maxDuration, int workers, Duration requestTimeout) {
        this.server = server;
        this.tokens = TestTokens.hs256(tokenSecret);
        this.openDrop = openDrop;
        this.regionDrop = regionDrop;
        this.label = label;
        this.rate = ratePerSecond;
        this.intervalNanos = (long) (1e9 / ratePerSecond);
        this.maxDuration = maxDuration;
        this.maxRequests = (long) Math.ceil(ratePerSecond * maxDuration.toNanos() / 1e9);
        this.workers = workers;
        this.requestTimeout = requestTimeout;
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2))
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /** Starts the workers; the first request is sent at once. @return the start ({@link System#nanoTime()}) */
    long start() {
        startNanos = System.nanoTime();
        for (int i = 0; i < workers; i++) {
            Thread t = new Thread(this::work, label + "-load-" + i);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
        return startNanos;
    }

    /** Asks the workers to stop after their current request. */
    void stop() {
        stopped = true;
    }

    /**
     * Waits for the workers to end (they end by themselves after {@code maxDuration}).
     *
     * @throws AssertionError when they have not ended within {@code timeout}
     */
    void awaitEnd(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Thread t : threads) {
            t.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            if (t.isAlive()) {
                throw new AssertionError(t.getName() + " still running " + timeout + " after the end was asked for");
            }
        }
        endNanos = System.nanoTime();
    }

    private void work() {
        long deadline = startNanos + maxDuration.toNanos();
        while (!stopped) {
            long n = next.getAndIncrement();
            long due = startNanos + n * intervalNanos;
            if (n >= maxRequests || due - deadline > 0) {
                return;
            }
            long wait = due - System.nanoTime();
            if (wait > 0) {
                try {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                } catch (InterruptedException e) {
                    return;
                }
            }
            if (stopped) {
                return;
            }
            samples.add(send(n, due));
        }
    }

    // ---------------------------------------------------------------- one request

    private Sample send(long n, long due) {
        Kind kind = switch (MIX.charAt((int) (n % MIX_LENGTH))) {
            case 'L' -> Kind.LIST;
            case 'C' -> Kind.CLAIM;
            case 'N' -> Kind.NORTH;
            case 'S' -> Kind.SOUTH;
            default -> Kind.RETRY;
        };
        Claimed again = null;
        if (kind == Kind.RETRY) {
            again = retryable.poll();
            if (again == null) {
                kind = Kind.CLAIM; // nothing to retry yet
            }
        }
        String customerId = label + "-" + n;
        String tier = DropsClient.TIERS.get((int) (n % DropsClient.TIERS.size()));
        HttpRequest request;
        String token = null;
        String key = null;
        String dropId = null;
        switch (kind) {
            case LIST -> request = request("/api/v1/drops").header("Authorization", "Bearer " + token(customerId, tier, "north")).GET().build();
            case CLAIM, NORTH, SOUTH -> {
                dropId = kind == Kind.CLAIM ? openDrop : regionDrop;
                token = token(customerId, tier, kind == Kind.SOUTH ? "south" : "north");
                key = UUID.randomUUID().toString();
                request = claimRequest(token, dropId, key);
            }
            default -> request = claimRequest(again.token(), again.dropId(), again.key());
        }
        long sent = System.nanoTime();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (HttpTimeoutException e) {
            return new Sample(n, kind, due, sent, System.nanoTime() - sent, 0, "", "timeout after " + requestTimeout.toMillis() + " ms",
                    "no answer (timeout)", false, "");
        } catch (IOException e) {
            return new Sample(n, kind, due, sent, System.nanoTime() - sent, 0, "", e.toString(), "no answer (connection error)", false, "");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Sample(n, kind, due, sent, System.nanoTime() - sent, 0, "", "interrupted", "no answer (interrupted)", false, "");
        }
        long latency = System.nanoTime() - sent;
        int status = response.statusCode();
        JsonNode body = parse(response.body());
        String problem = problem(body);
        String verdict = null;
        boolean wrong = false;
        switch (kind) {
            case LIST -> {
                if (status != 200) {
                    verdict = "failed: GET /api/v1/drops wants 200";
                } else if (!body.path("drops").isArray()) {
                    verdict = "wrong: no drops array";
                    wrong = true;
                }
            }
            case CLAIM, NORTH -> {
                if (status == 201) {
                    String claimId = body.path("claimId").asText("");
                    if (DropsClient.replayed(response) || claimId.isEmpty()) {
                        verdict = "wrong: a new key was answered as a replay or without a claim id";
                        wrong = true;
                    } else {
                        Claimed c = new Claimed(dropId, customerId, token, key, claimId);
                        claimed.add(c);
                        if (n % 2 == 0) {
                            retryable.add(c);
                        }
                    }
                } else if (!(status == 409 && problem.equals("sold-out"))) {
                    verdict = "failed: a new claim wants 201 (or 409 sold-out)";
                }
            }
            case SOUTH -> {
                if (status == 201) {
                    verdict = "wrong: a south customer was let in";
                    wrong = true;
                } else if (!(status == 403 && problem.equals("not-eligible") && body.path("rule").asText().equals("region")
                        && body.path("detail").asText().equals(NOT_NORTH))) {
                    verdict = "failed: a south customer wants 403 not-eligible by the region rule";
                }
            }
            case RETRY -> {
                if (status == 201) {
                    if (!DropsClient.replayed(response) || !again.claimId().equals(body.path("claimId").asText())) {
                        verdict = "wrong: a retry of " + again.claimId() + " was not replayed as it";
                        wrong = true;
                    }
                } else {
                    verdict = "failed: a retry wants 201 replayed (of " + again.claimId() + " by " + again.customerId() + ")";
                }
            }
        }
        String excerpt = verdict == null ? "" : abbreviate(response.body().replaceAll("\\s+", " "), 300);
        return new Sample(n, kind, due, sent, latency, status, problem, null, verdict, wrong, excerpt);
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(server.uri(path)).timeout(requestTimeout);
    }

    private HttpRequest claimRequest(String token, String dropId, String key) {
        return request("/api/v1/drops/" + dropId + "/claims")
                .header("Authorization", "Bearer " + token)
                .header("Idempotency-Key", key)
                .POST(HttpRequest.BodyPublishers.noBody())
                .build();
    }

    private String token(String customerId, String tier, String region) {
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("sub", customerId);
        claims.put("tier", tier);
        claims.put("exp", Instant.now().plus(Duration.ofHours(1)).getEpochSecond());
        claims.put("region", region);
        return tokens.sign(claims);
    }

    private JsonNode parse(String body) {
        try {
            JsonNode node = json.readTree(body);
            return node == null ? MissingNode.getInstance() : node;
        } catch (JsonProcessingException e) {
            return MissingNode.getInstance();
        }
    }

    private static String problem(JsonNode body) {
        String type = body.path("type").asText("");
        return type.startsWith(DropsClient.PROBLEM_PREFIX) ? type.substring(DropsClient.PROBLEM_PREFIX.length()) : type;
    }

    private static String abbreviate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max) + "...";
    }

    // ---------------------------------------------------------------- what happened

    /** @return every answer so far, by request number */
    List<Sample> samples() {
        List<Sample> list = new ArrayList<>(samples);
        list.sort(Comparator.comparingLong(Sample::n));
        return list;
    }

    /** @return the answers to the requests sent in [from, to) ({@link System#nanoTime()}) */
    List<Sample> sentBetween(long fromNanos, long toNanos) {
        return samples().stream().filter(s -> s.sentNanos() - fromNanos >= 0 && s.sentNanos() - toNanos < 0).toList();
    }

    /** @return every claim that got a new 201 */
    List<Claimed> claimed() {
        return List.copyOf(claimed);
    }

    long startNanos() {
        return startNanos;
    }

    double rate() {
        return rate;
    }

    /** @return requests per second actually sent: all of them over the time from the first send to the last answer */
    static double achievedRate(List<Sample> all) {
        if (all.size() < 2) {
            return 0;
        }
        long first = all.stream().mapToLong(Sample::sentNanos).min().orElseThrow();
        long last = all.stream().mapToLong(s -> s.sentNanos() + s.latencyNanos()).max().orElseThrow();
        return all.size() / ((last - first) / 1e9);
    }

    /** @return the latency (ms) at quantile q (0..1) of the samples, by the nearest-rank method; NaN when empty */
    static double percentile(List<Sample> list, double q) {
        if (list.isEmpty()) {
            return Double.NaN;
        }
        double[] ms = list.stream().mapToDouble(Sample::latencyMillis).sorted().toArray();
        int rank = (int) Math.ceil(q * ms.length);
        return ms[Math.max(0, Math.min(ms.length - 1, rank - 1))];
    }

    /** @return "n=…, p50 …, p99 …, max … ms" */
    static String latencies(List<Sample> list) {
        return String.format("n=%d, p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms", list.size(), percentile(list, 0.50),
                percentile(list, 0.90), percentile(list, 0.99), percentile(list, 1.0));
    }

    /** @return how many samples of each kind and status, e.g. {@code LIST 200=…} */
    static Map<String, Long> breakdown(List<Sample> list, Predicate<Sample> which) {
        Map<String, Long> counts = new TreeMap<>();
        for (Sample s : list) {
            if (which.test(s)) {
                String key = s.kind() + " " + (s.error() != null ? s.verdict() : s.status() + (s.problem().isEmpty() ? "" : " " + s.problem()));
                counts.merge(key, 1L, Long::sum);
            }
        }
        return counts;
    }

    /** @return the longest lag of a send behind its schedule, in ms (how well the client kept the pace) */
    static double maxLagMillis(List<Sample> list) {
        return list.stream().mapToLong(s -> s.sentNanos() - s.dueNanos()).max().orElse(0) / 1e6;
    }

    @Override
    public String toString() {
        return label + " load at " + rate + "/s on " + workers + " workers (" + Arrays.toString(Kind.values()) + ")";
    }

    long endNanos() {
        return endNanos;
    }
}
