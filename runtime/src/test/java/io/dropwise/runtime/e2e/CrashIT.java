package io.dropwise.runtime.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The server is killed ({@code kill -9}) in the middle of a burst of claims and restarted on the
 * same data folder: every claim it confirmed is still there, none twice, the counts agree, and the
 * customers left can go on claiming, never beyond the stock.
 */
@Timeout(120)
class CrashIT {

    private static final int STOCK = 300;
    private static final int CUSTOMERS = 600;
    private static final int CONCURRENCY = 64;
    /** The server is killed as soon as this many claims have been confirmed (201). */
    private static final int KILL_AFTER = 100;
    private static final Duration BURST_BUDGET = Duration.ofSeconds(30);

    @RegisterExtension
    final KeepLogsOnFailure logs = new KeepLogsOnFailure();

    @TempDir
    Path dataDir;

    private record Customer(String id, String token, String key) {
    }

    /** The answer to a claim: an HTTP status and body, or ({@code status} 0) the error that stood for it. */
    private record Answer(int status, String problem, String claimId, boolean replayed, String text) {

        @Override
        public String toString() {
            return status == 0 ? "no answer: " + text : "HTTP " + status + " " + text;
        }
    }

    @Test
    void confirmedClaimsSurviveAKillAndClaimingGoesOnAfterARestart() throws Exception {
        crashAndRestart(name -> DropwiseServer.builder().name(name).dataDir(dataDir));
    }

    @Test
    void onPostgresToo() throws Exception {
        io.dropwise.testkit.ThrowawayPostgres.assumeAvailable();
        try (io.dropwise.testkit.ThrowawayPostgres pg = io.dropwise.testkit.ThrowawayPostgres.start()) {
            String url = pg.createDatabase("crash");
            crashAndRestart(name -> DropwiseServer.builder().name(name + "-pg").dataDir(dataDir).env("DROPWISE_JDBC_URL", url)
                    .env("DROPWISE_JDBC_USER", pg.user()).env("DROPWISE_JDBC_PASSWORD", pg.password()));
        }
    }

