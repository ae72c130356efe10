package io.dropwise.runtime.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.databind.JsonNode;

import io.dropwise.testkit.ThrowawayPostgres;

/**
 * A rolling upgrade across two instances that share one PostgreSQL, under load: customers' claims
 * are spread over both instances (as a load balancer would), while the claims engine and the HTTP
 * front are upgraded live on instance A, then on instance B. Invariants: no request fails (every
 * answer is 201 or 409 sold-out, before, during and after each swap, until past the sold-out),
 * exactly the stock is claimed, nobody twice, and both instances
 * end on the new versions.
 */
@Timeout(240)
class RollingUpgradeIT {

    static final String CLAIMS = "io.dropwise.claims";
    static final String HTTP = "io.dropwise.http";
    static final int STOCK = 500;
    static final int WORKERS = 6;

    @RegisterExtension
    final KeepLogsOnFailure logs = new KeepLogsOnFailure();

    private final String secret = DropsClient.newTokenSecret();

    @Test
    void claimsAndHttpUpgradedOnOneInstanceThenTheOtherWithoutAFailedRequest() throws Exception {
        ThrowawayPostgres.assumeAvailable();
        try (ThrowawayPostgres pg = ThrowawayPostgres.start()) {
            String url = pg.createDatabase("rolling");
            try (DropwiseServer a = instance("rolling-a", url, pg).start(); DropwiseServer b = instance("rolling-b", url, pg).start()) {
                a.awaitReady(Duration.ofSeconds(60));
                b.awaitReady(Duration.ofSeconds(60));
                DropsClient apiA = new DropsClient(a, secret);
                DropsClient apiB = new DropsClient(b, secret);
                apiA.awaitApi(Duration.ofSeconds(30));
                apiB.awaitApi(Duration.ofSeconds(30));
                String drop = apiA.createDrop(DropsClient.openStockDrop("Rolling upgrade drop", STOCK)).path("id").asText();
                List<DropsClient> instances = List.of(apiA, apiB);

                // ------------------------------------------------ customers spread over both instances, until the upgrade is over
                AtomicBoolean stop = new AtomicBoolean();
                AtomicInteger next = new AtomicInteger();
                Map<String, Integer> answers = new ConcurrentHashMap<>();
                Map<String, String> created = new ConcurrentHashMap<>();
                List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
                ExecutorService pool = Executors.newFixedThreadPool(WORKERS);
                List<Future<?>> workers = new ArrayList<>();
                for (int w = 0; w < WORKERS; w++) {
                    workers.add(pool.submit(() -> {
                        while (!stop.get()) {
                            int n = next.getAndIncrement();
                            String customer = "rolling-" + n;
                            DropsClient api = instances.get(n % 2);
                            try {
                                HttpResponse<String> r = api.claim(api.token(customer, "vip"), drop, "k");
                                String outcome = r.statusCode() + (r.statusCode() == 201 ? "" : " " + api.problem(r));
                                answers.merge(outcome, 1, Integer::sum);
                                if (r.statusCode() == 201) {
                                    created.put(customer, api.body(r).path("claimId").asText());
                                } else if (r.statusCode() != 409) {
                                    failures.add(customer + " on " + (n % 2 == 0 ? "A" : "B") + ": " + r.statusCode() + " " + r.body());
                                }
                                Thread.sleep(8);
                            } catch (InterruptedException e) {
                                return;
                            } catch (Exception e) {
                                failures.add(customer + ": " + e);
                            }
                        }
                    }));
                }
                Thread.sleep(2_000);
                String version = "0.1.0.v90";
                for (DropsClient api : instances) {
                    for (String bsn : List.of(CLAIMS, HTTP)) {
                        Path jar = BundleJars.upgradeJar(bsn);
                        String state = deploy(api, BundleJars.withVersion(jar, version));
                        System.out.printf("RollingUpgradeIT: %s %s on instance %s: %s (after %d claims)%n", bsn, version,
                                api == apiA ? "A" : "B", state, next.get());
                        assertEquals("active", state, bsn + " on " + (api == apiA ? "A" : "B"));
                    }
                }
                long soldOutBy = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (created.size() < STOCK && System.nanoTime() - soldOutBy < 0) { // on until the stock is gone, then a little more
                    Thread.sleep(100);
                }
                Thread.sleep(1_000);
                stop.set(true);
                for (Future<?> f : workers) {
                    f.get(30, TimeUnit.SECONDS);
                }
                pool.shutdownNow();

                // ------------------------------------------------ invariants
                Checks checks = new Checks("RollingUpgradeIT");
                System.out.printf("RollingUpgradeIT: %d claims sent, answers %s%n", next.get(), new TreeMap<>(answers));
                checks.check(failures.isEmpty(), "no request failed during the rolling upgrade" + (failures.isEmpty() ? ""
                        : ": " + failures.size() + ", first " + failures.subList(0, Math.min(5, failures.size()))));
                List<JsonNode> stored = apiB.adminClaims(drop);
                Set<String> customers = new HashSet<>();
                stored.forEach(c -> customers.add(c.path("customerId").asText()));
                checks.check(next.get() > STOCK, "the load outlasted the stock (" + next.get() + " customers for " + STOCK + " units)");
                checks.check(stored.size() == STOCK && created.size() == STOCK, "exactly the stock was claimed: " + stored.size()
                        + " stored, " + created.size() + " answered 201");
                checks.check(customers.size() == stored.size(), "nobody holds two units");
                checks.check(stored.stream().allMatch(c -> c.path("claimId").asText().equals(created.get(c.path("customerId").asText()))),
                        "every stored claim is one a customer was told about (201), and the other way round");
                for (DropsClient api : instances) {
                    for (String bsn : List.of(CLAIMS, HTTP)) {
                        String running = api.statusBundle(bsn).path("version").asText();
                        checks.check(running.equals(version), bsn + " runs " + version + " on " + (api == apiA ? "A" : "B") + " (" + running + ")");
                    }
                }
                checks.assertAllHold();
            }
        }
    }

    private DropwiseServer.Builder instance(String name, String url, ThrowawayPostgres pg) {
        return DropsClient.configure(DropwiseServer.builder().name(name).keepLogsWith(logs), secret).env("DROPWISE_JDBC_URL", url)
                .env("DROPWISE_JDBC_USER", pg.user()).env("DROPWISE_JDBC_PASSWORD", pg.password());
    }

    /** @return the deployment's final state */
    private static String deploy(DropsClient api, byte[] jar) throws Exception {
        HttpResponse<String> posted = api.postDeployment(jar);
        assertEquals(202, posted.statusCode(), posted.body());
        String id = api.body(posted).path("id").asText();
        long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        String state = "";
        while (System.nanoTime() - until < 0) {
            state = api.body(api.getDeployment(id)).path("state").asText();
            if (state.equals("active") || state.equals("rolled-back") || state.equals("failed")) {
                return state;
            }
            Thread.sleep(100);
        }
        return state;
    }
}
