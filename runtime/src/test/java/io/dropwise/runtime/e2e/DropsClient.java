package io.dropwise.runtime.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;

import io.dropwise.testkit.TestTokens;

/**
 * The customer and operator APIs of one {@link DropwiseServer}, for the end-to-end tests of drops
 * and claims: customers sign in with HS256 tokens minted by {@link TestTokens}, operators as
 * {@code admin} with {@link #ADMIN_PASSWORD}.
 *
 * <p>Thread-safe: one client may send many requests at once. Its {@link HttpClient} speaks
 * HTTP/1.1 and keeps connections alive, so a burst reuses a pool of connections.
 */
final class DropsClient {

    /** The operator password the servers of these tests are started with. */
    static final String ADMIN_PASSWORD = "e2e-Correct-Horse-7421";
    static final String PROBLEM_PREFIX = "urn:dropwise:problem:";
    static final List<String> TIERS = List.of("employee", "vip", "standard");

    private static final SecureRandom RANDOM = new SecureRandom();

    private final DropwiseServer server;
    private final HttpClient http;
    private final ObjectMapper json = new ObjectMapper();
    private final TestTokens tokens;

    /**
     * @param server a server started with {@link #configure(DropwiseServer.Builder, String)}
     * @param tokenSecret the same secret
     */
    DropsClient(DropwiseServer server, String tokenSecret) {
        this.server = server;
        this.tokens = TestTokens.hs256(tokenSecret);
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2))
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /** @return a fresh secret for {@code DROPWISE_TOKEN_SECRET}: 32 random bytes as 64 hex digits */
    static String newTokenSecret() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    /** @return the builder, given the token secret and {@link #ADMIN_PASSWORD} */
    static DropwiseServer.Builder configure(DropwiseServer.Builder builder, String tokenSecret) {
        return builder.env("DROPWISE_TOKEN_SECRET", tokenSecret).env("DROPWISE_ADMIN_PASSWORD", ADMIN_PASSWORD);
    }

    /** @return the spec of a stock drop open to every tier since a minute ago */
    static Map<String, Object> openStockDrop(String title, int stock) {
        Map<String, Object> spec = new java.util.LinkedHashMap<>();
        spec.put("title", title);
        spec.put("reward", "A coffee");
        spec.put("kind", "stock");
        spec.put("stock", stock);
        spec.put("opensAt", inMillis(Duration.ofMinutes(-1)).toString());
        spec.put("tierOffsets", Map.of("employee", "PT0S", "vip", "PT0S", "standard", "PT0S"));
        return spec;
    }

    /** @return an instant to put in a drop: now plus {@code offset}, to the millisecond (as the store keeps it) */
    static Instant inMillis(Duration offset) {
        return Instant.now().plus(offset).truncatedTo(ChronoUnit.MILLIS);
    }

    ObjectMapper json() {
        return json;
    }

    /** @return a customer token valid for an hour */
    String token(String customerId, String tier) {
        return tokens.customer(customerId, tier, "gold");
    }

    /** @return a token with exactly these claims, signed with the server's secret */
    String sign(Map<String, ?> claims) {
        return tokens.sign(claims);
    }

    // ---------------------------------------------------------------- waiting

    /**
     * Waits until the admin API and the customer API both answer 200, i.e. the claims engine, its
     * store and the token verifier are all up (the health check only says the bundles started).
     */
    void awaitApi(Duration timeout) throws InterruptedException {
        String probe = token("probe", "standard");
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "no answer yet";
        while (true) {
            if (!server.isAlive()) {
                throw new AssertionError(server.name() + " died before its API was up (last: " + last + ")\n" + server.tail());
            }
            try {
                int admin = adminGet("/admin/v1/drops").statusCode();
                int customer = get("/api/v1/drops", probe).statusCode();
                if (admin == 200 && customer == 200) {
                    return;
                }
                last = "admin HTTP " + admin + ", customer HTTP " + customer;
            } catch (IOException e) {
                last = e.toString();
            }
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError(server.name() + ": the drops API did not answer 200 within " + timeout
                        + " (last: " + last + ")\n" + server.tail());
            }
            Thread.sleep(100);
        }
    }

    // ---------------------------------------------------------------- operators

    /** {@code POST /admin/v1/drops}; fails unless the answer is 201. @return the drop */
    JsonNode createDrop(Map<String, ?> drop) throws IOException, InterruptedException {
        HttpResponse<String> response = send(request("/admin/v1/drops")
                .header("Authorization", DropwiseServer.basic("admin", ADMIN_PASSWORD))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(drop)))
                .build());
        assertEquals(201, response.statusCode(), "POST /admin/v1/drops " + drop + ": " + response.body());
        return body(response);
    }

    /** {@code GET /admin/v1/drops/{id}}; fails unless the answer is 200. @return the drop with its stats */
    JsonNode adminDrop(String dropId) throws IOException, InterruptedException {
        HttpResponse<String> response = adminGet("/admin/v1/drops/" + dropId);
        assertEquals(200, response.statusCode(), "GET /admin/v1/drops/" + dropId + ": " + response.body());
        return body(response);
    }

    HttpResponse<String> adminGet(String path) throws IOException, InterruptedException {
        return send(request(path).header("Authorization", DropwiseServer.basic("admin", ADMIN_PASSWORD)).GET().build());
    }

    /** {@code POST /admin/v1/faults} as admin, whatever the answer */
    HttpResponse<String> postFault(Map<String, ?> fault) throws IOException, InterruptedException {
        return send(request("/admin/v1/faults")
                .header("Authorization", DropwiseServer.basic("admin", ADMIN_PASSWORD))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(fault)))
                .build());
    }

    /** {@code POST /admin/v1/faults}; fails unless the answer is 201. @return the fault */
    JsonNode injectFault(Map<String, ?> fault) throws IOException, InterruptedException {
        HttpResponse<String> response = postFault(fault);
        assertEquals(201, response.statusCode(), "POST /admin/v1/faults " + fault + ": " + response.body());
        return body(response);
    }

    /** {@code DELETE /admin/v1/faults/{id}} as admin */
    HttpResponse<String> endFault(String id) throws IOException, InterruptedException {
        return send(request("/admin/v1/faults/" + id).header("Authorization", DropwiseServer.basic("admin", ADMIN_PASSWORD)).DELETE().build());
    }

    /** {@code POST /admin/v1/drops/{id}/draw} */
    HttpResponse<String> draw(String dropId) throws IOException, InterruptedException {
        return send(request("/admin/v1/drops/" + dropId + "/draw")
                .header("Authorization", DropwiseServer.basic("admin", ADMIN_PASSWORD))
                .POST(HttpRequest.BodyPublishers.noBody())
                .build());
    }

    /** {@code POST /admin/v1/drops}, whatever the answer (for refusals: see {@link #createDrop(Map)} for the 201 case) */
    HttpResponse<String> postDrop(Map<String, ?> drop) throws IOException, InterruptedException {
        return send(request("/admin/v1/drops")
                .header("Authorization", DropwiseServer.basic("admin", ADMIN_PASSWORD))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(drop)))
                .build());
    }

    /** {@code GET /admin/v1/drops/{id}/claims}; fails unless the answer is 200. @return the claims, oldest first */
    List<JsonNode> adminClaims(String dropId) throws IOException, InterruptedException {
        HttpResponse<String> response = adminGet("/admin/v1/drops/" + dropId + "/claims");
        assertEquals(200, response.statusCode(), "GET /admin/v1/drops/" + dropId + "/claims: " + response.body());
        List<JsonNode> claims = new ArrayList<>();
        body(response).path("claims").forEach(claims::add);
        return claims;
    }

    /** {@code GET /admin/v1/rules}; fails unless the answer is 200. @return the rule types by type name, in the server's order */
    Map<String, JsonNode> ruleTypes() throws IOException, InterruptedException {
        HttpResponse<String> response = adminGet("/admin/v1/rules");
        assertEquals(200, response.statusCode(), "GET /admin/v1/rules: " + response.body());
        Map<String, JsonNode> types = new java.util.LinkedHashMap<>();
        body(response).path("rules").forEach(rule -> types.put(rule.path("type").asText(), rule));
        return types;
    }

    /**
     * Starts or stops a bundle through the Felix Web Console
     * ({@code POST /system/console/bundles/<symbolicName>}, {@code action=start|stop}) as {@code admin}.
     */
    HttpResponse<String> bundleAction(String symbolicName, String action) throws IOException, InterruptedException {
        return server.postForm("/system/console/bundles/" + symbolicName, Map.of("action", action), "admin", ADMIN_PASSWORD);
    }

    /**
     * @return the bundle as {@code GET /api/v1/status} lists it ({@code symbolicName}, {@code version},
     *         {@code state}), or a missing node when it is not listed
     */
    JsonNode statusBundle(String symbolicName) throws IOException, InterruptedException {
        HttpResponse<String> response = server.get("/api/v1/status");
        assertEquals(200, response.statusCode(), "GET /api/v1/status: " + response.body());
        for (JsonNode bundle : body(response).path("bundles")) {
            if (symbolicName.equals(bundle.path("symbolicName").asText())) {
                return bundle;
            }
        }
        return MissingNode.getInstance();
    }

    // ---------------------------------------------------------------- live deployments

    /** {@code POST /admin/v1/deployments} with the bundle jar as body ({@code application/java-archive}), as {@code admin} */
    HttpResponse<String> postDeployment(byte[] jar) throws IOException, InterruptedException {
        return send(request("/admin/v1/deployments")
                .header("Authorization", DropwiseServer.basic("admin", ADMIN_PASSWORD))
                .header("Content-Type", "application/java-archive")
                .POST(HttpRequest.BodyPublishers.ofByteArray(jar))
                .build());
    }

    /** {@code GET /admin/v1/deployments/{id}} as {@code admin} */
    HttpResponse<String> getDeployment(String id) throws IOException, InterruptedException {
        return adminGet("/admin/v1/deployments/" + id);
    }

    /** {@code POST /admin/v1/deployments/{id}/rollback} as {@code admin} */
    HttpResponse<String> postRollback(String id) throws IOException, InterruptedException {
        return send(request("/admin/v1/deployments/" + id + "/rollback")
                .header("Authorization", DropwiseServer.basic("admin", ADMIN_PASSWORD))
                .POST(HttpRequest.BodyPublishers.noBody())
                .build());
    }

    /**
     * Installs a bundle jar through the Felix Web Console the way its upload form does
     * ({@code POST /system/console/bundles/install}, multipart {@code action=install},
     * {@code bundlefile}, optionally {@code bundlestart} and {@code refreshPackages}) as {@code admin}.
     * A jar whose symbolic name is already installed updates that bundle in place, in the background.
     */
    HttpResponse<String> consoleInstall(String fileName, byte[] jar, boolean start, boolean refreshPackages)
            throws IOException, InterruptedException {
        return consoleInstall("/system/console/bundles/install", fileName, jar, start, refreshPackages);
    }

    /** The same upload, to another of the console's addresses for it (the page's form posts to {@code /system/console/bundles}). */
    HttpResponse<String> consoleInstall(String path, String fileName, byte[] jar, boolean start, boolean refreshPackages)
            throws IOException, InterruptedException {
        byte[] random = new byte[8];
        RANDOM.nextBytes(random);
        String boundary = "----dropwise-e2e-" + HexFormat.of().formatHex(random);
        java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
        java.util.function.BiConsumer<String, String> field = (name, value) -> body.writeBytes(("--" + boundary + "\r\n"
                + "Content-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value + "\r\n")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        field.accept("action", "install");
        if (start) {
            field.accept("bundlestart", "start");
        }
        if (refreshPackages) {
            field.accept("refreshPackages", "true");
        }
        body.writeBytes(("--" + boundary + "\r\n"
                + "Content-Disposition: form-data; name=\"bundlefile\"; filename=\"" + fileName + "\"\r\n"
                + "Content-Type: application/java-archive\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        body.writeBytes(jar);
        body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return send(request(path)
                .header("Authorization", DropwiseServer.basic("admin", ADMIN_PASSWORD))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()))
                .build());
    }

    // ---------------------------------------------------------------- customers

    /** {@code POST /api/v1/drops/{id}/claims} with the token and the {@code Idempotency-Key} */
    HttpResponse<String> claim(String token, String dropId, String idempotencyKey) throws IOException, InterruptedException {
        return send(request("/api/v1/drops/" + dropId + "/claims")
                .header("Authorization", "Bearer " + token)
                .header("Idempotency-Key", idempotencyKey)
                .POST(HttpRequest.BodyPublishers.noBody())
                .build());
    }

    /** {@code POST /api/v1/drops/{id}/claims} with the token, the {@code Idempotency-Key} and more headers (e.g. {@code X-Forwarded-For}) */
    HttpResponse<String> claim(String token, String dropId, String idempotencyKey, Map<String, String> headers) throws IOException, InterruptedException {
        HttpRequest.Builder b = request("/api/v1/drops/" + dropId + "/claims")
                .header("Authorization", "Bearer " + token)
                .header("Idempotency-Key", idempotencyKey);
        headers.forEach(b::header);
        return send(b.POST(HttpRequest.BodyPublishers.noBody()).build());
    }

    /** {@code GET path} as the customer of the token */
    HttpResponse<String> get(String path, String token) throws IOException, InterruptedException {
        return send(request(path).header("Authorization", "Bearer " + token).GET().build());
    }

    /** {@code GET /api/v1/me/claims}; fails unless the answer is 200. @return the claims on that drop */
    List<JsonNode> claimsOn(String dropId, String token) throws IOException, InterruptedException {
        HttpResponse<String> response = get("/api/v1/me/claims", token);
        assertEquals(200, response.statusCode(), "GET /api/v1/me/claims: " + response.body());
        List<JsonNode> claims = new ArrayList<>();
        for (JsonNode claim : body(response).path("claims")) {
            if (claim.path("dropId").asText().equals(dropId)) {
                claims.add(claim);
            }
        }
        return claims;
    }

    // ---------------------------------------------------------------- bursts

    /**
     * Runs every task on a fixed pool of {@code threads} threads (submitted at once, in order) and
     * waits for them all.
     *
     * @return how long they took
     * @throws AssertionError when a task threw, or when they have not all ended within {@code budget}
     *         (the pool is then interrupted)
     */
    static Duration runAll(int threads, Duration budget, List<? extends Runnable> tasks) throws InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Throwable> thrown = new CopyOnWriteArrayList<>();
        long started = System.nanoTime();
        try {
            for (Runnable task : tasks) {
                pool.execute(() -> {
                    try {
                        task.run();
                    } catch (Throwable t) {
                        thrown.add(t);
                    }
                });
            }
            pool.shutdown();
            if (!pool.awaitTermination(budget.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError(tasks.size() + " tasks on " + threads + " threads did not end within " + budget);
            }
        } finally {
            pool.shutdownNow();
        }
        if (!thrown.isEmpty()) {
            AssertionError failure = new AssertionError(thrown.size() + " of " + tasks.size() + " tasks failed; the first: " + thrown.get(0),
                    thrown.get(0));
            thrown.stream().skip(1).limit(5).forEach(failure::addSuppressed);
            throw failure;
        }
        return Duration.ofNanos(System.nanoTime() - started);
    }

    // ---------------------------------------------------------------- answers

    HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(server.uri(path)).timeout(Duration.ofSeconds(30));
    }

    HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** @return the body as JSON, or a missing node when it is not JSON */
    JsonNode body(HttpResponse<String> response) {
        try {
            return json.readTree(response.body());
        } catch (JsonProcessingException e) {
            return MissingNode.getInstance();
        }
    }

    /** @return the problem type of a problem answer, without {@value #PROBLEM_PREFIX} (or the whole type if it is another) */
    String problem(HttpResponse<String> response) {
        String type = body(response).path("type").asText("");
        return type.startsWith(PROBLEM_PREFIX) ? type.substring(PROBLEM_PREFIX.length()) : type;
    }

    /** @return the media type of the answer, lower case, without parameters */
    static String mediaType(HttpResponse<?> response) {
        return response.headers().firstValue("Content-Type").orElse("").split(";")[0].strip().toLowerCase(Locale.ROOT);
    }

    /** @return whether the answer carries {@code Idempotent-Replayed: true} */
    static boolean replayed(HttpResponse<?> response) {
        return response.headers().firstValue("Idempotent-Replayed").map("true"::equalsIgnoreCase).orElse(false);
    }
}
