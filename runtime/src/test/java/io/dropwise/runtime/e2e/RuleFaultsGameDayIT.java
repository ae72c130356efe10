package io.dropwise.runtime.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.osgi.framework.BundleActivator;

import com.fasterxml.jackson.databind.JsonNode;

import io.dropwise.api.rules.RuleType;
import io.dropwise.runtime.e2e.fixtures.MisbehavingRulesActivator;
import io.dropwise.testkit.ThrowawayPostgres;

/**
 * Game day for rule plugins (the containment issue): three plugins deployed live into a running
 * server, one whose rule throws, one whose rule hangs for ever (ignoring interruption), one whose
 * rule takes 2 s, while customers claim concurrently on five drops: one that uses no plugin (it must
 * keep serving as if nothing happened), and one per fault with the policy {@code deny} (throw,
 * hang, slow) or {@code skip} (slow). Invariants: every answer comes within a few
 * budgets, never a hung request thread; {@code deny} answers 503 with {@code Retry-After} and takes
 * nothing; {@code skip} lets the claim through and records the skipped rule; nothing is oversold
 * and every 201 is stored once; the plugin's circuit is open in the admin API and in the health.
 * Runs on H2 and on a throwaway PostgreSQL.
 */
@Timeout(180)
class RuleFaultsGameDayIT {

    static final String PLUGIN = "io.dropwise.fixture.misbehaving";
    static final List<String> MODES = List.of("throw", "hang", "slow");
    static final int PER_DROP = 120;
    static final int STOCK = 1_000;
    static final int THREADS = 16;
    /** Every answer must come well within this, whatever the rule does (the rule budget is 100 ms). */
    static final Duration ANSWER_WITHIN = Duration.ofSeconds(3);

    @RegisterExtension
    final KeepLogsOnFailure logs = new KeepLogsOnFailure();

    private final String secret = DropsClient.newTokenSecret();

    @Test
    void onH2() throws Exception {
        try (DropwiseServer server = DropsClient.configure(DropwiseServer.builder().name("rule-faults-h2").keepLogsWith(logs), secret).start()) {
            gameDay("H2", server);
        }
    }

    @Test
    void onPostgres() throws Exception {
        ThrowawayPostgres.assumeAvailable();
        try (ThrowawayPostgres pg = ThrowawayPostgres.start()) {
            String url = pg.createDatabase("rulefaults");
            try (DropwiseServer server = DropsClient.configure(DropwiseServer.builder().name("rule-faults-pg").keepLogsWith(logs), secret)
                    .env("DROPWISE_JDBC_URL", url).env("DROPWISE_JDBC_USER", pg.user()).env("DROPWISE_JDBC_PASSWORD", pg.password())
                    .start()) {
                gameDay("PostgreSQL", server);
            }
        }
    }

