package io.dropwise.runtime.e2e;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.dropwise.testkit.ThrowawayPostgres;

/**
 * Two server instances on one PostgreSQL database ({@link ThrowawayPostgres}; the tests are reported skipped,
 * with the install command, where PostgreSQL is not installed). The database arbitrates between them: the stock
 * of a drop is exact across instances, and a claim retried on the other instance gets the first claim id back.
 * The bursts are {@link StockBurst}'s, with each customer's first claim sent to one instance and the retry to the
 * other; both instances' admin stats and {@code /api/v1/me/claims} must agree with the answers.
 *
 * <ul>
 * <li>Instance B started once instance A is ready (A migrated the schema): 2,000 customers, 500 units.</li>
 * <li>Both launched at once on an empty database (the migration lock decides who migrates): 5,000 customers,
 * 1,000 units.</li>
 * </ul>
 */
@Timeout(180)
class TwoInstancesOnPostgresIT {

    private static final Duration START_BUDGET = Duration.ofSeconds(60);
    private static final Duration API_BUDGET = Duration.ofSeconds(30);
    private static final Pattern MIGRATED = Pattern.compile("Database schema migrated to version (\\d+) ");
    private static final Pattern STORE_READY = Pattern.compile("Store ready: (\\w+), schema version (\\d+)");

    /** One PostgreSQL server for the class, started by the first test; each test has its own database. */
    private static ThrowawayPostgres pg;

    @RegisterExtension
    final KeepLogsOnFailure logs = new KeepLogsOnFailure();

    @BeforeEach
    void postgres() {
        ThrowawayPostgres.assumeAvailable();
        if (pg == null) {
            pg = ThrowawayPostgres.start();
        }
    }

    @AfterAll
    static void stopPostgres() {
        if (pg != null) {
            pg.close();
            pg = null;
        }
    }

    private DropwiseServer.Builder instance(String name, String jdbcUrl, String secret) {
        return DropsClient.configure(DropwiseServer.builder().name(name).keepLogsWith(logs), secret)
                .env("DROPWISE_JDBC_URL", jdbcUrl)
                .env("DROPWISE_JDBC_USER", pg.user())
                .env("DROPWISE_JDBC_PASSWORD", pg.password());
    }

    @Test
    void twoInstancesShareFiveHundredUnitsAmongTwoThousandCustomersExactly() throws Exception {
        String secret = DropsClient.newTokenSecret();
        String url = pg.createDatabase("one_after_other");
        try (DropwiseServer a = instance("instance-a", url, secret).start()) {
            Duration readyA = a.awaitReady(START_BUDGET);
            new DropsClient(a, secret).awaitApi(API_BUDGET);
            try (DropwiseServer b = instance("instance-b", url, secret).start()) {
                Duration readyB = b.awaitReady(START_BUDGET);
                new DropsClient(b, secret).awaitApi(API_BUDGET);
                System.out.printf("TwoInstancesOnPostgresIT: instance A ready %d ms after launch, then instance B %d ms after its launch%n",
                        readyA.toMillis(), readyB.toMillis());
                assertSchemaMigratedOnce("one_after_other", a, b);
                assertTrue(migrations(b).isEmpty(), "instance B, started on a migrated database, migrated it again: "
                        + migrations(b) + "\n" + b.serverLog());

                new StockBurst("TwoInstancesOnPostgresIT", StockBurstIT.STOCK, StockBurstIT.CUSTOMERS, StockBurstIT.BURST_BUDGET)
                        .run(secret, List.of(a, b));
            }
        }
    }

