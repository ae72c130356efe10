package io.dropwise.runtime.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.dropwise.runtime.e2e.ClaimLoad.Attempt;
import io.dropwise.testkit.ThrowawayPostgres;

/**
 * Game day: the claims bundle is stopped in the middle of a drop (as an operator would, from the Web
 * Console's Bundles page) and started again {@value #STOPPED_SECONDS} s later, while customers keep
 * claiming. Invariants: while it is stopped claims answer 503 {@code unavailable} with
 * {@code Retry-After} (never a 404 or a 500), the rest of the server serves on
 * ({@code GET /api/v1/status}); once started, claims get units again without anything else done;
 * every claim that got 201 is stored once, retries with the same key end with one unit each,
 * nothing is oversold. On H2 and on a throwaway PostgreSQL.
 */
@Timeout(240)
class ClaimsRestartGameDayIT {

    static final String CLAIMS = "io.dropwise.claims";
    static final int STOPPED_SECONDS = 5;
    static final int STOCK = 100_000;

    @RegisterExtension
    final KeepLogsOnFailure logs = new KeepLogsOnFailure();

    private final String secret = DropsClient.newTokenSecret();

    @Test
    void onH2() throws Exception {
        try (DropwiseServer server = DropsClient.configure(DropwiseServer.builder().name("claims-restart-h2").keepLogsWith(logs), secret).start()) {
            gameDay("H2", server);
        }
    }

    @Test
    void onPostgres() throws Exception {
        ThrowawayPostgres.assumeAvailable();
        try (ThrowawayPostgres pg = ThrowawayPostgres.start()) {
            String url = pg.createDatabase("claimsrestart");
            try (DropwiseServer server = DropsClient.configure(DropwiseServer.builder().name("claims-restart-pg").keepLogsWith(logs), secret)
                    .env("DROPWISE_JDBC_URL", url).env("DROPWISE_JDBC_USER", pg.user()).env("DROPWISE_JDBC_PASSWORD", pg.password()).start()) {
                gameDay("PostgreSQL", server);
            }
        }
    }

    private void gameDay(String store, DropwiseServer server) throws Exception {
        String tag = "ClaimsRestartGameDayIT[" + store + "]: ";
        server.awaitReady(Duration.ofSeconds(30));
        DropsClient api = new DropsClient(server, secret);
        api.awaitApi(Duration.ofSeconds(20));
        String drop = api.createDrop(DropsClient.openStockDrop("ClaimsRestart drop", STOCK)).path("id").asText();

        ClaimLoad load = new ClaimLoad(api, drop, "restart", 6, 30);
        Thread.sleep(3_000);
        long stopped = load.now();
        HttpResponse<String> stop = server.postForm("/system/console/bundles/" + CLAIMS, Map.of("action", "stop"), "admin",
                DropsClient.ADMIN_PASSWORD);
        assertEquals(200, stop.statusCode(), "stopping " + CLAIMS + " from the console: " + stop.body());
        System.out.printf("%s+%d ms %s stopped from the console%n", tag, stopped, CLAIMS);
        int statusWhileStopped = -1;
        long deadline = System.nanoTime() + Duration.ofSeconds(STOPPED_SECONDS).toNanos();
        while (System.nanoTime() - deadline < 0) {
            statusWhileStopped = server.get("/api/v1/status").statusCode();
            Thread.sleep(250);
        }
        long started = load.now();
        HttpResponse<String> start = server.postForm("/system/console/bundles/" + CLAIMS, Map.of("action", "start"), "admin",
                DropsClient.ADMIN_PASSWORD);
        assertEquals(200, start.statusCode(), "starting " + CLAIMS + " again: " + start.body());
        System.out.printf("%s+%d ms %s started again%n", tag, started, CLAIMS);
        long recovered = -1;
        long recoverBy = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() - recoverBy < 0 && (recovered = load.firstCreatedAfter(started)) < 0) {
            Thread.sleep(100);
        }
        Thread.sleep(2_000);
        load.stop();

        Checks problems = new Checks("ClaimsRestartGameDayIT");
        List<Attempt> all = load.attempts();
        Map<String, Long> during = ClaimLoad.count(all.stream().filter(a -> a.sentMillis() >= stopped && a.sentMillis() < started).toList());
        System.out.printf("%s%d claims; before the stop %s; while stopped %s; after the start %s; GET /api/v1/status while stopped: %d; "
                + "first 201 after the start: %d ms after it%n", tag, all.size(), ClaimLoad.count(all.stream().filter(a -> a.sentMillis() < stopped)
                .toList()), during, ClaimLoad.count(all.stream().filter(a -> a.sentMillis() >= started).toList()), statusWhileStopped,
                recovered < 0 ? -1 : recovered - started);
        problems.check(all.stream().allMatch(a -> a.status() == 201 || (a.status() == 503 && a.problem().equals("unavailable") && a.retryAfter())),
                tag + "every answer is 201, or 503 unavailable with Retry-After (no 404, no 500, no lost connection)");
        problems.check(during.getOrDefault("503 unavailable", 0L) > 0, tag + "claims while the engine was stopped were answered 503");
        problems.check(statusWhileStopped == 200, tag + "the rest of the server served on (GET /api/v1/status " + statusWhileStopped + ")");
        problems.check(recovered > 0, tag + "claims got units again once the engine was started, with nothing else done");
        List<String> storeProblems = load.retryAndCheckStore(tag, STOCK);
        problems.check(storeProblems.isEmpty(), tag + "every claim answered 201 (first time or on retry) stored once, one unit per customer, "
                + "no oversell" + (storeProblems.isEmpty() ? "" : ": " + storeProblems));
        problems.assertAllHold();
    }

}
