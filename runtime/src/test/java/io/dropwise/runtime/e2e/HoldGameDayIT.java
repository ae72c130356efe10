package io.dropwise.runtime.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
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

import com.fasterxml.jackson.databind.JsonNode;

import io.dropwise.testkit.ThrowawayPostgres;

/**
 * Game day for the {@code hold} policy: the example rule plugin ({@code region}) fails, through
 * {@code POST /admin/v1/faults}, while customers claim a drop whose {@code onRuleFailure} is
 * {@code hold}. Invariants: the hold drop answers 202 {@code held} (never a 5xx), with the units
 * reserved (no oversell, counted against the stock); once the plugin answers again each held claim
 * is decided by the rule (northern customers keep their unit, the others are released); held
 * claims nobody decides are released at their deadline and their units go back to the stock; a
 * retry of a released claim answers 409 {@code hold-released}; a drop on the same plugin with
 * {@code deny} answers 503, and a drop without the plugin keeps serving.
 */
@Timeout(300)
class HoldGameDayIT {

    static final String PLUGIN = PluginDeployIT.PLUGIN;
    static final int HOLD_SECONDS = 12;
    static final int STOCK = 120;
    static final int NORTH = 100;
    static final int SOUTH = 30;
    static final int LATE = 15;

    @RegisterExtension
    final KeepLogsOnFailure logs = new KeepLogsOnFailure();

    private final String secret = DropsClient.newTokenSecret();

    @Test
    void onH2() throws Exception {
        try (DropwiseServer server = configure(DropwiseServer.builder().name("hold-h2")).start()) {
            gameDay("H2", server);
        }
    }

    @Test
    void onPostgres() throws Exception {
        ThrowawayPostgres.assumeAvailable();
        try (ThrowawayPostgres pg = ThrowawayPostgres.start()) {
            String url = pg.createDatabase("hold");
            try (DropwiseServer server = configure(DropwiseServer.builder().name("hold-pg")).env("DROPWISE_JDBC_URL", url)
                    .env("DROPWISE_JDBC_USER", pg.user()).env("DROPWISE_JDBC_PASSWORD", pg.password()).start()) {
                gameDay("PostgreSQL", server);
            }
        }
    }

    private DropwiseServer.Builder configure(DropwiseServer.Builder builder) {
        return DropsClient.configure(builder.keepLogsWith(logs), secret).env("DROPWISE_FAULTS_ENABLED", "true")
                .jvmArg("-Ddropwise.rules.hold.seconds=" + HOLD_SECONDS).jvmArg("-Ddropwise.rules.open.seconds=2");
    }

