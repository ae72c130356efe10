package io.dropwise.runtime.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.osgi.framework.BundleActivator;

import com.fasterxml.jackson.databind.JsonNode;

import io.dropwise.runtime.e2e.fixtures.ThrowingActivator;

/**
 * The operator console in a real headless Chromium (Debian's {@code chromium} and
 * {@code chromium-driver}), clicking through what an operator does: sign in, create a drop (first
 * with mistakes, shown beside their fields), watch claims arrive while customers claim, deploy a
 * rule bundle and see it become active, deploy a broken one and see it rolled back with the reason,
 * roll back with a confirmation, look at bundles and rules, and, signed in as a viewer, find every
 * change disabled and refused. Each screen is photographed into {@code target/console-screenshots}
 * (and into {@code docs/images} with {@code -Ddropwise.update.screenshots=true}).
 *
 * <p>The stock Web Console's Bundles page is tested with the page's own requests (no browser
 * needed): an upload of a Dropwise bundle goes through the live deployment path, and an in-place
 * update of one is refused with a pointer to the Deploy page.
 *
 * <p>Without Chromium and its driver the browser tests are reported as skipped, with the command
 * that installs them; {@code .ci/run} installs them.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(180)
class ConsoleIT {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final String INSTALL = "apt-get install chromium chromium-driver";
    static final String VIEWER_PASSWORD = "e2e-Viewer-Password-5813";
    static final String EXAMPLE = "io.dropwise.rules.example";
    static final Duration WAIT = Duration.ofSeconds(30);
    static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss");

    @RegisterExtension
    final KeepLogsOnFailure logs = new KeepLogsOnFailure();

    private final String secret = DropsClient.newTokenSecret();
    private DropwiseServer server;
    private DropsClient api;
    private WebDriver browser;
    private String missingBrowser;
    private String dropId;
    private final List<Path> temporary = new ArrayList<>();

    @BeforeAll
    void start() throws Exception {
        server = DropsClient.configure(DropwiseServer.builder().name("console").keepLogsWith(logs), secret)
                .env("DROPWISE_VIEWER_PASSWORD", VIEWER_PASSWORD).start();
        server.awaitReady(Duration.ofSeconds(30));
        api = new DropsClient(server, secret);
        api.awaitApi(Duration.ofSeconds(20));
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
            missingBrowser = "Chromium or its driver is missing (" + CHROMIUM + ", " + CHROMEDRIVER + "): the console browser tests "
                    + "are skipped. Install them with: " + INSTALL;
            System.out.println("ConsoleIT: SKIPPED browser tests: " + missingBrowser);
            return;
        }
        System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString()); // no Selenium Manager download
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1366,900", "--lang=en-GB");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
    }

    @AfterAll
    void stop() throws IOException {
        if (browser != null) {
            browser.quit();
        }
        if (server != null) {
            server.close();
        }
        for (Path p : temporary) {
            Files.deleteIfExists(p);
        }
    }

    private void needsBrowser() {
        assumeTrue(browser != null, missingBrowser);
    }

    // ======================================================================== the operator's day

    @Test
    @Order(1)
    void signIn() throws Exception {
        needsBrowser();
        browser.get(server.uri("/system/console/dropwise").toString());
        waitFor(ExpectedConditions.urlContains("/system/console/login"));
        type(By.id("username"), "admin");
        type(By.id("password"), "admin");
        screenshot("01-sign-in");
        click(By.cssSelector("[data-test=sign-in]"));
        String refused = visible(By.cssSelector("[data-test=sign-in-error]")).getText();
        assertTrue(refused.contains("do not match"), refused);
        System.out.println("ConsoleIT: admin/admin refused: " + refused);
        assertEquals("admin", browser.findElement(By.id("username")).getAttribute("value"), "the user name is kept");

        type(By.id("password"), DropsClient.ADMIN_PASSWORD);
        click(By.cssSelector("[data-test=sign-in]"));
        waitFor(ExpectedConditions.urlContains("/system/console/dropwise"));
        visible(By.cssSelector("[data-test=nav-drops]"));
        visible(By.cssSelector("[data-test=drops]"));
        assertTrue(browser.findElements(By.cssSelector("[data-test=read-only]")).isEmpty(), "an admin has no read-only banner");
    }

    @Test
    @Order(2)
    void createADropWithItsMistakesShownBesideTheFields() throws Exception {
        needsBrowser();
        click(By.cssSelector("[data-test=new-drop]"));
        visible(By.cssSelector("[data-test=drop-form]"));
        // mistakes: no title, no reward, no stock
        setValue("title", "");
        setValue("stock", "");
        click(By.cssSelector("[data-test=create-drop]"));
        WebElement titleError = visible(By.cssSelector("[data-test=error-title]"));
        visible(By.cssSelector("[data-test=error-stock]"));
        System.out.println("ConsoleIT: form errors shown: title: " + titleError.getText());
        screenshot("03-new-drop-errors");

        // a closing time before the last tier opens: the server's own check, shown beside its field
        String opens = LOCAL.format(LocalDateTime.ofInstant(Instant.now().minus(Duration.ofMinutes(5)), ZoneOffset.UTC));
        setValue("title", "Cinema Friday");
        setValue("reward", "Two cinema tickets for Friday night");
        setValue("stock", "300");
        setValue("opensAt", opens);
        setValue("closesAt", LOCAL.format(LocalDateTime.ofInstant(Instant.now().minus(Duration.ofMinutes(10)), ZoneOffset.UTC)));
        for (String tier : DropsClient.TIERS) {
            setValue("tierOffsets." + tier, "0");
        }
        click(By.cssSelector("[data-test=create-drop]"));
        WebElement closesError = visible(By.cssSelector("[data-test=error-closesAt]"));
        System.out.println("ConsoleIT: the server refused closesAt: " + closesError.getText());
        assertTrue(browser.getCurrentUrl().contains("#new-drop"), "still on the form: " + browser.getCurrentUrl());

        setValue("closesAt", "");
        click(By.cssSelector("[data-test=create-drop]"));
        waitFor(ExpectedConditions.urlMatches("#drops/d-[0-9a-f]+$"));
        dropId = browser.getCurrentUrl().substring(browser.getCurrentUrl().indexOf("#drops/") + "#drops/".length());
        visible(By.cssSelector("[data-test=drop-view]"));
        JsonNode stored = api.body(api.adminGet("/admin/v1/drops/" + dropId));
        assertEquals("Cinema Friday", stored.path("title").asText(), stored.toString());
        assertEquals(300, stored.path("stock").asInt(), stored.toString());
        System.out.println("ConsoleIT: drop " + dropId + " created from the form: " + stored.path("title").asText());
    }

    @Test
    @Order(3)
    void claimsArriveInTheLiveViewWhileCustomersClaim() throws Exception {
        needsBrowser();
        assertNotNull(dropId, "the drop of the previous step");
        int customers = 60;
        AtomicInteger created = new AtomicInteger();
        CompletableFuture<Void> claiming = CompletableFuture.runAsync(() -> {
            try {
                for (int i = 0; i < customers; i++) {
                    String tier = DropsClient.TIERS.get(i % 3);
                    HttpResponse<String> r = api.claim(api.token("console-" + i, tier), dropId, "k-" + i);
                    if (r.statusCode() == 201) {
                        created.incrementAndGet();
                    }
                    Thread.sleep(60); // about 16 claims a second, for a few seconds
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        // the view refreshes by itself: the count must move while the customers are still claiming
        new WebDriverWait(browser, WAIT).until(d -> intOf(d.findElement(By.cssSelector("[data-test=claimed-count]")).getText()) >= 15);
        assertFalse(claiming.isDone(), "the count moved before the customers were done");
        screenshot("04-drop-live");
        claiming.get();
        assertEquals(customers, created.get(), "every customer got a unit");
        new WebDriverWait(browser, WAIT).until(d -> intOf(d.findElement(By.cssSelector("[data-test=claimed-count]")).getText()) == customers);
        new WebDriverWait(browser, WAIT).until(d -> intOf(d.findElement(By.cssSelector("[data-test=remaining]")).getText()) == 300 - customers);
        WebElement claimedEmployees = browser.findElement(By.cssSelector("[data-test=outcomes] [data-tier=employee] [data-outcome=claimed]"));
        assertEquals(customers / 3, intOf(claimedEmployees.getText()), "employees' claims in the outcomes table");
        assertFalse(browser.findElements(By.cssSelector("[data-test=burndown] path, [data-test=burndown] polyline")).isEmpty(),
                "a burn-down line is drawn");
        System.out.println("ConsoleIT: live view showed " + customers + " claims, " + (300 - customers) + " remaining");
        screenshot("04-drop-live");

        click(By.cssSelector("[data-test=nav-drops]"));
        WebElement row = visible(By.cssSelector("[data-test=drop-row][data-id='" + dropId + "']"));
        String state = row.findElement(By.cssSelector("[data-test=drop-state]")).getText();
        assertTrue(state.toLowerCase().contains("open"), "state in the list: " + state);
        screenshot("02-drops");
    }

    @Test
    @Order(4)
    void uploadARuleBundleAndSeeItBecomeActive() throws Exception {
        needsBrowser();
        Path jar = BundleJars.upgradeJar(EXAMPLE);
        String deploymentId = upload(jar);
        waitForState(deploymentId, "active");
        List<String> steps = browser.findElements(By.cssSelector("[data-test=timeline] li")).stream().map(WebElement::getText).toList();
        assertTrue(steps.size() >= 4, "the timeline shows verifying, switching, draining, active: " + steps);
        screenshot("05-deploy-active");
        assertTrue(api.ruleTypes().containsKey("region"), "the region rule type is deployed");
        System.out.println("ConsoleIT: " + EXAMPLE + " deployed from the browser: " + deploymentId + " active; timeline " + steps.size() + " steps");
    }

    @Test
    @Order(5)
    void uploadABrokenBundleAndSeeItRolledBackWithTheReason() throws Exception {
        needsBrowser();
        Path broken = temp("broken", BundleJars.fixtureBundle(EXAMPLE, "0.1.0.broken", ThrowingActivator.class, BundleActivator.class));
        String deploymentId = upload(broken);
        waitForState(deploymentId, "rolled-back");
        String reason = visible(By.cssSelector("[data-test=deployment-reason]")).getText();
        assertTrue(reason.contains(ThrowingActivator.MESSAGE), "the reason names the cause: " + reason);
        screenshot("06-deploy-rolled-back");
        assertEquals(BundleJars.header(BundleJars.upgradeJar(EXAMPLE), "Bundle-Version"), api.statusBundle(EXAMPLE).path("version").asText(),
                "the active version kept serving");
        System.out.println("ConsoleIT: broken bundle rolled back; the page says: " + reason);
    }

    @Test
    @Order(6)
    void rollBackWithOneClickAfterAConfirmation() throws Exception {
        needsBrowser();
        String before = BundleJars.header(BundleJars.upgradeJar(EXAMPLE), "Bundle-Version");
        Path v2 = temp("v2", BundleJars.withVersion(BundleJars.upgradeJar(EXAMPLE), "0.1.0.v02"));
        String upgraded = upload(v2);
        waitForState(upgraded, "active");

        click(By.cssSelector("[data-test=nav-deploy]"));
        WebElement row = visible(By.cssSelector("[data-test=deployment-row][data-id='" + upgraded + "']"));
        row.findElement(By.cssSelector("[data-test=rollback]")).click();
        visible(By.cssSelector("[data-test=confirm]"));
        screenshot("07-rollback-confirm");
        click(By.cssSelector("[data-test=confirm-yes]"));
        waitFor(ExpectedConditions.not(ExpectedConditions.urlContains(upgraded)));
        waitFor(ExpectedConditions.urlMatches("#deploy/dep-[0-9a-f-]+$"));
        String rollbackId = browser.getCurrentUrl().substring(browser.getCurrentUrl().indexOf("#deploy/") + "#deploy/".length());
        waitForState(rollbackId, "active");
        assertEquals(before, api.statusBundle(EXAMPLE).path("version").asText(), "back on the version before");
        System.out.println("ConsoleIT: rolled back from the browser to " + before + " (" + rollbackId + ")");
        click(By.cssSelector("[data-test=nav-deploy]"));
        visible(By.cssSelector("[data-test=deployment-row][data-id='" + rollbackId + "']"));
        screenshot("08-deploy-history");
    }

    @Test
    @Order(7)
    void bundlesAndRules() throws Exception {
        needsBrowser();
        click(By.cssSelector("[data-test=nav-bundles]"));
        WebElement bundles = visible(By.cssSelector("[data-test=bundles]"));
        new WebDriverWait(browser, WAIT).until(d -> bundles.getText().contains("io.dropwise.claims"));
        WebElement rules = visible(By.cssSelector("[data-test=rules]"));
        new WebDriverWait(browser, WAIT).until(d -> rules.getText().contains("region") && rules.getText().contains("tier-window"));
        screenshot("09-bundles-and-rules");
    }

    @Test
    @Order(8)
    void aViewerSeesEverythingAndCannotDeploy() throws Exception {
        needsBrowser();
        browser.get(server.uri("/system/console/logout").toString());
        waitFor(ExpectedConditions.urlContains("/system/console/login"));
        type(By.id("username"), "viewer");
        type(By.id("password"), VIEWER_PASSWORD);
        click(By.cssSelector("[data-test=sign-in]"));
        waitFor(ExpectedConditions.urlContains("/system/console/dropwise"));
        visible(By.cssSelector("[data-test=read-only]"));
        browser.get(server.uri("/system/console/dropwise#deploy").toString());
        WebElement upload = visible(By.cssSelector("[data-test=upload]"));
        assertFalse(upload.isEnabled(), "upload is disabled for a viewer");
        assertFalse(browser.findElement(By.cssSelector("[data-test=jar-input]")).isEnabled(), "the file picker is disabled for a viewer");
        screenshot("10-viewer");
        // and the server refuses it anyway: the page's own request, with the viewer's session and CSRF token
        Object status = ((JavascriptExecutor) browser).executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                const app = document.getElementById('dw-app');
                fetch('/admin/v1/deployments', {method: 'POST', credentials: 'same-origin',
                    headers: {'Content-Type': 'application/java-archive', 'X-Dropwise-CSRF': app.dataset.csrf}, body: new Uint8Array([80, 75])})
                  .then(r => done(r.status), e => done(String(e)));
                """);
        assertEquals(403L, status, "POST /admin/v1/deployments as a viewer");
        click(By.cssSelector("[data-test=nav-drops]"));
        assertFalse(visible(By.cssSelector("[data-test=new-drop]")).isEnabled(), "a viewer cannot create drops");
        System.out.println("ConsoleIT: a viewer sees the pages, every change disabled; the admin API answered " + status);
    }

    // ======================================================================== the stock Bundles page

    @Test
    @Order(9)
    void theBundlesPageSendsDropwiseBundlesThroughTheLiveDeploymentPath() throws Exception {
        byte[] jar = BundleJars.withVersion(BundleJars.upgradeJar(EXAMPLE), "0.1.0.v07");
        // the page's own upload: multipart POST /system/console/bundles, action=install, bundlefile, bundlestart, refreshPackages
        HttpResponse<String> answer = api.consoleInstall("/system/console/bundles", EXAMPLE + ".jar", jar, true, true);
        assertEquals(202, answer.statusCode(), answer.body());
        String id = api.body(answer).path("deployments").get(0).asText();
        JsonNode d = awaitFinal(id);
        assertEquals("active", d.path("state").asText(), d.toString());
        assertTrue(d.path("source").asText().contains("web console bundles page"), d.toString());
        assertEquals("0.1.0.v07", api.statusBundle(EXAMPLE).path("version").asText());
        System.out.println("ConsoleIT: Bundles page upload of " + EXAMPLE + " 0.1.0.v07 became deployment " + id + ": " + d.path("state").asText());

        // an in-place update of a Dropwise bundle from the page is refused with a pointer to the Deploy page
        HttpResponse<String> update = server.postForm("/system/console/bundles/" + EXAMPLE, Map.of("action", "update"), "admin",
                DropsClient.ADMIN_PASSWORD);
        assertEquals(409, update.statusCode(), update.body());
        assertTrue(update.body().contains("/system/console/dropwise#deploy"), update.body());
        assertEquals("0.1.0.v07", api.statusBundle(EXAMPLE).path("version").asText(), "still the deployed version");
        System.out.println("ConsoleIT: Bundles page update of " + EXAMPLE + " refused: " + update.statusCode() + " " + update.body().strip());
    }

    @Test
    @Order(10)
    void noConsolePageShowsTheServersSecrets() throws Exception {
        // the settings reach the framework as system properties; the stock status pages print those
        for (String page : List.of("/system/console/status-System%20Properties", "/system/console/status-System%20Properties.txt",
                "/system/console/status-System%20Properties.json", "/system/console/config/configuration-status.txt")) {
            for (String[] account : List.of(new String[] {"viewer", VIEWER_PASSWORD}, new String[] {"admin", DropsClient.ADMIN_PASSWORD})) {
                HttpResponse<String> r = server.get(page, account[0], account[1]);
                assertEquals(403, r.statusCode(), account[0] + " GET " + page);
                for (String hidden : List.of(DropsClient.ADMIN_PASSWORD, VIEWER_PASSWORD, secret)) {
                    assertFalse(r.body().contains(hidden), account[0] + " GET " + page + " shows a secret");
                }
            }
        }
        assertEquals(200, server.get("/system/console/status-Bundlelist", "viewer", VIEWER_PASSWORD).statusCode(), "other status pages stay");
        System.out.println("ConsoleIT: the console's system-properties pages are refused (403) to viewer and admin");
    }

    // ======================================================================== helpers

    private String upload(Path jar) {
        click(By.cssSelector("[data-test=nav-deploy]"));
        WebElement input = browser.findElement(By.cssSelector("[data-test=jar-input]"));
        input.sendKeys(jar.toAbsolutePath().toString());
        click(By.cssSelector("[data-test=upload]"));
        waitFor(ExpectedConditions.urlMatches("#deploy/dep-[0-9a-f-]+$"));
        visible(By.cssSelector("[data-test=deployment-view]"));
        return browser.getCurrentUrl().substring(browser.getCurrentUrl().indexOf("#deploy/") + "#deploy/".length());
    }

    private void waitForState(String deploymentId, String state) {
        WebElement badge = visible(By.cssSelector("[data-test=deployment-state]"));
        new WebDriverWait(browser, WAIT).withMessage(() -> deploymentId + " shows " + badge.getText() + ", not " + state)
                .until(d -> badge.getText().strip().equals(state));
    }

    private JsonNode awaitFinal(String id) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            JsonNode d = api.body(api.getDeployment(id));
            String s = d.path("state").asText();
            if (List.of("active", "rolled-back", "failed", "superseded").contains(s) || System.nanoTime() - deadline > 0) {
                return d;
            }
            Thread.sleep(50);
        }
    }

    private Path temp(String name, byte[] bytes) throws IOException {
        Path p = Files.createTempFile("dropwise-console-" + name + "-", ".jar");
        Files.write(p, bytes);
        temporary.add(p);
        return p;
    }

    private void setValue(String name, String value) {
        WebElement el = browser.findElement(By.cssSelector("[data-test=drop-form] [name='" + name + "']"));
        ((JavascriptExecutor) browser).executeScript(
                "arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event('input', {bubbles: true}));"
                        + "arguments[0].dispatchEvent(new Event('change', {bubbles: true}));", el, value);
    }

    private void type(By by, String text) {
        WebElement el = visible(by);
        el.clear();
        el.sendKeys(text);
    }

    private void click(By by) {
        new WebDriverWait(browser, WAIT).until(ExpectedConditions.elementToBeClickable(by)).click();
    }

    private WebElement visible(By by) {
        return new WebDriverWait(browser, WAIT).until(ExpectedConditions.visibilityOfElementLocated(by));
    }

    private <T> T waitFor(org.openqa.selenium.support.ui.ExpectedCondition<T> condition) {
        return new WebDriverWait(browser, WAIT).until(condition);
    }

    private static int intOf(String text) {
        String digits = text.replaceAll("[^0-9]", "");
        return digits.isEmpty() ? -1 : Integer.parseInt(digits);
    }

    /** Saves the screen to target/console-screenshots, and to docs/images when asked to. */
    private void screenshot(String name) throws IOException {
        byte[] png = ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES);
        Path target = Path.of("target", "console-screenshots");
        Files.createDirectories(target);
        Files.write(target.resolve("console-" + name + ".png"), png);
        if (Boolean.getBoolean("dropwise.update.screenshots")) {
            Path docs = Path.of("..", "docs", "images");
            Files.createDirectories(docs);
            Files.write(docs.resolve("console-" + name + ".png"), png);
        }
    }
}
