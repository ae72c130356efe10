package io.dropwise.runtime.e2e;


import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;


import io.dropwise.runtime.e2e.ClaimLoad.Attempt;
import io.dropwise.testkit.ThrowawayPostgres;

/**
 * Game day: the database goes away for {@value #OUTAGE_SECONDS} s in the middle of a drop, while
 * customers keep claiming: on PostgreSQL a real server is stopped and started again on the same
 * port; on embedded H2 the store is made to fail through {@code POST /admin/v1/faults}.
 * Invariants: during the outage claims answer 503 {@code unavailable} with {@code Retry-After}
 * (never a 500, never a hang past the engine's answer bound, most of them at once) and readiness
 * says not ready; the
 * server recovers by itself once the database is back; every claim that got 201 is stored once;
 * retried with the same {@code Idempotency-Key} after the outage, every claim that got 503 ends
 * with one unit (new or replayed), nobody holds two, and nothing is oversold.
 */
@Timeout(240)
class StoreOutageGameDayIT {

    static final int OUTAGE_SECONDS = 10;
    static final int STOCK = 100_000;
    static final int THREADS = 6;
    /** A claim may wait for its batch at most the engine's bound (10 s), plus slack. */
    static final long ANSWER_WITHIN_MILLIS = 15_000;

    @RegisterExtension
    final KeepLogsOnFailure logs = new KeepLogsOnFailure();

    private final String secret = DropsClient.newTokenSecret();

    /** How the store goes away and comes back. */
    interface Outage {
        void begin() throws Exception;

        /** Returns once the store is back. */
        void end() throws Exception;
    }

    @Test
    void onPostgresqlTheDatabaseServerIsStoppedForTenSecondsMidDrop() throws Exception {
        ThrowawayPostgres.assumeAvailable();
        try (ThrowawayPostgres pg = ThrowawayPostgres.start()) {
            String url = pg.createDatabase("outage");
            try (DropwiseServer server = DropsClient.configure(DropwiseServer.builder().name("store-outage-pg").keepLogsWith(logs), secret)
                    .env("DROPWISE_JDBC_URL", url).env("DROPWISE_JDBC_USER", pg.user()).env("DROPWISE_JDBC_PASSWORD", pg.password()).start()) {
                run("PostgreSQL", server, new Outage() {
                    @Override
                    public void begin() {
                        pg.suspend();
                    }

                    @Override
                    public void end() {
                        pg.resume();
                    }
                });
            }
        }
    }

    /**
     * Embedded H2 cannot be unplugged from outside the process, so the store is made to fail through
     * the fault-injection API: every call into {@code io.dropwise.store} fails as a lost connection
     * would, for {@value #OUTAGE_SECONDS} s, and the fault ends by itself.
     */
    @Test
    void onH2TheStoreFailsForTenSecondsMidDropThroughTheFaultApi() throws Exception {
        try (DropwiseServer server = DropsClient.configure(DropwiseServer.builder().name("store-outage-h2").keepLogsWith(logs), secret)
                .env("DROPWISE_FAULTS_ENABLED", "true").start()) {
            DropsClient api = new DropsClient(server, secret);
            run("H2", server, new Outage() {
                private String id;
                private long endsAt;

                @Override
                public void begin() throws Exception {
                    com.fasterxml.jackson.databind.JsonNode fault = api.injectFault(Map.of("bundle", "io.dropwise.store", "kind", "exception",
                            "seconds", OUTAGE_SECONDS));
                    id = fault.path("id").asText();
                    endsAt = System.nanoTime() + Duration.ofSeconds(OUTAGE_SECONDS).toNanos();
                }

                @Override
                public void end() throws Exception {
                    while (System.nanoTime() - endsAt < 0) { // the fault ends by itself: nobody ends it here
                        Thread.sleep(50);
                    }
                    long giveUp = System.nanoTime() + Duration.ofSeconds(5).toNanos();
                    while (api.adminGet("/admin/v1/faults/" + id).statusCode() != 404) {
                        if (System.nanoTime() - giveUp > 0) {
                            throw new AssertionError("fault " + id + " did not end by itself");
                        }
                        Thread.sleep(50);
                    }
                }
            });
        }
    }