    private void gameDay(String store, DropwiseServer server) throws Exception {
        String tag = "HoldGameDayIT[" + store + "]: ";
        server.awaitReady(Duration.ofSeconds(30));
        DropsClient api = new DropsClient(server, secret);
        api.awaitApi(Duration.ofSeconds(20));
        deployPlugin(api);
        String hold = api.createDrop(regionDrop("Hold drop", "hold", STOCK)).path("id").asText();
        String deny = api.createDrop(regionDrop("Deny drop", "deny", 10_000)).path("id").asText();
        String control = api.createDrop(DropsClient.openStockDrop("Control drop", 10_000)).path("id").asText();
        Checks checks = new Checks("HoldGameDayIT[" + store + "]");

        // ------------------------------------------------ phase 1: the plugin fails for 4 s while everyone claims at once
        api.injectFault(Map.of("bundle", PLUGIN, "kind", "exception", "seconds", 4));
        List<Callable> work = new ArrayList<>();
        for (int i = 0; i < NORTH; i++) {
            work.add(new Callable(hold, "north-" + i, "north"));
        }
        for (int i = 0; i < SOUTH; i++) {
            work.add(new Callable(hold, "south-" + i, "south"));
        }
        for (int i = 0; i < 40; i++) {
            work.add(new Callable(deny, "deny-" + i, "north"));
            work.add(new Callable(control, "control-" + i, "south"));
        }
        Collections.shuffle(work, new java.util.Random(7));
        Map<String, Map<String, Integer>> answers = run(api, work);
        System.out.printf("%sanswers while the plugin failed: %s%n", tag, answers);
        Map<String, Integer> onHold = answers.getOrDefault(hold, Map.of());
        checks.check(onHold.getOrDefault("202 held", 0) == STOCK && onHold.getOrDefault("409 sold-out", 0) == NORTH + SOUTH - STOCK
                && onHold.size() == 2, "the hold drop held exactly its " + STOCK + " units (202 held) and answered the rest sold out: " + onHold);
        checks.check(answers.getOrDefault(deny, Map.of()).keySet().equals(java.util.Set.of("503 unavailable")),
                "the deny drop on the same plugin answered 503 unavailable: " + answers.get(deny));
        checks.check(answers.getOrDefault(control, Map.of()).equals(Map.of("201 claimed", 40)), "the control drop kept serving: " + answers.get(control));
        JsonNode during = api.adminDrop(hold);
        checks.check(during.path("stats").path("claimed").asInt() == STOCK && during.path("stats").path("remaining").asInt() == 0,
                "held claims count against the stock: " + during.path("stats"));

        // ------------------------------------------------ the plugin answers again: held claims are decided by the rule
        Map<String, Long> statuses = awaitStatuses(api, hold, s -> !s.containsKey("held"), Duration.ofSeconds(HOLD_SECONDS - 2));
        System.out.printf("%sheld claims once the plugin answered again: %s%n", tag, statuses);
        List<JsonNode> claims = api.adminClaims(hold);
        long northKept = claims.stream().filter(c -> c.path("customerId").asText().startsWith("north-") && c.path("status").asText().equals("claimed")).count();
        long southReleased = claims.stream().filter(c -> c.path("customerId").asText().startsWith("south-") && c.path("status").asText().equals("released")).count();
        checks.check(!statuses.containsKey("held") && northKept + southReleased == STOCK, "every held claim was decided by the rule before "
                + "its deadline: northern customers claimed (" + northKept + "), southern released (" + southReleased + ")");
        checks.check(claims.stream().filter(c -> c.path("status").asText().equals("released"))
                .allMatch(c -> c.path("decidedBy").asText().contains("north")), "a released claim says why (the rule's reason)");
        JsonNode after = api.adminDrop(hold);
        checks.check(after.path("stats").path("claimed").asInt() == northKept && after.path("stats").path("remaining").asInt() == STOCK - northKept,
                "released units went back to the stock: " + after.path("stats"));

        // ------------------------------------------------ phase 2: the plugin fails for longer than a hold lasts
        String faultId = api.injectFault(Map.of("bundle", PLUGIN, "kind", "exception", "seconds", HOLD_SECONDS + 30)).path("id").asText();
        int free = STOCK - (int) northKept;
        List<Callable> late = new ArrayList<>();
        for (int i = 0; i < Math.min(LATE, free); i++) {
            late.add(new Callable(hold, "late-" + i, "north"));
        }
        Map<String, Integer> lateAnswers = run(api, late).getOrDefault(hold, Map.of());
        checks.check(lateAnswers.equals(Map.of("202 held", late.size())), "late claims were held: " + lateAnswers);
        Map<String, Long> expired = awaitStatuses(api, hold, s -> !s.containsKey("held"), Duration.ofSeconds(HOLD_SECONDS + 10));
        System.out.printf("%safter the holds' deadline (plugin still failing): %s%n", tag, expired);
        checks.check(!expired.containsKey("held") && expired.getOrDefault("released", 0L) == southReleased + late.size(),
                "held claims nobody could decide were released at their deadline");
        HttpResponse<String> retry = api.claim(api.token("late-0", "standard"), hold, "late-0-key");
        checks.check(retry.statusCode() == 409 && api.problem(retry).equals("hold-released"), "a retry of a released claim answers 409 "
                + "hold-released: " + retry.statusCode() + " " + retry.body());
        api.endFault(faultId);

        // ------------------------------------------------ invariants
        List<JsonNode> all = api.adminClaims(hold);
        Map<String, Integer> perCustomer = new HashMap<>();
        all.stream().filter(c -> !c.path("status").asText().equals("released"))
                .forEach(c -> perCustomer.merge(c.path("customerId").asText(), 1, Integer::sum));
        JsonNode end = api.adminDrop(hold);
        checks.check(perCustomer.values().stream().allMatch(n -> n == 1), "no customer holds two units");
        checks.check(end.path("stats").path("claimed").asInt() == perCustomer.size() && perCustomer.size() <= STOCK,
                "the drop's count equals the units held, within the stock: " + end.path("stats") + ", " + perCustomer.size() + " held");
        checks.check(api.adminClaims(deny).isEmpty(), "the deny drop took nothing");
        checks.assertAllHold();
    }

