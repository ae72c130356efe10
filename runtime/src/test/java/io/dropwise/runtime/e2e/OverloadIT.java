package io.dropwise.runtime.e2e;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Admission control: past the claims the server decides at once ({@code dropwise.claims.max.in.flight},
 * set to {@value #MAX_IN_FLIGHT} here so that a test can reach it) a claim waits its turn in a
 * waiting room of {@value #WAITING_ROOM} places (set small here), and past that is answered 429
 * {@code overloaded} with {@code Retry-After} and its place in line at once; a customer sending claims
 * faster than allowed gets 429 {@code rate-limited} ({@code limit: customer}), and so do claims from one
 * network address past the per-address rate ({@code limit: address}), the address being the right-most
 * {@code X-Forwarded-For} entry behind a trusted proxy (here the test itself, on 127.0.0.1), so that
 * addresses written on the left by the client change nothing: nothing taken, nothing else failing,
 * and everything admitted answered as usual. ({@link OverloadGameDayIT} measures the throughput at
 * twice the capacity.)
 */
@Timeout(120)
class OverloadIT {

    static final int MAX_IN_FLIGHT = 2;
    static final int CUSTOMERS = 400;
    static final int THREADS = 48;
    static final int WAITING_ROOM = 4;
    static final int PER_ADDRESS_BURST = 5;

    @RegisterExtension
    final KeepLogsOnFailure logs = new KeepLogsOnFailure();

    private final String secret = DropsClient.newTokenSecret();

    record Answer(String customer, int status, String problem, boolean retryAfter, int position, boolean waited) {
    }

    @Test
    void pastItsCapacityTheServerSaysSoAtOnceAndTakesNothing() throws Exception {
        try (DropwiseServer server = DropsClient.configure(DropwiseServer.builder().name("overload").keepLogsWith(logs)
                .jvmArg("-Ddropwise.claims.max.in.flight=" + MAX_IN_FLIGHT).jvmArg("-Ddropwise.claims.waiting.room=" + WAITING_ROOM)
                .jvmArg("-Ddropwise.trusted.proxies=127.0.0.1,::1").jvmArg("-Ddropwise.claims.per.address.per.second=1")
                .jvmArg("-Ddropwise.claims.per.address.burst=" + PER_ADDRESS_BURST), secret).start()) {
            server.awaitReady(Duration.ofSeconds(30));
            DropsClient api = new DropsClient(server, secret);
            api.awaitApi(Duration.ofSeconds(20));
            String drop = api.createDrop(DropsClient.openStockDrop("Overload drop", 100_000)).path("id").asText();
            Checks checks = new Checks("OverloadIT");

            // many customers at once against 2 claims in flight
            List<Answer> answers = Collections.synchronizedList(new ArrayList<>());
            ExecutorService pool = Executors.newFixedThreadPool(THREADS);
            List<Future<?>> sent = new ArrayList<>();
            for (int i = 0; i < CUSTOMERS; i++) {
                String customer = "crowd-" + i;
                Map<String, String> from = Map.of("X-Forwarded-For", "198.18." + (i / 256) + "." + (i % 256)); // each from an address of their own
                sent.add(pool.submit(() -> {
                    HttpResponse<String> r = api.claim(api.token(customer, "vip"), drop, "k", from);
                    answers.add(new Answer(customer, r.statusCode(), api.problem(r), r.headers().firstValue("Retry-After").isPresent(),
                            api.body(r).path("position").asInt(0), r.headers().firstValue("Server-Timing").orElse("").startsWith("wait;dur=")));
                    return null;
                }));
            }
            for (Future<?> f : sent) {
                f.get(60, TimeUnit.SECONDS);
            }
            pool.shutdown();
            Map<String, Long> byAnswer = new TreeMap<>();
            answers.forEach(a -> byAnswer.merge(a.status() + " " + a.problem(), 1L, Long::sum));
            long created = answers.stream().filter(a -> a.status() == 201).count();
            int stored = api.adminClaims(drop).size();
            System.out.printf("OverloadIT: %d customers at once, %d threads, %d claims in flight at most: %s; stored %d%n", CUSTOMERS, THREADS,
                    MAX_IN_FLIGHT, byAnswer, stored);
            checks.check(answers.size() == CUSTOMERS && answers.stream().allMatch(a -> a.status() == 201
                    || (a.status() == 429 && a.problem().equals("overloaded") && a.retryAfter() && a.position() >= 1
                            && a.position() <= WAITING_ROOM + 1)),
                    "every claim got 201 or 429 overloaded with Retry-After and a place in line within the room (no 5xx)");
            checks.check(byAnswer.getOrDefault("429 overloaded", 0L) > 0, "past the capacity and the waiting room, claims were turned away");
            checks.check(answers.stream().anyMatch(a -> a.status() == 201 && a.waited()), "some claims waited their turn and got a unit");
            checks.check(created > 0 && stored == created, "the admitted claims were decided as usual, and only they are stored");

            // one customer sending claims as fast as they can
            Map<String, Long> rapid = new TreeMap<>();
            for (int i = 0; i < 60; i++) {
                HttpResponse<String> r = api.claim(api.token("hammer", "vip"), drop, "key-" + i, Map.of("X-Forwarded-For", "198.19.0." + i));
                rapid.merge(r.statusCode() + " " + api.problem(r), 1L, Long::sum);
            }
            long held = api.adminClaims(drop).stream().map(c -> c.path("customerId").asText()).filter("hammer"::equals).count();
            System.out.printf("OverloadIT: one customer, 60 claims back to back: %s; units held %d%n", rapid, held);
            checks.check(rapid.getOrDefault("429 rate-limited", 0L) > 0, "a customer faster than allowed was rate-limited");
            checks.check(held == 1, "and still holds exactly one unit");

            // many customers behind one address, each request with a different (spoofed) address on the left
            Map<String, Long> oneAddress = new TreeMap<>();
            for (int i = 0; i < 20; i++) {
                HttpResponse<String> r = api.claim(api.token("neighbour-" + i, "vip"), drop, "k", Map.of("X-Forwarded-For", "6.6.6." + i + ", 203.0.113.50"));
                String limit = api.body(r).path("limit").asText("");
                oneAddress.merge((r.statusCode() + " " + api.problem(r) + (limit.isEmpty() ? "" : " " + limit)
                        + (r.headers().firstValue("Retry-After").isPresent() ? " (Retry-After)" : "")).strip(), 1L, Long::sum);
            }
            System.out.printf("OverloadIT: 20 customers from 203.0.113.50 (left-most X-Forwarded-For spoofed): %s%n", oneAddress);
            checks.check(oneAddress.getOrDefault("201", 0L) == PER_ADDRESS_BURST
                    && oneAddress.getOrDefault("429 rate-limited address (Retry-After)", 0L) == 20 - PER_ADDRESS_BURST,
                    "one address gets its burst, then 429 rate-limited (limit address) with Retry-After, whatever the client writes on the left");
            checks.assertAllHold();
        }
    }
}
