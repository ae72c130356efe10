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

import org.junit.jupiter.api.function.Executable;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A stock drop under a burst, on one server or on several servers sharing one database: {@code customers}
 * customers claim {@code stock} units at once over a pool of keep-alive connections, a quarter of them
 * sending their claim twice with the same Idempotency-Key. Exactly {@code stock} customers get a unit, once
 * each; everybody else is told it is sold out; the store agrees.
 *
 * <p>With several servers, the drop is created through the first one; each customer sends their first claim
 * to a server picked at random (seeded), and their retry to the next server in the list, i.e. never to the one
 * that got the first attempt. The retry must then be answered with the first claim id by the other server. Every
 * server's admin stats and every server's {@code /api/v1/me/claims} are checked, and every server must have
 * handed out units itself.
 *
 * <p>Used by {@link StockBurstIT} (H2), {@link PostgresStockBurstIT} and {@link TwoInstancesOnPostgresIT}.
 */
final class StockBurst {

    /** Every RETRY_EVERY-th customer sends their claim twice with the same key. */
    static final int RETRY_EVERY = 4;
    static final int CONCURRENCY = 64;

    /** How a customer repeats their claim: not at all, at the same time as the first, or right after its answer. */
    private enum Retry {
        NONE, CONCURRENT, AFTER_ANSWER
    }

    /** A customer; {@code first} and {@code again} are the servers (indexes) of the first claim and of the retry. */
    private record Customer(String id, String tier, String token, String key, Retry retry, int first, int again) {
    }

    /** One answer to a claim, from server {@code via}; {@code error} is set (and nothing else) when no HTTP answer came. */
    private record Answer(String via, int status, String problem, JsonNode body, boolean replayed, String error) {

        String claimId() {
            return body == null ? null : body.path("claimId").asText(null);
        }

        @Override
        public String toString() {
            return (error != null ? "no answer: " + error
                    : "HTTP " + status + (problem.isEmpty() ? "" : " " + problem) + (replayed ? " (replayed)" : "") + " " + body)
                    + " via " + via;
        }
    }

    private final String label;
    private final int stock;
    private final int customerCount;
    private final Duration budget;

    /**
     * @param label what the printed counts start with (the test class)
     * @param stock units of the drop
     * @param customers customers claiming, one claim each (a quarter of them send it twice)
     * @param budget how long the burst (and, separately, the reading of everybody's claims) may take
     */
    StockBurst(String label, int stock, int customers, Duration budget) {
        this.label = label;
        this.stock = stock;
        this.customerCount = customers;
        this.budget = budget;
    }

