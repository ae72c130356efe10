package io.dropwise.runtime.e2e;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Customers claiming one drop without pause for a game day: each of {@code threads} threads sends a
 * claim by a new customer, waits for the answer, sleeps {@code pauseMillis} and goes on, until
 * stopped. Every attempt is recorded, with when it was sent (ms since the start) and what it got.
 */
final class ClaimLoad {

    /** One claim as the customer saw it; {@code status} -1 when no HTTP answer came. */
    record Attempt(String customer, long sentMillis, int status, String problem, boolean retryAfter, long millis, String claimId) {
    }

    private final DropsClient api;
    private final String drop;
    private final String prefix;
    private final long origin = System.nanoTime();
    private final List<Attempt> attempts = Collections.synchronizedList(new ArrayList<>());
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicInteger next = new AtomicInteger();
    private final ExecutorService threads;

    ClaimLoad(DropsClient api, String drop, String prefix, int threads, long pauseMillis) {
        this.api = api;
        this.drop = drop;
        this.prefix = prefix;
        this.threads = Executors.newFixedThreadPool(threads);
        for (int t = 0; t < threads; t++) {
            this.threads.submit(() -> {
                while (running.get()) {
                    claimOnce(prefix + "-" + next.incrementAndGet());
                    Thread.sleep(pauseMillis);
                }
                return null;
            });
        }
    }

    private void claimOnce(String customer) {
        long sent = System.nanoTime();
        try {
            HttpResponse<String> r = api.claim(api.token(customer, "standard"), drop, "k");
            JsonNode body = api.body(r);
            attempts.add(new Attempt(customer, (sent - origin) / 1_000_000, r.statusCode(),
                    body.path("type").asText("").replace(DropsClient.PROBLEM_PREFIX, ""), r.headers().firstValue("Retry-After").isPresent(),
                    (System.nanoTime() - sent) / 1_000_000, body.path("claimId").asText(null)));
        } catch (IOException e) {
            attempts.add(new Attempt(customer, (sent - origin) / 1_000_000, -1, e.toString(), false, (System.nanoTime() - sent) / 1_000_000, null));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** @return ms since the load started */
    long now() {
        return (System.nanoTime() - origin) / 1_000_000;
    }

    /** Stops sending and waits for the answers still due. */
    void stop() throws InterruptedException {
        running.set(false);
        threads.shutdown();
        threads.awaitTermination(60, TimeUnit.SECONDS);
    }

    List<Attempt> attempts() {
        synchronized (attempts) {
            return List.copyOf(attempts);
        }
    }

    /** @return the first 201 sent after {@code fromMillis}, or -1 */
    long firstCreatedAfter(long fromMillis) {
        return attempts().stream().filter(a -> a.sentMillis() > fromMillis && a.status() == 201).mapToLong(Attempt::sentMillis).min().orElse(-1);
    }

    /** @return attempts by "status problem", e.g. {@code 503 unavailable=12} */
    static Map<String, Long> count(List<Attempt> attempts) {
        return attempts.stream().collect(Collectors.groupingBy(a -> a.status() + (a.problem().isEmpty() ? "" : " " + a.problem()), TreeMap::new,
                Collectors.counting()));
    }

    /**
     * Retries every attempt that did not get 201, with its key, and checks the store: every customer who
     * got 201 (the first time or on retry) holds exactly one stored unit, and nothing else is stored.
     *
     * @return problems found (empty when none), and prints the counts
     */
    List<String> retryAndCheckStore(String tag, int stock) throws IOException, InterruptedException {
        List<String> problems = new ArrayList<>();
        Map<String, String> granted = new TreeMap<>();
        List<Attempt> all = attempts();
        all.stream().filter(a -> a.status() == 201).forEach(a -> granted.put(a.customer(), a.claimId()));
        int retried = 0;
        for (Attempt a : all) {
            if (a.status() != 201) {
                HttpResponse<String> r = api.claim(api.token(a.customer(), "standard"), drop, "k");
                retried++;
                if (r.statusCode() == 201) {
                    granted.put(a.customer(), api.body(r).path("claimId").asText());
                } else {
                    problems.add("the retry of " + a.customer() + " got " + r.statusCode() + " " + r.body());
                }
            }
        }
        List<JsonNode> stored = api.adminClaims(drop);
        Map<String, List<String>> byCustomer = stored.stream().collect(Collectors.groupingBy(c -> c.path("customerId").asText(),
                Collectors.mapping(c -> c.path("claimId").asText(), Collectors.toList())));
        long twice = byCustomer.values().stream().filter(l -> l.size() > 1).count();
        System.out.printf("%s%d answered 201 during the run, %d retried afterwards with the same key; %d customers hold a unit, "
                + "%d stored, %d customers with two, stock %d%n", tag, all.stream().filter(a -> a.status() == 201).count(), retried,
                granted.size(), stored.size(), twice, stock);
        if (!stored.stream().map(c -> c.path("claimId").asText()).collect(Collectors.toSet()).containsAll(granted.values())) {
            problems.add("a claim answered 201 is not stored");
        }
        if (stored.size() != granted.size() || twice > 0) {
            problems.add("stored " + stored.size() + " for " + granted.size() + " customers answered 201, " + twice + " with two");
        }
        if (stored.size() > stock) {
            problems.add("oversold: " + stored.size() + " of " + stock);
        }
        return problems;
    }
}