    /**
     * Both instances launched at once on an empty database: they race to migrate it (the migration lock must make
     * one of them do it and the other find it done), then share a stock of 1,000 among 5,000 customers.
     */
    @Test
    void twoInstancesStartedAtOnceMigrateOnceAndShareAThousandUnitsAmongFiveThousandCustomersExactly() throws Exception {
        String secret = DropsClient.newTokenSecret();
        String url = pg.createDatabase("at_once");
        try (DropwiseServer a = instance("instance-a", url, secret).start();
                DropwiseServer b = instance("instance-b", url, secret).start()) {
            Duration readyA = a.awaitReady(START_BUDGET);
            Duration readyB = b.awaitReady(START_BUDGET);
            new DropsClient(a, secret).awaitApi(API_BUDGET);
            new DropsClient(b, secret).awaitApi(API_BUDGET);
            System.out.printf("TwoInstancesOnPostgresIT: launched at once, instance A ready after %d ms, instance B after %d ms; "
                    + "migrations logged by A: %s, by B: %s%n", readyA.toMillis(), readyB.toMillis(), migrations(a), migrations(b));
            assertSchemaMigratedOnce("at_once", a, b);

            new StockBurst("TwoInstancesOnPostgresIT", 1_000, 5_000, Duration.ofSeconds(120)).run(secret, List.of(b, a));
        }
    }

    // ---------------------------------------------------------------- the schema

    /**
     * Checks that the database holds the schema versions 1..n once each, that every version was migrated by
     * exactly one of the servers (per their logs), and that every server's store is PostgreSQL at version n.
     */
    private static void assertSchemaMigratedOnce(String database, DropwiseServer... servers) {
        String rows = pg.psql(database, "SELECT version FROM dropwise_schema ORDER BY version");
        List<Integer> versions = rows.lines().map(String::strip).filter(l -> !l.isEmpty()).map(Integer::valueOf).toList();
        List<Integer> migrated = new ArrayList<>();
        for (DropwiseServer s : servers) {
            migrated.addAll(migrations(s));
        }
        migrated.sort(null);
        int latest = versions.isEmpty() ? 0 : versions.get(versions.size() - 1);
        System.out.printf("TwoInstancesOnPostgresIT: database %s holds schema versions %s; the servers migrated %s%n",
                database, versions, migrated);
        List<org.junit.jupiter.api.function.Executable> checks = new ArrayList<>();
        checks.add(() -> assertEquals(IntStream.rangeClosed(1, latest).boxed().toList(), versions,
                "versions in dropwise_schema (expected 1.." + latest + ", each once)"));
        checks.add(() -> assertTrue(latest >= 1, "no schema version in dropwise_schema"));
        checks.add(() -> assertEquals(versions, migrated, "schema versions migrated by the servers, per their logs "
                + "(each exactly once, by one of them)"));
        for (DropwiseServer s : servers) {
            checks.add(() -> assertStoreIs("POSTGRESQL", s));
            checks.add(() -> assertTrue(s.serverLog().contains("Store ready: POSTGRESQL, schema version " + latest),
                    s.name() + " does not say its store is at schema version " + latest + ":\n" + storeLines(s)));
        }
        assertAll(checks);
    }

    /** @return the schema versions this server's log says it migrated */
    private static List<Integer> migrations(DropwiseServer server) {
        List<Integer> versions = new ArrayList<>();
        Matcher m = MIGRATED.matcher(server.serverLog());
        while (m.find()) {
            versions.add(Integer.valueOf(m.group(1)));
        }
        return versions;
    }

    /** Checks that the server's log says its store is ready on this dialect (and not, say, on the embedded H2). */
    static void assertStoreIs(String dialect, DropwiseServer server) {
        Matcher m = STORE_READY.matcher(server.serverLog());
        List<String> stores = new ArrayList<>();
        while (m.find()) {
            stores.add(m.group(1));
        }
        assertEquals(List.of(dialect), stores, server.name() + ": the store the log says is ready:\n" + storeLines(server));
    }

    private static String storeLines(DropwiseServer server) {
        return server.serverLog().lines().filter(l -> l.contains("io.dropwise.store") || l.contains("ERROR"))
                .collect(Collectors.joining("\n"));
    }
}