    /**
     * Creates the drop through the first server, runs the burst over all of them and checks the answers, every
     * server's admin stats and everybody's claims as every server lists them. The servers must be ready, their
     * APIs up ({@link DropsClient#awaitApi(Duration)}), all started with {@code tokenSecret}.
     */
    void run(String tokenSecret, List<DropwiseServer> servers) throws Exception {
        int n = servers.size();
        List<DropsClient> apis = servers.stream().map(s -> new DropsClient(s, tokenSecret)).toList();
        List<String> names = servers.stream().map(DropwiseServer::name).toList();
        if (names.stream().distinct().count() != n) {
            throw new IllegalArgumentException("the servers of a burst need distinct names: " + names);
        }
        DropsClient api = apis.get(0);

        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("title", "Burst");
        spec.put("reward", "A concert ticket");
        spec.put("kind", "stock");
        spec.put("stock", stock);
        spec.put("opensAt", DropsClient.inMillis(Duration.ofMinutes(-1)).toString());
        spec.put("tierOffsets", Map.of("employee", "PT0S", "vip", "PT0S", "standard", "PT0S"));
        String dropId = api.createDrop(spec).path("id").asText();

        Random random = new Random(42);
        Random routing = new Random(7); // its own generator: the customers are the same whatever the number of servers
        List<Customer> customers = new ArrayList<>();
        for (int i = 0; i < customerCount; i++) {
            String id = String.format("burst-%04d", i);
            String tier = DropsClient.TIERS.get(random.nextInt(DropsClient.TIERS.size()));
            Retry retry = i % RETRY_EVERY != 0 ? Retry.NONE : (i / RETRY_EVERY) % 2 == 0 ? Retry.CONCURRENT : Retry.AFTER_ANSWER;
            int first = n == 1 ? 0 : routing.nextInt(n);
            customers.add(new Customer(id, tier, api.token(id, tier), UUID.randomUUID().toString(), retry, first, (first + 1) % n));
        }
        Collections.shuffle(customers, random);

        Map<String, List<Answer>> answers = new ConcurrentHashMap<>();
        customers.forEach(c -> answers.put(c.id(), Collections.synchronizedList(new ArrayList<>())));
        List<Runnable> requests = new ArrayList<>();
        for (Customer c : customers) {
            requests.add(() -> {
                answers.get(c.id()).add(claim(apis.get(c.first()), names.get(c.first()), dropId, c));
                if (c.retry() == Retry.AFTER_ANSWER) {
                    answers.get(c.id()).add(claim(apis.get(c.again()), names.get(c.again()), dropId, c));
                }
            });
            if (c.retry() == Retry.CONCURRENT) {
                // queued right behind the first: another thread sends it while the first is on its way
                requests.add(() -> answers.get(c.id()).add(claim(apis.get(c.again()), names.get(c.again()), dropId, c)));
            }
        }
        int requestCount = (int) (customerCount + customers.stream().filter(c -> c.retry() != Retry.NONE).count());
        Duration took = DropsClient.runAll(CONCURRENCY, budget, requests);

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
        System.out.printf("%s: %d customers sent %d claims (%d threads) in %d ms: %d claimed, %d sold out, "
                + "%d idempotent replays (%d customers with a wrong replay), %d failed (5xx or no answer), "
                + "%d customers with wrong answers%n", label, customerCount, requestCount, CONCURRENCY, took.toMillis(), winners.size(),
                soldOut.size(), replays, badReplays.size(), failures, wrong.size());

        // ---- with several servers: each of them took claims and handed out units
        List<String> idleServers = new ArrayList<>();
        if (n > 1) {
            long twice = customers.stream().filter(c -> c.retry() != Retry.NONE && winners.containsKey(c.id())).count();
            System.out.printf("%s: %d winners sent their claim twice, the second time to another server than the first: "
                    + "%d replays of the first claim id (%d wrong)%n", label, twice, replays, badReplays.size());
            for (int i = 0; i < n; i++) {
                String name = names.get(i);
                List<Answer> via = answers.values().stream().flatMap(List::stream).filter(a -> a.via().equals(name)).toList();
                long created = via.stream().filter(a -> a.status() == 201 && !a.replayed()).count();
                System.out.printf("%s: %s answered %d claims: %d new units, %d replays, %d sold-out, %d other%n", label, name,
                        via.size(), created, via.stream().filter(a -> a.status() == 201 && a.replayed()).count(),
                        via.stream().filter(a -> a.status() == 409 && a.problem().equals("sold-out")).count(),
                        via.stream().filter(a -> a.status() != 201 && !(a.status() == 409 && a.problem().equals("sold-out"))).count());
                if (created == 0) {
                    idleServers.add(name + " handed out no unit itself (" + via.size() + " claims answered)");
                }
            }
        }

        // ---- what the store says, through every server
        List<JsonNode> allStats = new ArrayList<>();
        List<Integer> perTierTotals = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            JsonNode stats = apis.get(i).adminDrop(dropId).path("stats");
            System.out.printf("%s: admin stats of %s%s: %s%n", label, dropId, n > 1 ? " on " + names.get(i) : "", stats);
            int perTierTotal = 0;
            for (JsonNode t : stats.path("perTier")) {
                perTierTotal += t.asInt();
            }
            allStats.add(stats);
            perTierTotals.add(perTierTotal);
        }

