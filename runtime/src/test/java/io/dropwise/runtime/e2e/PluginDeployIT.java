package io.dropwise.runtime.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.jar.JarFile;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The example rule plugin ({@code region}), as built by this build, is deployed into a running
 * server by copying its jar into {@code <data>/deploy}; drops use it at once. Its bundle is then
 * stopped in the middle of the drops (Felix Web Console): a drop with {@code onRuleFailure: deny}
 * answers 503 and takes nothing, one with {@code skip} lets customers through and records the
 * skip. Started again, the rule decides as before, with no server restart.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(90)
class PluginDeployIT {

    /** System property (set by failsafe) naming the example plugin jar, copied by maven-dependency-plugin. */
    static final String PLUGIN_PROPERTY = "dropwise.example.plugin";
    static final String PLUGIN = "io.dropwise.rules.example";
    static final String REGION = "region";
    static final String SOUTH_REASON = "This perk is for customers in north.";
    /** FileInstall polls every second; allow for a slow machine. */
    static final Duration DEPLOY_WITHIN = Duration.ofSeconds(15);
    static final Duration BUNDLE_CHANGE_WITHIN = Duration.ofSeconds(10);

    @RegisterExtension
    final KeepLogsOnFailure logs = new KeepLogsOnFailure();

    private final String secret = DropsClient.newTokenSecret();
    private DropwiseServer server;
    private DropsClient api;
    private Path pluginJar;
    private String pluginVersion;
    private String builtinVersion;