    private void run(String storeName, DropwiseServer server, Outage outage) throws Exception {
        String name = "StoreOutageGameDayIT (" + storeName + ")";
        server.awaitReady(Duration.ofSeconds(30));
        DropsClient api = new DropsClient(server, secret);
        api.awaitApi(Duration.ofSeconds(20));
        String drop = api.createDrop(DropsClient.openStockDrop("StoreOutage drop", STOCK)).path("id").asText();

        ClaimLoad load = new ClaimLoad(api, drop, "outage", THREADS, 40);
        Thread.sleep(4_000);
        long down = load.now();
        outage.begin();
        System.out.printf("%s: +%d ms the store is down%n", name, down);
        int readyDuring = -1;
        long deadline = System.nanoTime() + Duration.ofSeconds(OUTAGE_SECONDS).toNanos();
        while (System.nanoTime() - deadline < 0) {
            int status = server.get("/system/health?tags=ready").statusCode();
            if (status == 503) {
                readyDuring = status;
            }
            Thread.sleep(500);
        }
        outage.end();
        long up = load.now();
        System.out.printf("%s: +%d ms the store is back; readiness during the outage: %d%n", name, up, readyDuring);
        long recoveredAt = -1;
        long recoverBy = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() - recoverBy < 0) {
            recoveredAt = load.firstCreatedAfter(up);
            if (recoveredAt > 0 && server.get("/system/health?tags=ready").statusCode() == 200) {
                break;
            }
            Thread.sleep(250);
        }
        Thread.sleep(3_000);
        load.stop();
        int readyAfter = server.get("/system/health?tags=ready").statusCode();

        // ------------------------------------------------------------ what the customers saw
        Checks problems = new Checks(name);
        List<Attempt> all = load.attempts();
        Map<String, Long> before = ClaimLoad.count(all.stream().filter(a -> a.sentMillis() < down).toList());
        Map<String, Long> during = ClaimLoad.count(all.stream().filter(a -> a.sentMillis() >= down && a.sentMillis() < up).toList());
        Map<String, Long> after = ClaimLoad.count(all.stream().filter(a -> a.sentMillis() >= up).toList());
        long maxMillis = all.stream().mapToLong(Attempt::millis).max().orElse(0);
        System.out.printf("%s: %d claims; before the outage %s; during %s; after %s; slowest answer %d ms; "
                + "first 201 after the restart: +%d ms (%d ms after it); readiness after: %d%n", name, all.size(), before, during, after,
                maxMillis, recoveredAt, recoveredAt - up, readyAfter);
        problems.check(all.stream().allMatch(a -> a.status() == 201 || (a.status() == 503 && a.problem().equals("unavailable")
                && a.retryAfter())), "every answer is 201, or 503 unavailable with Retry-After (no 500, no other error, no lost connection)");
        problems.check(during.getOrDefault("503 unavailable", 0L) > 0, "claims during the outage were answered 503");
        List<Long> outageMillis = all.stream().filter(a -> a.sentMillis() >= down && a.sentMillis() < up).map(Attempt::millis).sorted().toList();
        long outageP50 = outageMillis.isEmpty() ? -1 : outageMillis.get(outageMillis.size() / 2);
        System.out.printf("%s: answers during the outage: p50 %d ms, max %d ms%n", name, outageP50,
                outageMillis.isEmpty() ? -1 : outageMillis.get(outageMillis.size() - 1));
        problems.check(outageP50 >= 0 && outageP50 < 1_000, "during the outage most claims were answered at once (p50 " + outageP50
                + " ms): one write at a time waits for the database, the others do not hold a request thread");
        problems.check(maxMillis < ANSWER_WITHIN_MILLIS, "no claim waited more than " + ANSWER_WITHIN_MILLIS + " ms (slowest " + maxMillis + ")");
        problems.check(readyDuring == 503, "readiness said not ready during the outage");
        problems.check(recoveredAt > 0 && readyAfter == 200, "the server recovered by itself: 201 again and ready after the restart");

        // ------------------------------------------------------------ the store, after retrying the 503s with their keys
        List<String> store = load.retryAndCheckStore(name + ": ", STOCK);
        problems.check(store.isEmpty(), "every claim answered 201 (first time or on retry) is stored once, one unit per customer, "
                + "no oversell" + (store.isEmpty() ? "" : ": " + store));
        problems.assertAllHold();
    }

}
