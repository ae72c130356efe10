package io.dropwise.runtime.e2e;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A stock drop under a burst: 2,000 customers claim 500 units at once over a pool of keep-alive
 * connections, a quarter of them sending their claim twice with the same Idempotency-Key. Exactly
 * 500 customers get a unit, once each; everybody else is told it is sold out; the store agrees.
 */
@Timeout(120)
class StockBurstIT {

    private static final int STOCK = 500;
    private static final int CUSTOMERS = 2_000;
    /** Every RETRY_EVERY-th customer sends their claim twice with the same key. */
    private static final int RETRY_EVERY = 4;
    private static final int CONCURRENCY = 64;
    private static final Duration BURST_BUDGET = Duration.ofSeconds(60);

    @RegisterExtension
    final KeepLogsOnFailure logs = new KeepLogsOnFailure();

    /** How a customer repeats their claim: not at all, at the same time as the first, or right after its answer. */
    private enum Retry {
        NONE, CONCURRENT, AFTER_ANSWER
    }

    private record Customer(String id, String tier, String token, String key, Retry retry) {
    }

    /** One answer to a claim; {@code error} is set (and nothing else) when no HTTP answer came. */
    private record Answer(int status, String problem, JsonNode body, boolean replayed, String error) {

        String claimId() {
            return body == null ? null : body.path("claimId").asText(null);
        }

        @Override
        public String toString() {
            return error != null ? "no answer: " + error
                    : "HTTP " + status + (problem.isEmpty() ? "" : " " + problem) + (replayed ? " (replayed)" : "") + " " + body;
        }
    }