        List<String> disagreements = new ArrayList<>();
        List<Integer> unitsHeld = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            DropsClient on = apis.get(i);
            String where = n > 1 ? " (on " + names.get(i) + ")" : "";
            Map<String, List<JsonNode>> held = new ConcurrentHashMap<>();
            DropsClient.runAll(CONCURRENCY, budget, customers.stream().<Runnable>map(c -> () -> {
                try {
                    held.put(c.id(), on.claimsOn(dropId, c.token()));
                } catch (IOException e) {
                    throw new AssertionError("GET /api/v1/me/claims for " + c.id() + where + ": " + e, e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError(e);
                }
            }).toList());
            int units = 0;
            for (Customer c : customers) {
                List<JsonNode> claims = held.get(c.id());
                units += claims.size();
                String claimId = winners.get(c.id());
                if (claimId == null && !claims.isEmpty()) {
                    disagreements.add(c.id() + " was not given a unit but holds " + claims + where);
                } else if (claimId != null && (claims.size() != 1 || !claimId.equals(claims.get(0).path("claimId").asText())
                        || !claims.get(0).path("status").asText().equals("claimed"))) {
                    disagreements.add(c.id() + " was given claim " + claimId + " but holds " + claims + where);
                }
            }
            System.out.printf("%s: /me/claims of all %d customers lists %d units on %s%s%n", label, customerCount, units, dropId, where);
            unitsHeld.add(units);
        }

        int failed = failures;
        List<Executable> checks = new ArrayList<>(List.of(
                () -> assertTrue(wrong.isEmpty(), wrong.size() + " customers got wrong answers, e.g.:\n"
                        + wrong.stream().limit(10).collect(Collectors.joining("\n"))),
                () -> assertTrue(badReplays.isEmpty(), badReplays.size() + " winners got a wrong answer to a retry, e.g.:\n"
                        + badReplays.stream().limit(10).collect(Collectors.joining("\n"))),
                () -> assertEquals(0, failed, "claims answered 5xx or not at all"),
                () -> assertEquals(stock, winners.size(), "customers who got a unit"),
                () -> assertEquals(customerCount - stock, soldOut.size(), "customers told sold-out"),
                () -> assertEquals(winners.size(), winners.values().stream().distinct().count(), "distinct claim ids among the winners")));
        for (int i = 0; i < n; i++) {
            JsonNode stats = allStats.get(i);
            int tiers = perTierTotals.get(i);
            int units = unitsHeld.get(i);
            String where = n > 1 ? " on " + names.get(i) : "";
            checks.add(() -> assertEquals(stock, stats.path("claimed").asInt(-1), "stats.claimed" + where + ": " + stats));
            checks.add(() -> assertEquals(0, stats.path("remaining").asInt(-1), "stats.remaining" + where + ": " + stats));
            checks.add(() -> assertEquals(stock, tiers, "sum of stats.perTier" + where + ": " + stats));
            checks.add(() -> assertEquals(stock, units, "units listed by /api/v1/me/claims" + where));
        }
        checks.add(() -> assertTrue(disagreements.isEmpty(), disagreements.size() + " customers' claims disagree with their answers, e.g.:\n"
                + disagreements.stream().limit(10).collect(Collectors.joining("\n"))));
        checks.add(() -> assertTrue(idleServers.isEmpty(), "the burst did not share the stock between the servers: "
                + String.join("; ", idleServers)));
        assertAll(checks);
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

    private static Answer claim(DropsClient api, String via, String dropId, Customer c) {
        try {
            HttpResponse<String> response = api.claim(c.token(), dropId, c.key());
            return new Answer(via, response.statusCode(), api.problem(response), api.body(response), DropsClient.replayed(response), null);
        } catch (IOException e) {
            return new Answer(via, 0, "", null, false, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Answer(via, 0, "", null, false, e.toString());
        }
    }
}