    private void gameDay(String store, DropwiseServer server) throws Exception {
        server.awaitReady(Duration.ofSeconds(30));
        DropsClient api = new DropsClient(server, secret);
        api.awaitApi(Duration.ofSeconds(20));
        String tag = "RuleFaultsGameDayIT[" + store + "]: ";

        // three misbehaving plugins (one per fault, each with threads and a circuit of its own) arrive live, like any plugin
        for (String mode : MODES) {
            byte[] jar = BundleJars.fixtureBundle(PLUGIN + "." + mode, "1.0.0", Map.of(MisbehavingRulesActivator.TYPE_HEADER,
                    MisbehavingRulesActivator.TYPE + "-" + mode), MisbehavingRulesActivator.class, BundleActivator.class, RuleType.class);
            HttpResponse<String> posted = api.postDeployment(jar);
            assertEquals(202, posted.statusCode(), posted.body());
            JsonNode d = awaitFinal(api, api.body(posted).path("id").asText());
            assertEquals("active", d.path("state").asText(), d.toString());
        }

        Map<String, String> drops = new LinkedHashMap<>();
        drops.put("control", api.createDrop(drop("Control: no plugin", null, null)).path("id").asText());
        drops.put("throw-deny", api.createDrop(drop("Throws, deny", "throw", "deny")).path("id").asText());
        drops.put("hang-deny", api.createDrop(drop("Hangs, deny", "hang", "deny")).path("id").asText());
        drops.put("slow-skip", api.createDrop(drop("Takes 2 s, skip", "slow", "skip")).path("id").asText());
        drops.put("slow-deny", api.createDrop(drop("Takes 2 s, deny", "slow", "deny")).path("id").asText());

        // customers claim on all four drops at once
        record Answer(String drop, int status, String problem, String retryAfter, String decidedBy, long millis) {
        }
        List<Answer> answers = Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        List<Future<?>> sent = new ArrayList<>();
        try {
            for (int i = 0; i < PER_DROP; i++) {
                for (Map.Entry<String, String> e : drops.entrySet()) {
                    String customer = e.getKey() + "-" + i;
                    sent.add(pool.submit(() -> {
                        long t0 = System.nanoTime();
                        HttpResponse<String> r = api.claim(api.token(customer, DropsClient.TIERS.get(customer.length() % 3)), e.getValue(), "k");
                        long ms = (System.nanoTime() - t0) / 1_000_000;
                        JsonNode body = api.body(r);
                        answers.add(new Answer(e.getKey(), r.statusCode(), body.path("type").asText("").replace(DropsClient.PROBLEM_PREFIX, ""),
                                r.headers().firstValue("Retry-After").orElse(null), body.path("decidedBy").asText(null), ms));
                        return null;
                    }));
                }
            }
            for (Future<?> f : sent) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        Checks problems = new Checks("RuleFaultsGameDayIT");
        for (Map.Entry<String, String> e : drops.entrySet()) {
            List<Answer> mine = answers.stream().filter(a -> a.drop().equals(e.getKey())).toList();
            Map<String, Long> byStatus = new java.util.TreeMap<>();
            mine.forEach(a -> byStatus.merge(a.status() + (a.problem().isEmpty() ? "" : " " + a.problem()), 1L, Long::sum));
            long max = mine.stream().mapToLong(Answer::millis).max().orElse(0);
            double p99 = mine.stream().mapToLong(Answer::millis).sorted().skip((long) Math.ceil(mine.size() * 0.99) - 1).findFirst().orElse(0);
            int stored = api.adminClaims(e.getValue()).size();
            long created = mine.stream().filter(a -> a.status() == 201).count();
            System.out.printf("%s%-10s %d claims: %s; latency p99 %.0f ms, max %d ms; stored %d (stock %d)%n", tag, e.getKey(), mine.size(),
                    byStatus, p99, max, stored, STOCK);
            problems.check(mine.size() == PER_DROP, tag + e.getKey() + ": every claim answered (" + mine.size() + ")");
            problems.check(max < ANSWER_WITHIN.toMillis(), tag + e.getKey() + ": every answer within " + ANSWER_WITHIN.toMillis()
                    + " ms (max " + max + " ms): no request waited for the rule");
            problems.check(stored == created && stored <= STOCK, tag + e.getKey() + ": every 201 stored once, nothing else, no oversell ("
                    + created + " answered 201, " + stored + " stored)");
            switch (e.getKey()) {
                case "control", "slow-skip" -> problems.check(created == PER_DROP, tag + e.getKey() + ": every claim got a unit");
                default -> problems.check(mine.stream().allMatch(a -> a.status() == 503 && a.problem().equals("unavailable")
                        && a.retryAfter() != null), tag + e.getKey() + ": every claim answered 503 unavailable with Retry-After, nothing taken");
            }
            if (e.getKey().equals("slow-skip")) {
                problems.check(api.adminClaims(e.getValue()).stream().allMatch(c -> c.path("decidedBy").asText().contains("misbehave-slow (skipped)")),
                        tag + "slow-skip: every stored claim records the skipped rule");
            }
        }

        JsonNode rules = api.body(api.adminGet("/admin/v1/rules"));
        System.out.printf("%sGET /admin/v1/rules plugins: %s%n", tag, rules.path("plugins"));
        for (String mode : MODES) {
            JsonNode plugin = null;
            for (JsonNode p : rules.path("plugins")) {
                if (p.path("bundle").asText().equals(PLUGIN + "." + mode)) {
                    plugin = p;
                }
            }
            problems.check(plugin != null && plugin.path("circuit").asText().equals("open"),
                    tag + "the admin API shows the circuit of " + PLUGIN + "." + mode + " open");
            problems.check(plugin != null && (mode.equals("throw") ? plugin.path("lastFailure").asText().contains("fails on purpose")
                    : plugin.path("timeouts").asLong() > 0), tag + PLUGIN + "." + mode + " failed for its own reason: "
                            + (plugin == null ? "-" : plugin.path("lastFailure").asText()));
        }
        HttpResponse<String> health = server.get("/system/health?tags=rules");
        System.out.printf("%s/system/health?tags=rules: %d %s%n", tag, health.statusCode(), health.body().replaceAll("\\s+", " "));
        problems.check(health.statusCode() == 200 && health.body().contains("WARN") && MODES.stream().allMatch(m -> health.body().contains(PLUGIN + "." + m)),
                tag + "health warns about the plugin, without failing readiness");

        problems.assertAllHold();
    }


    private static Map<String, Object> drop(String title, String mode, String policy) {
        Map<String, Object> spec = DropsClient.openStockDrop(title, STOCK);
        if (mode != null) {
            spec.put("rules", List.of(Map.of("type", MisbehavingRulesActivator.TYPE + "-" + mode, "params", Map.of("mode", mode))));
            spec.put("onRuleFailure", policy);
        }
        return spec;
    }

    private static JsonNode awaitFinal(DropsClient api, String id) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            JsonNode d = api.body(api.getDeployment(id));
            if (List.of("active", "rolled-back", "failed").contains(d.path("state").asText()) || System.nanoTime() - deadline > 0) {
                return d;
            }
            Thread.sleep(50);
        }
    }
}
