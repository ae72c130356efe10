package io.dropwise.runtime.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Every endpoint, fuzzed: {@value #REQUESTS} generated requests (a seeded generator: the seed is
 * printed; {@code -Ddropwise.fuzz.seed=<n>} replays a run, {@code -Ddropwise.fuzz.seed=random} explores a new one) over methods, paths (real and made-up
 * ids, unicode, traversal, huge), sign-ins (none, valid, forged, expired, {@code alg: none}, wrong
 * passwords, garbage), headers (content types, idempotency keys) and bodies (valid drops mutated:
 * wrong types, absurd numbers, repeated keys, deep nesting, unicode, truncated or huge JSON,
 * random bytes). Every answer must be below 500; every error must be an RFC 9457 problem
 * ({@code application/problem+json} with {@code type}, {@code title}, {@code status}); no answer
 * may show a stack trace; and the data must be untouched: what was stored before is still there,
 * and what was added is exactly what the fuzz's own 201 answers say.
 */
@Timeout(300)
class FuzzIT {

    static final int REQUESTS = 10_000;
    static final int THREADS = 8;
    static final List<String> METHODS = List.of("GET", "GET", "GET", "POST", "POST", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS");

    @RegisterExtension
    final KeepLogsOnFailure logs = new KeepLogsOnFailure();

    private final String secret = DropsClient.newTokenSecret();
    private final ObjectMapper json = new ObjectMapper();

    /** What one request was and what it got. */
    record Exchange(String method, String path, String auth, String contentType, int bodyBytes, int status, String mediaType, String body,
            boolean replayed) {

        /** @return the path without its query */
        String route() {
            int q = path.indexOf('?');
            return q < 0 ? path : path.substring(0, q);
        }

        String describe() {
            return method + " " + (path.length() > 120 ? path.substring(0, 120) + "…" : path) + " [" + auth + ", " + contentType + ", "
                    + bodyBytes + " B] → " + status + " " + mediaType + " " + (body.length() > 200 ? body.substring(0, 200) + "…" : body);
        }
    }

    @Test
    void tenThousandGeneratedRequestsGetNoServerErrorAndChangeNothingTheyShouldNot() throws Exception {
        // a fixed seed by default, so that CI is repeatable; -Ddropwise.fuzz.seed=random explores new sequences
        String asked = System.getProperty("dropwise.fuzz.seed", "20261126");
        long seed = asked.equals("random") ? System.nanoTime() : Long.parseLong(asked);
        System.out.println("FuzzIT: seed " + seed + " (replay with -Ddropwise.fuzz.seed=" + seed + ")");
        try (DropwiseServer server = DropsClient.configure(DropwiseServer.builder().name("fuzz").keepLogsWith(logs), secret)
                .env("DROPWISE_VIEWER_PASSWORD", "fuzz-Viewer-Password-99")
                // the fault API is fuzzed too; the only bundle its valid faults may name is the metrics bundle (harmless to the rest)
                .env("DROPWISE_FAULTS_ENABLED", "true").start()) {
            server.awaitReady(Duration.ofSeconds(30));
            DropsClient api = new DropsClient(server, secret);
            api.awaitApi(Duration.ofSeconds(20));

            // the data before: a stock drop with claims, a draw drop with entries
            String stock = api.createDrop(validDrop("stock", new Random(1))).path("id").asText();
            String draw = api.createDrop(validDrop("draw", new Random(2))).path("id").asText();
            for (int i = 0; i < 20; i++) {
                assertEquals(201, api.claim(api.token("before-" + i, "employee"), i % 2 == 0 ? stock : draw, "k").statusCode());
            }
            Map<String, Set<String>> claimsBefore = claims(api, List.of(stock, draw));
            int dropsBefore = api.body(api.adminGet("/admin/v1/drops")).path("drops").size();

            HttpClient client = newClient();
            Generator generator = new Generator(seed, api, List.of(stock, draw));
            List<Exchange> exchanges = Collections.synchronizedList(new ArrayList<>());
            AtomicInteger transportErrors = new AtomicInteger();
            List<String> transportSamples = Collections.synchronizedList(new ArrayList<>());
            long started = System.nanoTime();
            ExecutorService pool = Executors.newFixedThreadPool(THREADS);
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < REQUESTS; i++) {
                Generator.Request r = generator.next(); // generated on this thread: the sequence depends on the seed only
                futures.add(pool.submit(() -> {
                    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.baseUri() + r.path())).timeout(Duration.ofSeconds(20))
                            .method(r.method(), r.body() == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(r.body()));
                    r.headers().forEach(b::header);
                    try {
                        HttpResponse<String> response;
                        try {
                            response = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
                        } catch (java.io.IOException closed) {
                            // the server may close a keep-alive connection after answering without reading a large body
                            // (HTTP allows it); the client had already reused it: one retry on a fresh connection, from a
                            // client of its own (the shared client's pool may hold other connections closed the same way:
                            // a retry through it failed once in CI with the same "received no bytes")
                            response = newClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
                        }
                        exchanges.add(new Exchange(r.method(), r.path(), r.auth(), r.headers().getOrDefault("Content-Type", "-"),
                                r.body() == null ? 0 : r.body().length, response.statusCode(),
                                response.headers().firstValue("Content-Type").orElse(""), response.body(), DropsClient.replayed(response)));
                    } catch (java.io.IOException e) {
                        transportErrors.incrementAndGet();
                        if (transportSamples.size() < 5) {
                            transportSamples.add(r.method() + " " + r.path() + ": " + e);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get(120, TimeUnit.SECONDS);
            }
            pool.shutdown();
            double seconds = (System.nanoTime() - started) / 1e9;

            // ------------------------------------------------------------ what came back
            Map<Integer, Long> byStatus = exchanges.stream().collect(Collectors.groupingBy(Exchange::status, TreeMap::new, Collectors.counting()));
            System.out.printf("FuzzIT: %d requests in %.1f s (%d threads); answers by status: %s; transport errors %d %s%n", REQUESTS, seconds,
                    THREADS, byStatus, transportErrors.get(), transportSamples);
            System.out.printf("FuzzIT: generated: %s%n", generator.counts());
            List<String> problems = new ArrayList<>();
            List<Exchange> serverErrors = exchanges.stream().filter(e -> e.status() >= 500).toList();
            // Jetty refuses some paths before any servlet runs (an encoded '/', NUL or control characters, invalid UTF-8):
            // its own 400, which Dropwise cannot shape; counted apart, and held to: 400, no stack trace, nothing changed
            List<Exchange> refusedByJetty = exchanges.stream().filter(FuzzIT::refusedByJetty).toList();
            List<Exchange> notProblems = exchanges.stream()
                    .filter(e -> e.status() >= 400 && !e.method().equals("HEAD") && !refusedByJetty(e) && !isProblem(e)).toList();
            System.out.printf("FuzzIT: %d requests with a malformed path were refused by Jetty itself (400) before reaching Dropwise, e.g. %s%n",
                    refusedByJetty.size(), refusedByJetty.stream().limit(3).map(Exchange::path).toList());
            List<Exchange> traces = exchanges.stream().filter(e -> showsTrace(e.body())).toList();
            report(problems, serverErrors, "answers of 500 or more");
            report(problems, notProblems, "errors that are not an RFC 9457 problem (application/problem+json with type, title, status)");
            report(problems, traces, "answers that show a stack trace");
            if (transportErrors.get() > 0) {
                problems.add(transportErrors.get() + " requests got no HTTP answer: " + transportSamples);
            }
            if (exchanges.size() + transportErrors.get() != REQUESTS) {
                problems.add("only " + (exchanges.size() + transportErrors.get()) + " of " + REQUESTS + " requests completed");
            }

            // ------------------------------------------------------------ the data afterwards
            Map<String, Set<String>> claimsAfter = claims(api, List.of(stock, draw));
            long createdClaims = exchanges.stream().filter(e -> e.status() == 201 && !e.replayed() && e.route().matches("/api/v1/drops/[^/]+/claims"))
                    .count();
            long createdDrops = exchanges.stream().filter(e -> e.status() == 201 && e.route().equals("/admin/v1/drops")).count();
            int dropsAfter = api.body(api.adminGet("/admin/v1/drops")).path("drops").size();
            for (String drop : List.of(stock, draw)) {
                if (!claimsAfter.get(drop).containsAll(claimsBefore.get(drop))) {
                    problems.add("claims stored before the fuzz on " + drop + " are gone");
                }
            }
            int addedClaims = claimsAfter.values().stream().mapToInt(Set::size).sum() - claimsBefore.values().stream().mapToInt(Set::size).sum();
            System.out.printf("FuzzIT: data: drops %d → %d (the fuzz got 201 for %d drops), claims on the two drops %d → %d "
                    + "(the fuzz got 201 for %d new claims)%n", dropsBefore, dropsAfter, createdDrops,
                    claimsBefore.values().stream().mapToInt(Set::size).sum(), claimsAfter.values().stream().mapToInt(Set::size).sum(), createdClaims);
            if (dropsAfter != dropsBefore + createdDrops) {
                problems.add("drops: " + dropsBefore + " before, " + dropsAfter + " after, but " + createdDrops + " created");
            }
            if (addedClaims != createdClaims) {
                problems.add("claims: " + addedClaims + " added, but the fuzz got 201 for " + createdClaims);
            }
            JsonNode health = json.readTree(server.get("/system/health").body());
            if (!health.path("overallResult").asText().equals("OK")) {
                problems.add("health after the fuzz: " + health);
            }
            problems.forEach(p -> System.out.println("FuzzIT: PROBLEM " + p));
            assertTrue(problems.isEmpty(), problems.size() + " problem(s), seed " + seed + ":\n" + String.join("\n", problems));
            System.out.println("FuzzIT: OK: no 5xx, every error a problem+json, no stack trace, the data as the answers say");
        }
    }

    /** HTTP/1.1, no redirects followed: what the fuzz sends is what the server sees. */
    private static HttpClient newClient() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5))
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    private static void report(List<String> problems, List<Exchange> bad, String what) {
        if (!bad.isEmpty()) {
            problems.add(bad.size() + " " + what + ", e.g.:\n  " + bad.stream().limit(8).map(Exchange::describe).collect(Collectors.joining("\n  ")));
        }
    }

    private boolean isProblem(Exchange e) {
        if (!e.mediaType().toLowerCase().startsWith("application/problem+json")) {
            return false;
        }
        try {
            JsonNode p = json.readTree(e.body());
            return p.path("type").asText().startsWith(DropsClient.PROBLEM_PREFIX) && !p.path("title").asText().isEmpty()
                    && p.path("status").asInt() == e.status();
        } catch (Exception notJson) {
            return false;
        }
    }

    /**
     * Paths Jetty will not take to a servlet: an encoded '/' or '\\', NUL, CR, LF, invalid UTF-8 ({@code %ff},
     * {@code %fe}), dot-dot segments (plain or encoded) and empty segments.
     */
    static boolean refusedByJetty(Exchange e) {
        String p = e.route().toLowerCase();
        boolean malformed = p.contains("%2f") || p.contains("%5c") || p.contains("%00") || p.contains("%0d") || p.contains("%0a")
                || p.contains("%ff") || p.contains("%fe") || p.contains("%2e%2e") || p.contains("/..") || p.contains("//");
        return malformed && (e.status() == 400 || e.status() == 404)
                && (e.body().isEmpty() || e.body().contains("<title>Error 400") || e.body().contains("<title>Error 404"));
    }

    static boolean showsTrace(String body) {
        return body.contains("Exception") && (body.contains("\tat ") || body.contains("at io.dropwise.") || body.contains("at java.")
                || body.contains("at org.")) || body.contains("Caused by:");
    }

    private static Map<String, Set<String>> claims(DropsClient api, List<String> drops) throws Exception {
        Map<String, Set<String>> out = new LinkedHashMap<>();
        for (String d : drops) {
            out.put(d, api.adminClaims(d).stream().map(c -> c.path("claimId").asText()).collect(Collectors.toSet()));
        }
        return out;
    }

    static Map<String, Object> validDrop(String kind, Random random) {
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("title", "Fuzz " + kind + " " + random.nextInt(1000));
        spec.put("reward", "A coffee");
        spec.put("kind", kind);
        if (kind.equals("stock")) {
            spec.put("stock", 1_000_000);
        } else {
            spec.put("winners", 3);
        }
        spec.put("opensAt", DropsClient.inMillis(Duration.ofMinutes(-1)).toString());
        spec.put("tierOffsets", Map.of("employee", "PT0S", "vip", "PT0S", "standard", "PT0S"));
        return spec;
    }

    /** The request generator: everything it makes depends on the seed. */
    static final class Generator {
        record Request(String method, String path, String auth, Map<String, String> headers, byte[] body) {
        }

        private static final String[] WEIRD = {"", " ", "%00", "%2e%2e", "..", "%2F", "null", "-1", "0", "9".repeat(40), "é", "🎟️", "\u202e",
                "<script>", "' OR 1=1 --", "%ff%fe", "a".repeat(3000), "d-", "d-0000000000000000", "%20", "%0d%0aX-Injected:%201"};
        private static final String[] CONTENT_TYPES = {"application/json", "application/json; charset=utf-8", "text/plain",
                "application/java-archive", "multipart/form-data; boundary=x", "application/x-www-form-urlencoded", "application/xml",
                "application/json; charset=latin1", "garbage/@@", ""};

        private final Random random;
        private final DropsClient api;
        private final List<String> drops;
        private final ObjectMapper json = new ObjectMapper();
        private final Map<String, Integer> counts = new TreeMap<>();

        Generator(long seed, DropsClient api, List<String> drops) {
            this.random = new Random(seed);
            this.api = api;
            this.drops = drops;
        }

        Map<String, Integer> counts() {
            return counts;
        }

        private <T> T pick(List<T> list) {
            return list.get(random.nextInt(list.size()));
        }

        private String pick(String[] array) {
            return array[random.nextInt(array.length)];
        }

        Request next() throws Exception {
            String method = pick(METHODS);
            String id = id();
            String path = pick(List.of("/api/v1/status", "/api/v1/openapi.json", "/api/v1/drops", "/api/v1/drops/" + id + "/claims",
                    "/api/v1/drops/" + id + "/draw", "/api/v1/me/claims", "/admin/v1/drops", "/admin/v1/drops/" + id,
                    "/admin/v1/drops/" + id + "/claims", "/admin/v1/drops/" + id + "/activity", "/admin/v1/drops/" + id + "/draw",
                    "/admin/v1/rules", "/admin/v1/deployments", "/admin/v1/deployments/" + id, "/admin/v1/deployments/" + id + "/rollback",
                    "/api/v1/" + pick(WEIRD), "/admin/v1/" + pick(WEIRD) + "/" + pick(WEIRD), "/api/v1/drops/" + id + "/claims/" + pick(WEIRD),
                    "/system/health", "/metrics", "/admin/v1/faults", "/admin/v1/faults/" + pick(List.of("fault-1", "fault-2", id))));
            if (random.nextInt(20) == 0) {
                path = path + "?" + pick(WEIRD) + "=" + pick(WEIRD);
            }
            Map<String, String> headers = new LinkedHashMap<>();
            String auth = auth(path, headers);
            if (random.nextInt(3) > 0) {
                String ct = pick(CONTENT_TYPES);
                if (!ct.isEmpty()) {
                    headers.put("Content-Type", ct);
                }
            }
            if (path.endsWith("/claims") && random.nextInt(4) > 0) {
                headers.put("Idempotency-Key", pick(List.of("k-" + random.nextInt(50), "", " ", "x".repeat(201), "\\u00e9-key",
                        "a".repeat(200), "\t", "k" + random.nextLong())));
            }
            if (random.nextInt(10) == 0) {
                headers.put("Accept", pick(List.of("text/html", "application/xml", "*/*", "application/json;q=0")));
            }
            byte[] body = method.equals("GET") || method.equals("HEAD") || random.nextInt(5) == 0 ? null : body(path);
            counts.merge(method, 1, Integer::sum);
            counts.merge("auth:" + auth, 1, Integer::sum);
            return new Request(method, encodePath(path), auth, headers, body);
        }

        private static String encodePath(String path) {
            // keep the path's own percent-escapes; encode what HttpClient would refuse (spaces, unicode, quotes...)
            StringBuilder b = new StringBuilder();
            for (char c : path.toCharArray()) {
                if (c > 0x20 && c < 0x7f && "\"<>\\^`{|} ".indexOf(c) < 0) {
                    b.append(c);
                } else {
                    b.append(URLEncoder.encode(String.valueOf(c), StandardCharsets.UTF_8).replace("+", "%20"));
                }
            }
            return b.toString();
        }

        private String id() {
            int r = random.nextInt(10);
            if (r < 5) {
                return pick(drops);
            }
            return pick(WEIRD);
        }

        private String auth(String path, Map<String, String> headers) {
            int r = random.nextInt(12);
            boolean admin = path.startsWith("/admin");
            String tier = pick(List.of("employee", "vip", "standard", "gold", "", "EMPLOYEE"));
            switch (r) {
                case 0:
                    return "none";
                case 1, 2, 3:
                    if (admin) {
                        headers.put("Authorization", DropwiseServer.basic("admin", DropsClient.ADMIN_PASSWORD));
                        return "admin";
                    }
                    headers.put("Authorization", "Bearer " + api.token("fuzz-" + random.nextInt(500), tier));
                    return "customer";
                case 4:
                    headers.put("Authorization", DropwiseServer.basic("viewer", "fuzz-Viewer-Password-99"));
                    return "viewer";
                case 5:
                    // not admin: ten wrong passwords pause an account for a minute, and the checks at the end sign in as admin
                    headers.put("Authorization", DropwiseServer.basic(pick(List.of("viewer", "root", "", "é")), pick(WEIRD)));
                    return "wrong-password";
                case 6:
                    headers.put("Authorization", "Bearer " + api.sign(Map.of("sub", pick(WEIRD), "tier", tier,
                            "exp", pick(List.of(1L, -5L, Long.MAX_VALUE, 4_102_444_800L)))));
                    return "odd-claims";
                case 7:
                    headers.put("Authorization", "Bearer " + b64("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + b64("{\"sub\":\"x\",\"tier\":\"vip\",\"exp\":4102444800}") + ".");
                    return "alg-none";
                case 8:
                    headers.put("Authorization", "Bearer " + api.token("fuzz", "vip").replaceFirst(".$", "A"));
                    return "bad-signature";
                case 9:
                    headers.put("Authorization", pick(List.of("Bearer", "Bearer ", "Basic", "Basic !!!", "Basic " + b64("nocolon"),
                            "Bearer " + "a".repeat(7000), "Negotiate abc", "Bearer a.b.c", "Bearer ..", "bearer " + api.token("x", "vip"))));
                    return "garbage";
                case 10:
                    headers.put("Authorization", "Bearer " + api.sign(Map.of("sub", "fuzz", "tier", "vip", "exp",
                            java.time.Instant.now().minusSeconds(3600).getEpochSecond())));
                    return "expired";
                default:
                    headers.put("Authorization", admin ? "Bearer " + api.token("fuzz", "vip") : DropwiseServer.basic("admin", DropsClient.ADMIN_PASSWORD));
                    return "wrong-kind";
            }
        }

        private static String b64(String s) {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
        }

        private byte[] body(String path) throws Exception {
            if (path.startsWith("/admin/v1/faults") && random.nextInt(3) > 0) {
                return json.writeValueAsBytes(fault());
            }
            int r = random.nextInt(12);
            switch (r) {
                case 0:
                    byte[] bytes = new byte[random.nextInt(2048)];
                    random.nextBytes(bytes);
                    return bytes;
                case 1:
                    return ("{\"title\":\"" + "x".repeat(random.nextInt(200_000)) + "\"}").getBytes(StandardCharsets.UTF_8);
                case 2:
                    return "[".repeat(random.nextInt(5000) + 1).getBytes(StandardCharsets.UTF_8);
                case 3:
                    return "{\"title\":\"a\",\"title\":\"b\",\"kind\":\"stock\",\"stock\":5}".getBytes(StandardCharsets.UTF_8);
                case 4:
                    return truncate(json.writeValueAsBytes(validDrop("stock", random)));
                case 5:
                    return "".getBytes(StandardCharsets.UTF_8);
                default:
                    Map<String, Object> spec = validDrop(random.nextBoolean() ? "stock" : "draw", random);
                    mutate(spec);
                    return json.writeValueAsBytes(spec);
            }
        }

        /** A fault, mostly wrong; when valid it names the metrics bundle or none that exists. */
        private Map<String, Object> fault() {
            Map<String, Object> f = new LinkedHashMap<>();
            List<Object> values = List.of(-1, 0, 1, 2, 601, Integer.MAX_VALUE, Long.MAX_VALUE, 1e308, 0.5, "", "🎟️", true, List.of(), Map.of(),
                    "\u0000");
            if (random.nextInt(5) > 0) {
                f.put("bundle", random.nextInt(3) == 0 ? pick(values) : pick(List.of("io.dropwise.metrics", "com.example.none", "", pick(WEIRD))));
            }
            if (random.nextInt(5) > 0) {
                f.put("kind", random.nextInt(4) == 0 ? pick(values) : pick(List.of("latency", "exception", "stop", "LATENCY", pick(WEIRD))));
            }
            if (random.nextBoolean()) {
                f.put("latencyMillis", pick(values));
            }
            if (random.nextInt(3) == 0) {
                f.put("probability", pick(values));
            }
            if (random.nextInt(5) > 0) {
                f.put("seconds", pick(values));
            }
            if (random.nextInt(8) == 0) {
                f.put(pick(WEIRD), pick(values));
            }
            return f;
        }

        private byte[] truncate(byte[] b) {
            return java.util.Arrays.copyOf(b, random.nextInt(b.length));
        }

        private void mutate(Map<String, Object> spec) {
            List<Object> values = List.of(-1, 0, Integer.MAX_VALUE, Long.MAX_VALUE, 1e308, -0.5, "", "🎟️".repeat(50), true, List.of(), Map.of(),
                    List.of(1, "a", Map.of()), "2026-13-45T99:99:99Z", "PT-5M", "P9999999D", "\u0000", java.util.Collections.singletonMap("a", null));
            List<String> keys = new ArrayList<>(List.of("title", "reward", "kind", "stock", "winners", "opensAt", "closesAt", "tierOffsets",
                    "perCustomerLimit", "rules", "onRuleFailure", "unknownField"));
            int n = random.nextInt(3) + 1;
            for (int i = 0; i < n; i++) {
                String key = pick(keys);
                int how = random.nextInt(4);
                if (how == 0) {
                    spec.remove(key);
                } else if (how == 1 && key.equals("rules")) {
                    spec.put("rules", List.of(Map.of("type", pick(List.of("card-product", "allow-list", "nope", "")), "params",
                            Map.of(pick(List.of("cards", "customers", "min", "x")), pick(values)))));
                } else if (how == 2 && key.equals("tierOffsets")) {
                    spec.put("tierOffsets", Map.of(pick(List.of("employee", "vip", "gold")), pick(values)));
                } else {
                    spec.put(key, pick(values));
                }
            }
        }
    }
}
