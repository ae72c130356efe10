package io.dropwise.runtime.e2e;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.dropwise.testkit.ThrowawayPostgres;

/**
 * {@link StockBurstIT}'s burst on a server whose store is a real PostgreSQL 15 server
 * ({@link ThrowawayPostgres}; the test is reported skipped, with the install command, where PostgreSQL is
 * not installed): 2,000 customers, 500 units, a quarter of the claims sent twice with the same
 * Idempotency-Key; exactly 500 units handed out, once each, and the store agrees.
 */
@Timeout(120)
class PostgresStockBurstIT {

    @RegisterExtension
    final KeepLogsOnFailure logs = new KeepLogsOnFailure();

    @BeforeEach
    void postgresIsInstalled() {
        ThrowawayPostgres.assumeAvailable();
    }

    @Test
    void twoThousandCustomersGetFiveHundredUnitsExactlyOnceOnPostgres() throws Exception {
        String secret = DropsClient.newTokenSecret();
        try (ThrowawayPostgres pg = ThrowawayPostgres.start()) {
            String url = pg.createDatabase("burst");
            try (DropwiseServer server = DropsClient.configure(DropwiseServer.builder().name("burst-pg").keepLogsWith(logs), secret)
                    .env("DROPWISE_JDBC_URL", url)
                    .env("DROPWISE_JDBC_USER", pg.user())
                    .env("DROPWISE_JDBC_PASSWORD", pg.password())
                    .start()) {
                server.awaitReady(Duration.ofSeconds(30));
                new DropsClient(server, secret).awaitApi(Duration.ofSeconds(20));
                TwoInstancesOnPostgresIT.assertStoreIs("POSTGRESQL", server);

                new StockBurst("PostgresStockBurstIT", StockBurstIT.STOCK, StockBurstIT.CUSTOMERS, StockBurstIT.BURST_BUDGET)
                        .run(secret, List.of(server));
            }
        }
    }
}