    @Test
    void twoThousandCustomersGetFiveHundredUnitsExactlyOnce() throws Exception {
        String secret = DropsClient.newTokenSecret();
        try (DropwiseServer server = DropsClient.configure(DropwiseServer.builder().name("burst").keepLogsWith(logs), secret).start()) {
            server.awaitReady(Duration.ofSeconds(30));
            DropsClient api = new DropsClient(server, secret);
            api.awaitApi(Duration.ofSeconds(20));

            Map<String, Object> spec = new LinkedHashMap<>();
            spec.put("title", "Burst");
            spec.put("reward", "A concert ticket");
            spec.put("kind", "stock");
            spec.put("stock", STOCK);
            spec.put("opensAt", DropsClient.inMillis(Duration.ofMinutes(-1)).toString());
            spec.put("tierOffsets", Map.of("employee", "PT0S", "vip", "PT0S", "standard", "PT0S"));
            String dropId = api.createDrop(spec).path("id").asText();

            Random random = new Random(42);
            List<Customer> customers = new ArrayList<>();
            for (int i = 0; i < CUSTOMERS; i++) {
                String id = String.format("burst-%04d", i);
                String tier = DropsClient.TIERS.get(random.nextInt(DropsClient.TIERS.size()));
                Retry retry = i % RETRY_EVERY != 0 ? Retry.NONE : (i / RETRY_EVERY) % 2 == 0 ? Retry.CONCURRENT : Retry.AFTER_ANSWER;
                customers.add(new Customer(id, tier, api.token(id, tier), UUID.randomUUID().toString(), retry));
            }
            Collections.shuffle(customers, random);

            Map<String, List<Answer>> answers = new ConcurrentHashMap<>();
            customers.forEach(c -> answers.put(c.id(), Collections.synchronizedList(new ArrayList<>())));
            List<Runnable> requests = new ArrayList<>();
            for (Customer c : customers) {
                requests.add(() -> {
                    answers.get(c.id()).add(claim(api, dropId, c));
                    if (c.retry() == Retry.AFTER_ANSWER) {
                        answers.get(c.id()).add(claim(api, dropId, c));
                    }
                });
                if (c.retry() == Retry.CONCURRENT) {
                    // queued right behind the first: another thread sends it while the first is on its way
                    requests.add(() -> answers.get(c.id()).add(claim(api, dropId, c)));
                }
            }
            int requestCount = (int) (CUSTOMERS + customers.stream().filter(c -> c.retry() != Retry.NONE).count());
            Duration took = DropsClient.runAll(CONCURRENCY, BURST_BUDGET, requests);

            // ---- what the customers were told
            Map<String, String> winners = new TreeMap<>(); // customer -> claimId
            List<String> soldOut = new ArrayList<>();
            List<String> wrong = new ArrayList<>();
            List<String> badReplays = new ArrayList<>();
            int replays = 0;
            int failures = 0;
            for (Customer c : customers) {
                List<Answer> mine = answers.get(c.id());
                int expected = c.retry() == Retry.NONE ? 1 : 2;
                failures += (int) mine.stream().filter(a -> a.error() != null || a.status() >= 500).count();
                if (mine.size() != expected) {
                    wrong.add(c.id() + ": " + mine.size() + " answers to " + expected + " requests: " + mine);
                } else if (mine.stream().allMatch(a -> a.status() == 201)) {
                    String verdict = checkUnit(mine, dropId);
                    if (verdict != null) {
                        wrong.add(c.id() + ": " + verdict + ": " + mine);
                    } else {
                        winners.put(c.id(), mine.get(0).claimId());
                        replays += (int) mine.stream().filter(Answer::replayed).count();
                        String replayVerdict = checkReplay(mine);
                        if (replayVerdict != null) {
                            badReplays.add(c.id() + ": " + replayVerdict + ": " + mine);
                        }
                    }
                } else if (mine.stream().allMatch(a -> a.status() == 409 && a.problem().equals("sold-out"))) {
                    soldOut.add(c.id());
                } else {
                    wrong.add(c.id() + ": " + mine);
                }
            }
            System.out.printf("StockBurstIT: %d customers sent %d claims (%d threads) in %d ms: %d claimed, %d sold out, "
                    + "%d idempotent replays (%d customers with a wrong replay), %d failed (5xx or no answer), "
                    + "%d customers with wrong answers%n", CUSTOMERS, requestCount, CONCURRENCY, took.toMillis(), winners.size(),
                    soldOut.size(), replays, badReplays.size(), failures, wrong.size());

            // ---- what the store says
            JsonNode stats = api.adminDrop(dropId).path("stats");
            System.out.printf("StockBurstIT: admin stats of %s: %s%n", dropId, stats);
            int perTierTotal = 0;
            for (JsonNode n : stats.path("perTier")) {
                perTierTotal += n.asInt();
            }

            Map<String, List<JsonNode>> held = new ConcurrentHashMap<>();
            DropsClient.runAll(CONCURRENCY, BURST_BUDGET, customers.stream().<Runnable>map(c -> () -> {
                try {
                    held.put(c.id(), api.claimsOn(dropId, c.token()));
                } catch (IOException e) {
                    throw new AssertionError("GET /api/v1/me/claims for " + c.id() + ": " + e, e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError(e);
                }
            }).toList());
            List<String> disagreements = new ArrayList<>();
            int unitsHeld = 0;
            for (Customer c : customers) {
                List<JsonNode> claims = held.get(c.id());
                unitsHeld += claims.size();
                String claimId = winners.get(c.id());
                if (claimId == null && !claims.isEmpty()) {
                    disagreements.add(c.id() + " was not given a unit but holds " + claims);
                } else if (claimId != null && (claims.size() != 1 || !claimId.equals(claims.get(0).path("claimId").asText())
                        || !claims.get(0).path("status").asText().equals("claimed"))) {
                    disagreements.add(c.id() + " was given claim " + claimId + " but holds " + claims);
                }
            }
            System.out.printf("StockBurstIT: /me/claims of all %d customers lists %d units on %s%n", CUSTOMERS, unitsHeld, dropId);

            int units = unitsHeld;
            int tiers = perTierTotal;
            int failed = failures;
            assertAll(
                    () -> assertTrue(wrong.isEmpty(), wrong.size() + " customers got wrong answers, e.g.:\n"
                            + wrong.stream().limit(10).collect(Collectors.joining("\n"))),
                    () -> assertTrue(badReplays.isEmpty(), badReplays.size() + " winners got a wrong answer to a retry, e.g.:\n"
                            + badReplays.stream().limit(10).collect(Collectors.joining("\n"))),
                    () -> assertEquals(0, failed, "claims answered 5xx or not at all"),
                    () -> assertEquals(STOCK, winners.size(), "customers who got a unit"),
                    () -> assertEquals(CUSTOMERS - STOCK, soldOut.size(), "customers told sold-out"),
                    () -> assertEquals(winners.size(), winners.values().stream().distinct().count(), "distinct claim ids among the winners"),
                    () -> assertEquals(STOCK, stats.path("claimed").asInt(-1), "stats.claimed: " + stats),
                    () -> assertEquals(0, stats.path("remaining").asInt(-1), "stats.remaining: " + stats),
                    () -> assertEquals(STOCK, tiers, "sum of stats.perTier: " + stats),
                    () -> assertTrue(disagreements.isEmpty(), disagreements.size() + " customers' claims disagree with their answers, e.g.:\n"
                            + disagreements.stream().limit(10).collect(Collectors.joining("\n"))),
                    () -> assertEquals(STOCK, units, "units listed by /api/v1/me/claims"));
        }
    }

    /** @return why the 201 answers of a customer do not give them one unit of the drop, or {@code null} when they do */
    private static String checkUnit(List<Answer> answers, String dropId) {
        Answer first = answers.get(0);
        if (first.claimId() == null || first.claimId().isEmpty()) {
            return "no claimId";
        }
        for (Answer a : answers) {
            if (!first.claimId().equals(a.claimId())) {
                return "two claim ids for one Idempotency-Key";
            }
            if (!a.body().path("status").asText().equals("claimed") || !a.body().path("dropId").asText().equals(dropId)) {
                return "not a claim of " + dropId + " with status claimed";
            }
        }
        return null;
    }

    /**
     * @return why the answers to a claim and its retry (same Idempotency-Key) are not one first answer
     *         and one replay of it, with the same body, or {@code null} when they are
     */
    private static String checkReplay(List<Answer> answers) {
        Answer first = answers.get(0);
        if (answers.stream().anyMatch(a -> !a.body().equals(first.body()))) {
            return "a retry with the same Idempotency-Key got a different body";
        }
        long fresh = answers.stream().filter(a -> !a.replayed()).count();
        if (fresh != 1) {
            return fresh + " answers without Idempotent-Replayed: true (expected exactly the one that took the unit)";
        }
        return null;
    }

    private static Answer claim(DropsClient api, String dropId, Customer c) {
        try {
            HttpResponse<String> response = api.claim(c.token(), dropId, c.key());
            return new Answer(response.statusCode(), api.problem(response), api.body(response), DropsClient.replayed(response), null);
        } catch (IOException e) {
            return new Answer(0, "", null, false, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Answer(0, "", null, false, e.toString());
        }
    }
}
