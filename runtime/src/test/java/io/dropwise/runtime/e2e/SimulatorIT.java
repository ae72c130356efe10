package io.dropwise.runtime.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import io.dropwise.simulator.Simulator;

/**
 * The drop simulator ({@code tools/dropwise-simulator}) against a real server, in-process through
 * {@link Simulator#run}: a small tiered drop (3,000 customers, 1,000 units, tiers 2 s apart) with a latency
 * fault on the HTTP front longer than the simulator's request timeout, so that some claims time out and are
 * retried with their Idempotency-Key. The simulator must end with exit code 0 and every invariant holding,
 * the store must agree when read here independently, and the report must hold its plots. A wrong token
 * secret must end with exit code 3 and no stack trace.
 */
@Timeout(120)
class SimulatorIT {

    static final int CUSTOMERS = 3_000;
    static final int STOCK = 1_000;

    @RegisterExtension
    final KeepLogsOnFailure logs = new KeepLogsOnFailure();

    @Test
    void tieredDropEndsWithEveryInvariantHolding(@TempDir Path dir) throws Exception {
        String secret = DropsClient.newTokenSecret();
        try (DropwiseServer server = DropsClient.configure(DropwiseServer.builder().name("simulator").keepLogsWith(logs), secret)
                .env("DROPWISE_FAULTS_ENABLED", "true").start()) {
            server.awaitReady(Duration.ofSeconds(30));
            DropsClient api = new DropsClient(server, secret);
            api.awaitApi(Duration.ofSeconds(20));

            Path report = dir.resolve("report.html");
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            long started = System.nanoTime();
            int code = Simulator.run(new String[] {
                "--url", server.baseUri().toString(),
                "--admin-password", DropsClient.ADMIN_PASSWORD,
                "--token-secret", secret,
                "--customers", Integer.toString(CUSTOMERS),
                "--stock", Integer.toString(STOCK),
                "--tier-gap", "PT2S",
                "--lead", "PT1S",
                "--connections", "64",
                "--timeout", "PT1S",
                "--fault", "PT0.3S={\"bundle\":\"io.dropwise.http\",\"kind\":\"latency\",\"latencyMillis\":1500,\"probability\":0.2,\"seconds\":2}",
                "--report", report.toString(),
                "--progress", "lines",
            }, Map.of(), new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
            String stdout = out.toString(StandardCharsets.UTF_8);
            String stderr = err.toString(StandardCharsets.UTF_8);
            System.out.printf("SimulatorIT: exit %d after %d ms%n%s%s", code, (System.nanoTime() - started) / 1_000_000, stdout, stderr);

            assertEquals(Simulator.OK, code, stdout + stderr);
            assertTrue(stdout.contains("all invariants hold"), stdout);
            for (String invariant : List.of("every 201 stored", "stored claims = customers answered 201", "one unit per customer",
                    "no oversell", "sold out exactly")) {
                assertTrue(Pattern.compile("invariant " + Pattern.quote(invariant) + " +holds").matcher(stdout).find(), invariant + ":\n" + stdout);
            }
            assertTrue(stdout.contains("fault latency io.dropwise.http"), "the fault was injected:\n" + stdout);
            assertTrue(stderr.contains("customers"), "progress lines on stderr:\n" + stderr);

            // the store, read here and not through the simulator: the whole stock, one unit per customer, all simulated customers
            Matcher drop = Pattern.compile("drop (d-[0-9a-f]+)").matcher(stdout);
            assertTrue(drop.find(), stdout);
            List<JsonNode> claims = api.adminClaims(drop.group(1));
            assertEquals(STOCK, claims.size());
            Map<String, Long> perCustomer = claims.stream().collect(Collectors.groupingBy(c -> c.path("customerId").asText(), Collectors.counting()));
            assertEquals(STOCK, perCustomer.size(), "one unit per customer");
            assertTrue(perCustomer.keySet().stream().allMatch(c -> c.startsWith("sim-")), "only simulated customers hold units");
            JsonNode stats = api.adminDrop(drop.group(1)).path("stats");
            assertEquals(0, stats.path("remaining").asInt());
            assertEquals(STOCK, stats.path("claimed").asInt());

            // the report: one self-contained file with the plots and the verdict
            assertTrue(Files.isRegularFile(report), report + " written");
            String html = Files.readString(report);
            assertTrue(html.contains("All invariants hold."), "verdict");
            for (String plot : List.of("Answers per second", "Latency of the answers of each second", "Units left", "How each customer")) {
                assertTrue(html.contains("aria-label=\"" + plot), "plot " + plot);
            }
            assertTrue(html.split("<svg ", -1).length - 1 >= 4, "four plots");
            assertTrue(html.contains("employee opens") && html.contains("vip opens") && html.contains("standard opens"), "tier openings marked");
            assertTrue(html.contains("fault latency io.dropwise.http"), "the fault marked");
            assertTrue(!html.contains("<script") && !html.contains("http://cdn") && !html.contains("https://"), "self-contained");

            // a wrong secret: refused before anything is done, exit code 3, no stack trace
            ByteArrayOutputStream refusedErr = new ByteArrayOutputStream();
            int refused = Simulator.run(new String[] {"--url", server.baseUri().toString(), "--admin-password", DropsClient.ADMIN_PASSWORD,
                "--token-secret", DropsClient.newTokenSecret(), "--customers", "10", "--progress", "none", "--report", dir.resolve("no.html").toString()},
                    Map.of(), new PrintStream(new ByteArrayOutputStream()), new PrintStream(refusedErr, true, StandardCharsets.UTF_8));
            String refusal = refusedErr.toString(StandardCharsets.UTF_8);
            assertEquals(Simulator.CANNOT_RUN, refused, refusal);
            assertTrue(refusal.contains("refused a customer token") && !refusal.contains("\tat "), refusal);
            assertTrue(!Files.exists(dir.resolve("no.html")));
        }
    }
}
