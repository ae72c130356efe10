package io.dropwise.runtime.e2e;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A stock drop under a burst, on the embedded H2 store: 2,000 customers claim 500 units at once over a
 * pool of keep-alive connections, a quarter of them sending their claim twice with the same
 * Idempotency-Key. Exactly 500 customers get a unit, once each; everybody else is told it is sold out;
 * the store agrees. The burst and its checks are {@link StockBurst}'s; {@link PostgresStockBurstIT}
 * runs them on PostgreSQL.
 */
@Timeout(120)
class StockBurstIT {

    static final int STOCK = 500;
    static final int CUSTOMERS = 2_000;
    static final Duration BURST_BUDGET = Duration.ofSeconds(60);

    @RegisterExtension
    final KeepLogsOnFailure logs = new KeepLogsOnFailure();

    @Test
    void twoThousandCustomersGetFiveHundredUnitsExactlyOnce() throws Exception {
        String secret = DropsClient.newTokenSecret();
        try (DropwiseServer server = DropsClient.configure(DropwiseServer.builder().name("burst").keepLogsWith(logs), secret).start()) {
            server.awaitReady(Duration.ofSeconds(30));
            new DropsClient(server, secret).awaitApi(Duration.ofSeconds(20));

            new StockBurst("StockBurstIT", STOCK, CUSTOMERS, BURST_BUDGET).run(secret, List.of(server));
        }
    }
}
