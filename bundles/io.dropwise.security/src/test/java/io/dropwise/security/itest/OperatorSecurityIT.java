package io.dropwise.security.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

import javax.inject.Inject;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;

import io.dropwise.api.operator.OperatorAuthenticator;
import io.dropwise.api.operator.OperatorRole;
import io.dropwise.testkit.DropwiseExam;

/**
 * The security bundle in a real framework with the real Felix Web Console: who gets in, and what
 * happens to the console while the bundle is stopped.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class OperatorSecurityIT {

    private static final String PASSWORD = "pax-exam-admin-password";
    private static final Duration WAIT = Duration.ofSeconds(10);

    @Inject
    private BundleContext context;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @Configuration
    public Option[] config() {
        return DropwiseExam.options(
                frameworkProperty("dropwise.admin.password").value(PASSWORD),
                frameworkProperty("felix.webconsole.security.providers").value("dropwise"));
    }

    @Test
    public void theOperatorAuthenticatorKnowsTheConfiguredAdmin() throws Exception {
        OperatorAuthenticator accounts = awaitService();
        assertEquals(OperatorRole.ADMIN, accounts.authenticate("admin", PASSWORD).orElseThrow().role());
        assertTrue(accounts.authenticate("admin", "admin").isEmpty());
    }

    @Test
    public void theConsoleAsksForAnOperatorAndRefusesTheDefaultAccount() throws Exception {
        assertEquals(200, awaitConsole(PASSWORD, 200));
        assertEquals(401, console(null));
        assertEquals(401, console("admin"));
        assertEquals(401, console(PASSWORD + "-wrong"));
    }

    @Test
    public void withTheBundleStoppedTheConsoleIsClosedNotOpenToAdminAdmin() throws Exception {
        awaitConsole(PASSWORD, 200);
        Bundle security = bundle("io.dropwise.security");
        security.stop();
        try {
            assertNull(context.getServiceReference(OperatorAuthenticator.class));
            // the console unregisters itself while its required provider is missing
            awaitConsole("admin", 404);
            assertNotEquals(200, console("admin"));
            assertNotEquals(200, console(PASSWORD));
        } finally {
            security.start();
        }
        assertEquals(200, awaitConsole(PASSWORD, 200));
        assertEquals(401, console("admin"));
    }

    private OperatorAuthenticator awaitService() throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            ServiceReference<OperatorAuthenticator> ref = context.getServiceReference(OperatorAuthenticator.class);
            if (ref != null) {
                return context.getService(ref);
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no OperatorAuthenticator service within " + WAIT);
    }

    private Bundle bundle(String symbolicName) {
        for (Bundle b : context.getBundles()) {
            if (symbolicName.equals(b.getSymbolicName())) {
                return b;
            }
        }
        throw new AssertionError("bundle " + symbolicName + " is not installed");
    }

    private int awaitConsole(String password, int expected) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        int last = -1;
        while (System.nanoTime() < deadline) {
            try {
                last = console(password);
                if (last == expected) {
                    return last;
                }
            } catch (IOException notYetListening) {
                last = -1;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("/system/console/bundles answered " + last + ", not " + expected + ", within " + WAIT);
    }

    private int console(String adminPassword) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + context.getProperty(DropwiseExam.HTTP_PORT) + "/system/console/bundles")).timeout(Duration.ofSeconds(5));
        if (adminPassword != null) {
            request.header("Authorization", "Basic " + Base64.getEncoder()
                    .encodeToString(("admin:" + adminPassword).getBytes(StandardCharsets.UTF_8)));
        }
        return http.send(request.GET().build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