    /** The burst, the kill, the restart, the checks; {@code servers} makes a server's builder from its name. */
    private void crashAndRestart(java.util.function.Function<String, DropwiseServer.Builder> servers) throws Exception {
        String secret = DropsClient.newTokenSecret();
        Random random = new Random(7);
        List<Customer> customers = new ArrayList<>();
        for (int i = 0; i < CUSTOMERS; i++) {
            customers.add(new Customer(String.format("crash-%03d", i), null, UUID.randomUUID().toString()));
        }
        Map<String, Answer> beforeKill = new ConcurrentHashMap<>();
        String dropId;
        int confirmed;

        // ---- a burst, cut short by SIGKILL
        try (DropwiseServer server = DropsClient.configure(servers.apply("before-kill")
                .keepLogsWith(logs), secret).start()) {
            server.awaitReady(Duration.ofSeconds(30));
            DropsClient api = new DropsClient(server, secret);
            api.awaitApi(Duration.ofSeconds(20));
            Map<String, Object> spec = new LinkedHashMap<>();
            spec.put("title", "Crash");
            spec.put("reward", "A pair of headphones");
            spec.put("kind", "stock");
            spec.put("stock", STOCK);
            spec.put("opensAt", DropsClient.inMillis(Duration.ofMinutes(-1)).toString());
            spec.put("tierOffsets", Map.of("employee", "PT0S", "vip", "PT0S", "standard", "PT0S"));
            dropId = api.createDrop(spec).path("id").asText();
            customers.replaceAll(c -> new Customer(c.id(), api.token(c.id(), DropsClient.TIERS.get(random.nextInt(3))), c.key()));
            Collections.shuffle(customers, random);

            CountDownLatch enoughConfirmed = new CountDownLatch(KILL_AFTER);
            ExecutorService pool = Executors.newFixedThreadPool(CONCURRENCY);
            try {
                for (Customer c : customers) {
                    pool.execute(() -> {
                        Answer answer = claim(api, dropId, c);
                        beforeKill.put(c.id(), answer);
                        if (answer.status() == 201) {
                            enoughConfirmed.countDown();
                        }
                    });
                }
                assertTrue(enoughConfirmed.await(BURST_BUDGET.toSeconds(), TimeUnit.SECONDS),
                        "fewer than " + KILL_AFTER + " claims confirmed within " + BURST_BUDGET + ": " + count(beforeKill));
                DropwiseServer.Exit exit = server.kill();
                System.out.printf("CrashIT: SIGKILL after %d confirmed claims (answers so far: %s); exit code %d after %d ms%n",
                        KILL_AFTER, count(beforeKill), exit.exitCode(), exit.took().toMillis());
                pool.shutdown();
                assertTrue(pool.awaitTermination(BURST_BUDGET.toSeconds(), TimeUnit.SECONDS), "the burst did not end after the kill");
            } finally {
                pool.shutdownNow();
            }
        }
        assertEquals(CUSTOMERS, beforeKill.size(), "answers (or errors) of the burst");
        List<String> wrongBeforeKill = beforeKill.entrySet().stream()
                .filter(e -> e.getValue().status() != 0 && !isClaimed(e.getValue()) && !isSoldOut(e.getValue()))
                .map(e -> e.getKey() + ": " + e.getValue()).sorted().toList();
        assertTrue(wrongBeforeKill.isEmpty(), "answers other than 201 claimed / 409 sold-out before the kill:\n"
                + wrongBeforeKill.stream().limit(10).collect(Collectors.joining("\n")));
        confirmed = (int) beforeKill.values().stream().filter(CrashIT::isClaimed).count();
        long unanswered = beforeKill.values().stream().filter(a -> a.status() == 0).count();
        assertTrue(unanswered > 0, "the kill came after the burst: every claim was answered");

        // ---- restart on the same data
        try (DropwiseServer server = DropsClient.configure(servers.apply("after-kill")
                .keepLogsWith(logs), secret).start()) {
            server.awaitReady(Duration.ofSeconds(30));
            DropsClient api = new DropsClient(server, secret);
            api.awaitApi(Duration.ofSeconds(20));

            Map<String, List<JsonNode>> held = heldClaims(api, dropId, customers);
            List<String> lost = new ArrayList<>();
            List<String> wrong = new ArrayList<>();
            Set<String> claimIds = new HashSet<>();
            int listed = 0;
            for (Customer c : customers) {
                Answer answer = beforeKill.get(c.id());
                List<JsonNode> mine = held.get(c.id());
                listed += mine.size();
                mine.forEach(h -> claimIds.add(h.path("claimId").asText()));
                if (mine.size() > 1) {
                    wrong.add(c.id() + " holds " + mine.size() + " units: " + mine);
                } else if (isClaimed(answer) && (mine.isEmpty() || !answer.claimId().equals(mine.get(0).path("claimId").asText()))) {
                    lost.add(c.id() + " was confirmed claim " + answer.claimId() + " before the kill but holds " + mine);
                } else if (isSoldOut(answer) && !mine.isEmpty()) {
                    wrong.add(c.id() + " was told sold-out but holds " + mine);
                }
            }
            JsonNode stats = api.adminDrop(dropId).path("stats");
            System.out.printf("CrashIT: after the restart: %d confirmed before the kill, %d unanswered; %d claims listed "
                    + "(%d distinct), stats %s%n", confirmed, unanswered, listed, claimIds.size(), stats);
            assertTrue(lost.isEmpty(), lost.size() + " confirmed claims lost by the kill, e.g.:\n"
                    + lost.stream().limit(10).collect(Collectors.joining("\n")));
            assertTrue(wrong.isEmpty(), wrong.size() + " customers hold the wrong units, e.g.:\n"
                    + wrong.stream().limit(10).collect(Collectors.joining("\n")));
            assertEquals(listed, claimIds.size(), "claim ids listed twice");
            assertTrue(claimIds.size() <= STOCK, claimIds.size() + " units handed out of " + STOCK);
            assertEquals(claimIds.size(), stats.path("claimed").asInt(-1), "stats.claimed against the claims listed: " + stats);
            assertEquals(STOCK - claimIds.size(), stats.path("remaining").asInt(-1), "stats.remaining: " + stats);

            // ---- everybody without a confirmed unit retries with the same key, at once
            List<Customer> retrying = customers.stream().filter(c -> !isClaimed(beforeKill.get(c.id()))).toList();
            Map<String, Answer> retries = new ConcurrentHashMap<>();
            DropsClient.runAll(CONCURRENCY, BURST_BUDGET, retrying.stream()
                    .<Runnable>map(c -> () -> retries.put(c.id(), claim(api, dropId, c))).toList());
            int created = 0;
            int replayed = 0;
            int soldOut = 0;
            List<String> wrongRetries = new ArrayList<>();
            for (Customer c : retrying) {
                Answer retry = retries.get(c.id());
                List<JsonNode> before = held.get(c.id());
                if (!before.isEmpty()) {
                    // the unanswered claim had been written: the retry must find it
                    if (isClaimed(retry) && retry.replayed() && retry.claimId().equals(before.get(0).path("claimId").asText())) {
                        replayed++;
                    } else {
                        wrongRetries.add(c.id() + " holds " + before + " but its retry got " + retry);
                    }
                } else if (isClaimed(retry) && !retry.replayed()) {
                    created++;
                } else if (isSoldOut(retry)) {
                    soldOut++;
                } else {
                    wrongRetries.add(c.id() + " (no unit) retried and got " + retry);
                }
            }
            System.out.printf("CrashIT: %d retries after the restart: %d new claims, %d replays of claims written before the kill, "
                    + "%d sold out, %d wrong%n", retrying.size(), created, replayed, soldOut, wrongRetries.size());
            assertTrue(wrongRetries.isEmpty(), wrongRetries.size() + " wrong answers to retries, e.g.:\n"
                    + wrongRetries.stream().limit(10).collect(Collectors.joining("\n")));
            assertEquals(STOCK, claimIds.size() + created, "units handed out in all (before the kill + after the restart)");

            Map<String, List<JsonNode>> finalHeld = heldClaims(api, dropId, customers);
            Set<String> finalIds = new HashSet<>();
            int finalListed = 0;
            for (Customer c : customers) {
                List<JsonNode> mine = finalHeld.get(c.id());
                assertTrue(mine.size() <= 1, c.id() + " holds " + mine);
                finalListed += mine.size();
                mine.forEach(h -> finalIds.add(h.path("claimId").asText()));
            }
            JsonNode finalStats = api.adminDrop(dropId).path("stats");
            System.out.printf("CrashIT: in the end %d units listed (%d distinct), stats %s%n", finalListed, finalIds.size(), finalStats);
            assertEquals(STOCK, finalListed, "units listed by /api/v1/me/claims in the end");
            assertEquals(STOCK, finalIds.size(), "distinct claims in the end");
            assertTrue(finalIds.containsAll(claimIds), "the claims held after the restart are still held");
            assertEquals(STOCK, finalStats.path("claimed").asInt(-1), "stats.claimed in the end: " + finalStats);
            assertEquals(0, finalStats.path("remaining").asInt(-1), "stats.remaining in the end: " + finalStats);
        }
    }

