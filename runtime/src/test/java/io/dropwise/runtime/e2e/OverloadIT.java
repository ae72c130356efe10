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
 * set to {@value #MAX_IN_FLIGHT} here so that a test can reach it) a claim is answered 429
 * {@code overloaded} with {@code Retry-After} at once, and a customer sending claims faster than
 * allowed gets 429 {@code rate-limited}: nothing taken, nothing else failing, and everything admitted
 * answered as usual. (The throughput at twice the capacity is for the drop simulator of the scale
 * issue to measure; this test proves the behaviour.)
 */
@Timeout(120)
class OverloadIT {

    static final int MAX_IN_FLIGHT = 2;
    static final int CUSTOMERS = 400;
    static final int THREADS = 48;

    @RegisterExtension
    final KeepLogsOnFailure logs = new KeepLogsOnFailure();

    private final String secret = DropsClient.newTokenSecret();

    record Answer(String customer, int status, String problem, boolean retryAfter) {
    }

    @Test
    void pastItsCapacityTheServerSaysSoAtOnceAndTakesNothing() throws Exception {
        try (DropwiseServer server = DropsClient.configure(DropwiseServer.builder().name("overload").keepLogsWith(logs)
                .jvmArg("-Ddropwise.claims.max.in.flight=" + MAX_IN_FLIGHT), secret).start()) {
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
                sent.add(pool.submit(() -> {
                    HttpResponse<String> r = api.claim(api.token(customer, "vip"), drop, "k");
                    answers.add(new Answer(customer, r.statusCode(), api.problem(r), r.headers().firstValue("Retry-After").isPresent()));
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
                    || (a.status() == 429 && a.problem().equals("overloaded") && a.retryAfter())),
                    "every claim got 201 or 429 overloaded with Retry-After (no 5xx)");
            checks.check(byAnswer.getOrDefault("429 overloaded", 0L) > 0, "past the capacity, claims were turned away at once");
            checks.check(created > 0 && stored == created, "the admitted claims were decided as usual, and only they are stored");

            // one customer sending claims as fast as they can
            Map<String, Long> rapid = new TreeMap<>();
            for (int i = 0; i < 60; i++) {
                HttpResponse<String> r = api.claim(api.token("hammer", "vip"), drop, "key-" + i);
                rapid.merge(r.statusCode() + " " + api.problem(r), 1L, Long::sum);
            }
            long held = api.adminClaims(drop).stream().map(c -> c.path("customerId").asText()).filter("hammer"::equals).count();
            System.out.printf("OverloadIT: one customer, 60 claims back to back: %s; units held %d%n", rapid, held);
            checks.check(rapid.getOrDefault("429 rate-limited", 0L) > 0, "a customer faster than allowed was rate-limited");
            checks.check(held == 1, "and still holds exactly one unit");
            checks.assertAllHold();
        }
    }
}