    @BeforeAll
    void start() throws Exception {
        String property = System.getProperty(PLUGIN_PROPERTY);
        assertTrue(property != null && !property.isBlank(), "system property " + PLUGIN_PROPERTY
                + " is not set: run the end-to-end tests through maven-failsafe (mvn -pl runtime verify)");
        pluginJar = Path.of(property);
        assertTrue(Files.isRegularFile(pluginJar), pluginJar + " does not exist (copied by maven-dependency-plugin in pre-integration-test)");
        try (JarFile jar = new JarFile(pluginJar.toFile())) {
            assertEquals(PLUGIN, jar.getManifest().getMainAttributes().getValue("Bundle-SymbolicName"), "Bundle-SymbolicName of " + pluginJar);
            pluginVersion = jar.getManifest().getMainAttributes().getValue("Bundle-Version");
        }

        server = DropsClient.configure(DropwiseServer.builder().name("plugin-deploy").keepLogsWith(logs), secret).start();
        server.awaitReady(Duration.ofSeconds(30));
        api = new DropsClient(server, secret);
        api.awaitApi(Duration.ofSeconds(20));
        builtinVersion = api.statusBundle(BuiltinRulesIT.BUILTIN).path("version").asText();
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void theRegionPluginIsDeployedStoppedAndStartedInARunningServer() throws Exception {
        long pid = server.pid();

        // ------------------------------------------------ not deployed yet
        assertFalse(api.ruleTypes().containsKey(REGION), "region before the plugin is deployed: " + api.ruleTypes().keySet());
        HttpResponse<String> early = api.postDrop(regionDrop("Too early", "deny"));
        assertEquals(400, early.statusCode(), "a region drop before the plugin is deployed: " + early.body());
        assertEquals("invalid-drop", api.problem(early), early.body());
        assertTrue(api.body(early).path("errors").path("rules[0].type").asText().contains("not deployed"), early.body());

        // ------------------------------------------------ deploy: copy the jar into <data>/deploy
        Path deploy = server.dataDir().resolve("deploy");
        Files.createDirectories(deploy);
        // written under a name FileInstall ignores, then renamed: it never sees half a jar
        Path partial = deploy.resolve(PLUGIN + ".jar.part");
        Files.copy(pluginJar, partial, StandardCopyOption.REPLACE_EXISTING);
        long copied = System.nanoTime();
        Files.move(partial, deploy.resolve(PLUGIN + ".jar"), StandardCopyOption.ATOMIC_MOVE);
        JsonNode region = awaitRegion(t -> t != null && t.path("present").asBoolean(false), DEPLOY_WITHIN, "present after the copy");
        long deployedMillis = Duration.ofNanos(System.nanoTime() - copied).toMillis();
        assertEquals(PLUGIN, region.path("bundle").asText(), "region: " + region);
        assertEquals(pluginVersion, region.path("version").asText(), "region: " + region);
        assertEquals("active", api.statusBundle(PLUGIN).path("state").asText(), "the plugin in /api/v1/status");
        System.out.printf("PluginDeployIT: region@%s/%s listed by GET /admin/v1/rules %d ms after the copy into deploy/%n",
                PLUGIN, pluginVersion, deployedMillis);

        // ------------------------------------------------ the rule decides
        String denyDrop = api.createDrop(regionDrop("Northern lights", "deny")).path("id").asText();
        String skipDrop = api.createDrop(regionDrop("Northern cinema", "skip")).path("id").asText();
        String north1 = regionToken("pd-north-1", "north");
        String north2 = regionToken("pd-north-2", "north");
        String south1 = regionToken("pd-south-1", "south");
        String south2 = regionToken("pd-south-2", "south");
        String regionLabel = REGION + "@" + PLUGIN + "/" + pluginVersion;
        String windowLabel = "tier-window@" + BuiltinRulesIT.BUILTIN + "/" + builtinVersion;

        assertClaimed(denyDrop, north1, key(), "north customer, deny drop, plugin deployed");
        assertNotEligible(denyDrop, south1, key(), "south customer, deny drop, plugin deployed");
        assertClaimed(skipDrop, north1, key(), "north customer, skip drop, plugin deployed");
        assertNotEligible(skipDrop, south1, key(), "south customer, skip drop, plugin deployed");
        assertEquals(List.of(windowLabel + ", " + regionLabel), decidedBy(denyDrop), "decidedBy on the deny drop");
        assertEquals(List.of(windowLabel + ", " + regionLabel), decidedBy(skipDrop), "decidedBy on the skip drop");

        // ------------------------------------------------ stop the plugin's bundle mid-drop
        HttpResponse<String> stop = api.bundleAction(PLUGIN, "stop");
        assertEquals(200, stop.statusCode(), "stopping " + PLUGIN + " through the console: " + stop.body());
        awaitBundleState("resolved");
        region = awaitRegion(t -> t != null && !t.path("present").asBoolean(true)
                && ids(t.path("drops")).containsAll(List.of(denyDrop, skipDrop)), BUNDLE_CHANGE_WITHIN,
                "listed as not present, with both drops, after the stop");
        assertTrue(region.path("bundle").isNull(), "region while stopped: " + region);

        // deny: 503 unavailable naming the rule, with Retry-After; nothing taken, for south or north
        String keyNorth2 = key();
        String keySouth2 = key();
        int unavailable = 0;
        for (String[] c : new String[][] { { north2, keyNorth2, "north" }, { south2, keySouth2, "south" } }) {
            HttpResponse<String> response = api.claim(c[0], denyDrop, c[1]);
            assertEquals(503, response.statusCode(), c[2] + " customer, deny drop, plugin stopped: " + response.body());
            assertEquals("unavailable", api.problem(response), response.body());
            assertEquals(REGION, api.body(response).path("rule").asText(), response.body());
            assertEquals("5", response.headers().firstValue("Retry-After").orElse("(none)"), "Retry-After on " + response.body());
            unavailable++;
        }
        JsonNode denyStats = api.adminDrop(denyDrop).path("stats");
        assertEquals(1, denyStats.path("claimed").asInt(-1), "deny drop stats with the plugin stopped: " + denyStats);
        assertEquals(1, api.adminClaims(denyDrop).size(), "deny drop claims with the plugin stopped");
        assertTrue(api.claimsOn(denyDrop, north2).isEmpty(), "north-2 holds nothing on the deny drop");

        // skip: the rule counts as passed, and the claim says so
        assertClaimed(skipDrop, south2, key(), "south customer, skip drop, plugin stopped");
        List<String> skipDecided = decidedBy(skipDrop);
        assertEquals(List.of(windowLabel + ", " + regionLabel, windowLabel + ", " + REGION + " (skipped)"), skipDecided,
                "decidedBy on the skip drop");
        assertTrue(skipDecided.get(1).contains("region (skipped)"), "decidedBy: " + skipDecided);
        System.out.printf("PluginDeployIT: plugin stopped: deny drop answered %d x 503 (claimed stays 1), skip drop let "
                + "a south customer through (decidedBy \"%s\")%n", unavailable, skipDecided.get(1));

        // ------------------------------------------------ start it again: normal decisions, same process
        HttpResponse<String> start = api.bundleAction(PLUGIN, "start");
        assertEquals(200, start.statusCode(), "starting " + PLUGIN + " through the console: " + start.body());
        awaitBundleState("active");
        region = awaitRegion(t -> t != null && t.path("present").asBoolean(false), BUNDLE_CHANGE_WITHIN, "present after the start");
        assertEquals(PLUGIN, region.path("bundle").asText(), "region: " + region);

        // the keys refused with 503 are evaluated again from the start (a refusal stores nothing)
        assertNotEligible(denyDrop, south2, keySouth2, "south customer, deny drop, plugin started again");
        HttpResponse<String> north2Claim = assertClaimed(denyDrop, north2, keyNorth2, "north customer, deny drop, plugin started again");
        assertFalse(DropsClient.replayed(north2Claim), "a claim refused with 503 is not replayed: " + north2Claim.headers().map());
        assertNotEligible(skipDrop, regionToken("pd-south-3", "south"), key(), "another south customer, skip drop, plugin started again");
        assertClaimed(skipDrop, north2, key(), "north customer, skip drop, plugin started again");
        assertEquals(List.of(windowLabel + ", " + regionLabel, windowLabel + ", " + regionLabel), decidedBy(denyDrop),
                "decidedBy on the deny drop after the restart of the plugin");
        List<String> skipAfter = decidedBy(skipDrop);
        assertEquals(3, skipAfter.size(), "skip drop claims: " + skipAfter);
        assertEquals(windowLabel + ", " + regionLabel, skipAfter.get(2), "decidedBy of the last skip drop claim");

        assertEquals(2, api.adminDrop(denyDrop).path("stats").path("claimed").asInt(-1), "deny drop claimed at the end");
        assertEquals(3, api.adminDrop(skipDrop).path("stats").path("claimed").asInt(-1), "skip drop claimed at the end");
        assertTrue(server.isAlive(), "the server process is still running");
        assertEquals(pid, server.pid(), "the same server process");
        System.out.printf("PluginDeployIT: plugin started again: deny drop 2 claims, skip drop 3 claims (1 skipped), "
                + "no restart (pid %d, up %d s)%n", pid, server.sinceLaunch().toSeconds());
    }

    // ---------------------------------------------------------------- helpers

    private static Map<String, Object> regionDrop(String title, String onRuleFailure) {
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("title", title);
        spec.put("reward", "Planetarium tickets");
        spec.put("kind", "stock");
        spec.put("stock", 20);
        spec.put("opensAt", DropsClient.inMillis(Duration.ofMinutes(-60)).toString());
        spec.put("rules", List.of(BuiltinRulesIT.rule(REGION, Map.of("regions", List.of("north")))));
        spec.put("onRuleFailure", onRuleFailure);
        return spec;
    }

    private String regionToken(String customerId, String region) {
        return BuiltinRulesIT.token(api, customerId, "standard", Map.of("region", region, "cards", List.of("GOLD")));
    }

    private static String key() {
        return UUID.randomUUID().toString();
    }

    private HttpResponse<String> assertClaimed(String dropId, String token, String key, String what) throws Exception {
        HttpResponse<String> response = api.claim(token, dropId, key);
        assertEquals(201, response.statusCode(), what + ": " + response.body());
        return response;
    }

    private void assertNotEligible(String dropId, String token, String key, String what) throws Exception {
        HttpResponse<String> response = api.claim(token, dropId, key);
        assertEquals(403, response.statusCode(), what + ": " + response.body());
        assertEquals("not-eligible", api.problem(response), what + ": " + response.body());
        assertEquals(SOUTH_REASON, api.body(response).path("detail").asText(), what + ": " + response.body());
        assertEquals(REGION, api.body(response).path("rule").asText(), what + ": " + response.body());
    }

    /** @return the {@code decidedBy} of every claim of the drop, oldest first */
    private List<String> decidedBy(String dropId) throws Exception {
        List<String> decided = new ArrayList<>();
        for (JsonNode claim : api.adminClaims(dropId)) {
            decided.add(claim.path("decidedBy").asText());
        }
        return decided;
    }

    /** Asks {@code GET /admin/v1/rules} until the {@code region} entry (null when absent) matches. @return it */
    private JsonNode awaitRegion(Predicate<JsonNode> wanted, Duration timeout, String what) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        JsonNode last;
        while (true) {
            last = api.ruleTypes().get(REGION);
            if (wanted.test(last)) {
                return last;
            }
            if (System.nanoTime() - deadline > 0) {
                return fail("region was not " + what + " within " + timeout + " (last: " + last + ")\n" + server.tail());
            }
            Thread.sleep(100);
        }
    }

    private void awaitBundleState(String state) throws Exception {
        long deadline = System.nanoTime() + BUNDLE_CHANGE_WITHIN.toNanos();
        JsonNode last;
        while (true) {
            last = api.statusBundle(PLUGIN);
            if (state.equals(last.path("state").asText())) {
                return;
            }
            if (System.nanoTime() - deadline > 0) {
                fail(PLUGIN + " did not become " + state + " within " + BUNDLE_CHANGE_WITHIN + " (last: " + last + ")\n" + server.tail());
            }
            Thread.sleep(100);
        }
    }

    private static List<String> ids(JsonNode array) {
        List<String> ids = new ArrayList<>();
        array.forEach(n -> ids.add(n.asText()));
        return ids;
    }
}