    private static Map<String, List<JsonNode>> heldClaims(DropsClient api, String dropId, List<Customer> customers)
            throws InterruptedException {
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
        return held;
    }

    private static boolean isClaimed(Answer a) {
        return a.status() == 201 && a.claimId() != null && !a.claimId().isEmpty();
    }

    private static boolean isSoldOut(Answer a) {
        return a.status() == 409 && a.problem().equals("sold-out");
    }

    private static String count(Map<String, Answer> answers) {
        Map<String, Long> byKind = answers.values().stream().collect(Collectors.groupingBy(
                a -> a.status() == 0 ? "no answer" : a.status() + (a.problem().isEmpty() ? "" : " " + a.problem()),
                java.util.TreeMap::new, Collectors.counting()));
        return byKind.toString();
    }

    private static Answer claim(DropsClient api, String dropId, Customer c) {
        try {
            HttpResponse<String> response = api.claim(c.token(), dropId, c.key());
            JsonNode body = api.body(response);
            String claimId = response.statusCode() == 201 && body.path("status").asText().equals("claimed")
                    && body.path("dropId").asText().equals(dropId) ? body.path("claimId").asText(null) : null;
            return new Answer(response.statusCode(), api.problem(response), claimId, DropsClient.replayed(response), response.body());
        } catch (IOException e) {
            return new Answer(0, "", null, false, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Answer(0, "", null, false, e.toString());
        }
    }
}