    /** One customer's claim, with its key. */
    record Callable(String drop, String customer, String region) {
    }

    private static Map<String, Map<String, Integer>> run(DropsClient api, List<Callable> work) throws Exception {
        Map<String, Map<String, Integer>> answers = new LinkedHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Future<String[]>> sent = new ArrayList<>();
            for (Callable c : work) {
                sent.add(pool.submit(() -> {
                    String token = BuiltinRulesIT.token(api, c.customer(), "standard", Map.of("region", c.region()));
                    HttpResponse<String> r = api.claim(token, c.drop(), c.customer() + "-key");
                    String outcome = r.statusCode() + " " + (r.statusCode() < 300 ? api.body(r).path("status").asText() : api.problem(r));
                    if (r.statusCode() == 503 && r.headers().firstValue("Retry-After").isEmpty()) {
                        outcome += " without Retry-After";
                    }
                    return new String[] {c.drop(), outcome};
                }));
            }
            for (Future<String[]> f : sent) {
                String[] a = f.get(60, TimeUnit.SECONDS);
                answers.computeIfAbsent(a[0], k -> new java.util.TreeMap<>()).merge(a[1], 1, Integer::sum);
            }
        } finally {
            pool.shutdownNow();
        }
        return answers;
    }

    private static Map<String, Long> awaitStatuses(DropsClient api, String drop, java.util.function.Predicate<Map<String, Long>> done,
            Duration within) throws Exception {
        long until = System.nanoTime() + within.toNanos();
        Map<String, Long> statuses;
        do {
            statuses = new java.util.TreeMap<>();
            for (JsonNode c : api.adminClaims(drop)) {
                statuses.merge(c.path("status").asText(), 1L, Long::sum);
            }
            if (done.test(statuses)) {
                return statuses;
            }
            Thread.sleep(250);
        } while (System.nanoTime() - until < 0);
        return statuses;
    }

    private static void deployPlugin(DropsClient api) throws Exception {
        Path jar = Path.of(System.getProperty(PluginDeployIT.PLUGIN_PROPERTY));
        HttpResponse<String> posted = api.postDeployment(Files.readAllBytes(jar));
        assertEquals(202, posted.statusCode(), posted.body());
        String id = api.body(posted).path("id").asText();
        long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        String state = "";
        while (System.nanoTime() - until < 0) {
            state = api.body(api.getDeployment(id)).path("state").asText();
            if (state.equals("active") || state.equals("rolled_back") || state.equals("failed")) {
                break;
            }
            Thread.sleep(200);
        }
        assertEquals("active", state, "the example plugin was deployed");
        assertTrue(api.ruleTypes().containsKey(PluginDeployIT.REGION));
    }

    private static Map<String, Object> regionDrop(String title, String onRuleFailure, int stock) {
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("title", title);
        spec.put("reward", "Planetarium tickets");
        spec.put("kind", "stock");
        spec.put("stock", stock);
        spec.put("opensAt", DropsClient.inMillis(Duration.ofMinutes(-60)).toString());
        spec.put("rules", List.of(BuiltinRulesIT.rule(PluginDeployIT.REGION, Map.of("regions", List.of("north")))));
        spec.put("onRuleFailure", onRuleFailure);
        return spec;
    }
}
