package io.dropwise.runtime.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.Predicate;

import org.apache.felix.hc.api.HealthCheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.osgi.framework.BundleActivator;

import io.dropwise.runtime.e2e.fixtures.components.FlakyComponent;

/**
 * Game day for supervision: Dropwise components whose activation fails are restarted by the
 * supervisor, at most 3 times in 30 s, then escalated instead of restarted for ever. A component
 * that fails twice comes up on the third try with nobody's help; one that always fails is restarted
 * 3 times, then reported (the supervisor's health check turns CRITICAL and readiness fails, an
 * ERROR line names it), and when the operator removes it everything is ready again. The fixtures
 * are installed straight from the Web Console's Bundles page (the guard is turned off for this
 * server), as a crash of a product component would look: the deployment path would have refused
 * them at verification.
 */
@Timeout(180)
class SupervisionGameDayIT {

    static final String FLAKY = "io.dropwise.fixture.flaky";
    static final String DOOMED = "io.dropwise.fixture.doomed";

    @RegisterExtension
    final KeepLogsOnFailure logs = new KeepLogsOnFailure();

    private final String secret = DropsClient.newTokenSecret();

    @Test
    void failedComponentsAreRestartedThenEscalated() throws Exception {
        try (DropwiseServer server = DropsClient.configure(DropwiseServer.builder().name("supervision").keepLogsWith(logs)
                .jvmArg("-Ddropwise.console.direct.install=allow"), secret).start()) {
            server.awaitReady(Duration.ofSeconds(30));
            DropsClient api = new DropsClient(server, secret);
            api.awaitApi(Duration.ofSeconds(20));
            Checks checks = new Checks("SupervisionGameDayIT");

            // a component that fails twice, then comes up
            HttpResponse<String> flaky = api.consoleInstall("/system/console/bundles", FLAKY + ".jar", fixture(FLAKY, "fail-twice"), true, false);
            System.out.printf("SupervisionGameDayIT: %s installed from the Bundles page: %d%n", FLAKY, flaky.statusCode());
            String up = awaitHealth(server, "/system/health?tags=" + FlakyComponent.TAG, r -> r.statusCode() == 200 && r.body().contains(FLAKY),
                    Duration.ofSeconds(30));
            // health results are cached for a moment: wait for the supervisor's report to show the restarts
            String supervisor = awaitHealth(server, "/system/health?tags=supervisor", r -> r.body().contains(FLAKY), Duration.ofSeconds(15));
            System.out.printf("SupervisionGameDayIT: %s up: %s; supervisor: %s%n", FLAKY, oneLine(up), oneLine(supervisor));
            checks.check(up.contains("up after 3 activations"), FLAKY + " came up on its third activation, restarted by the supervisor alone");
            checks.check(supervisor.contains("restarted 2 time(s)") && !supervisor.contains("CRITICAL")
                    && server.get("/system/health?tags=ready").statusCode() == 200, "the supervisor reports 2 restarts of " + FLAKY
                            + ", and the server is ready");

            // a component that always fails: 3 restarts, then escalation
            api.consoleInstall("/system/console/bundles", DOOMED + ".jar", fixture(DOOMED, "always"), true, false);
            String critical = awaitHealth(server, "/system/health?tags=supervisor", r -> r.statusCode() == 503 && r.body().contains(DOOMED),
                    Duration.ofSeconds(60));
            int ready = server.get("/system/health?tags=ready").statusCode();
            String log = Files.readString(server.dataDir().resolve(Path.of("logs", "dropwise.log")), StandardCharsets.UTF_8);
            long restarts = log.lines().filter(l -> l.contains(DOOMED) && l.contains("restarting it")).count();
            long escalations = log.lines().filter(l -> l.contains(DOOMED) && l.contains("ERROR") && l.contains("no more restarts")).count();
            System.out.printf("SupervisionGameDayIT: %s: %d restarts, %d escalation(s); supervisor health: %s; readiness %d%n", DOOMED, restarts,
                    escalations, oneLine(critical), ready);
            checks.check(restarts == 3 && escalations == 1, DOOMED + " was restarted 3 times, then escalated once (no restart loop)");
            checks.check(critical.contains("CRITICAL") && ready == 503, "escalation: the supervisor's health is CRITICAL and readiness fails");

            // the operator removes it: ready again
            HttpResponse<String> uninstall = server.postForm("/system/console/bundles/" + DOOMED, Map.of("action", "uninstall"), "admin",
                    DropsClient.ADMIN_PASSWORD);
            assertEquals(200, uninstall.statusCode(), uninstall.body());
            String readyAgain = awaitHealth(server, "/system/health?tags=ready", r -> r.statusCode() == 200, Duration.ofSeconds(20));
            checks.check(!readyAgain.contains(DOOMED), "once " + DOOMED + " is removed, the server is ready again");
            checks.assertAllHold();
        }
    }

    private static byte[] fixture(String symbolicName, String mode) throws Exception {
        return BundleJars.fixtureBundle(symbolicName, "1.0.0", Map.of(FlakyComponent.MODE_HEADER, mode), FlakyComponent.class,
                BundleActivator.class, HealthCheck.class);
    }

    private static String awaitHealth(DropwiseServer server, String path, Predicate<HttpResponse<String>> done, Duration within) throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        HttpResponse<String> last = null;
        while (System.nanoTime() - deadline < 0) {
            last = server.get(path);
            if (done.test(last)) {
                return last.body();
            }
            Thread.sleep(250);
        }
        throw new AssertionError(path + " did not reach the expected state within " + within + "; last: "
                + (last == null ? "-" : last.statusCode() + " " + last.body()) + server.tail());
    }

    private static String oneLine(String s) {
        return s.replaceAll("\\s+", " ");
    }
}
