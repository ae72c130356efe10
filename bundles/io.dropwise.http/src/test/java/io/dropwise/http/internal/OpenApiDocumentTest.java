package io.dropwise.http.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.Version;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.dropwise.api.customer.Tier;
import io.dropwise.api.drops.Claim;
import io.dropwise.api.drops.ClaimStatus;
import io.dropwise.api.drops.DrawResult;
import io.dropwise.api.drops.Drop;
import io.dropwise.api.drops.DropKind;
import io.dropwise.api.drops.DropSpec;
import io.dropwise.api.drops.DropState;
import io.dropwise.api.drops.DropStats;
import io.dropwise.api.drops.DropView;
import io.dropwise.api.drops.RuleFailurePolicy;

/**
 * The OpenAPI document served at {@code GET /api/v1/openapi.json} describes what {@link ApiHandler}
 * and {@link AdminHandler} actually route and answer.
 */
class OpenApiDocumentTest {

    private static final String PROBLEM_SCHEMA = "#/components/schemas/Problem";

    /** Every path the servlets route, with the methods each answers (HEAD on the public GETs is implied). */
    private static final Map<String, Set<String>> ROUTES = Map.ofEntries(
            Map.entry("/api/v1/status", Set.of("get")),
            Map.entry("/api/v1/openapi.json", Set.of("get")),
            Map.entry("/api/v1/drops", Set.of("get")),
            Map.entry("/api/v1/drops/{dropId}/claims", Set.of("post")),
            Map.entry("/api/v1/drops/{dropId}/draw", Set.of("get")),
            Map.entry("/api/v1/me/claims", Set.of("get")),
            Map.entry("/admin/v1/drops", Set.of("get", "post")),
            Map.entry("/admin/v1/drops/{dropId}", Set.of("get")),
            Map.entry("/admin/v1/drops/{dropId}/claims", Set.of("get")),
            Map.entry("/admin/v1/drops/{dropId}/activity", Set.of("get")),
            Map.entry("/admin/v1/drops/{dropId}/draw", Set.of("get", "post")),
            Map.entry("/admin/v1/rules", Set.of("get")),
            Map.entry("/admin/v1/deployments", Set.of("get", "post")),
            Map.entry("/admin/v1/deployments/{deploymentId}", Set.of("get")),
            Map.entry("/admin/v1/deployments/{deploymentId}/rollback", Set.of("post")));

    /** The error statuses each operation can answer (besides 405 and 404 for wrong methods and paths). */
    private static final Map<String, Set<String>> ERRORS = Map.ofEntries(
            Map.entry("get /api/v1/status", Set.of("500", "503")),
            Map.entry("get /api/v1/openapi.json", Set.of("404", "500", "503")),
            Map.entry("get /api/v1/drops", Set.of("401", "500", "503")),
            Map.entry("post /api/v1/drops/{dropId}/claims", Set.of("400", "401", "403", "404", "409", "429", "500", "503")),
            Map.entry("get /api/v1/drops/{dropId}/draw", Set.of("401", "404", "409", "500", "503")),
            Map.entry("get /api/v1/me/claims", Set.of("401", "500", "503")),
            Map.entry("get /admin/v1/drops", Set.of("401", "500", "503")),
            Map.entry("post /admin/v1/drops", Set.of("400", "401", "403", "413", "415", "500", "503")),
            Map.entry("get /admin/v1/drops/{dropId}", Set.of("401", "404", "500", "503")),
            Map.entry("get /admin/v1/drops/{dropId}/claims", Set.of("401", "404", "500", "503")),
            Map.entry("get /admin/v1/drops/{dropId}/activity", Set.of("401", "404", "500", "503")),
            Map.entry("get /admin/v1/drops/{dropId}/draw", Set.of("401", "404", "409", "500", "503")),
            Map.entry("post /admin/v1/drops/{dropId}/draw", Set.of("401", "403", "404", "409", "500", "503")),
            Map.entry("get /admin/v1/rules", Set.of("401", "500", "503")),
            Map.entry("get /admin/v1/deployments", Set.of("401", "500", "503")),
            Map.entry("post /admin/v1/deployments", Set.of("400", "401", "403", "413", "415", "500", "503")),
            Map.entry("get /admin/v1/deployments/{deploymentId}", Set.of("401", "404", "500", "503")),
            Map.entry("post /admin/v1/deployments/{deploymentId}/rollback", Set.of("400", "401", "403", "404", "500", "503")));

    private static final Set<String> OPERATION_KEYS = Set.of("get", "put", "post", "delete", "options", "head", "patch", "trace");

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private static JsonNode doc;

    @BeforeAll
    static void load() throws IOException {
        // the same lookup ApiHandler.openApi makes
        try (InputStream in = ApiHandler.class.getResourceAsStream("openapi.json")) {
            assertNotNull(in, "openapi.json is missing next to ApiHandler on the class path");
            doc = JSON.readTree(in);
        }
    }

    @Test
    void isAnOpenApi31Document() {
        assertTrue(doc.isObject());
        assertTrue(doc.path("openapi").asText().matches("3\\.1\\.\\d+"), "openapi: " + doc.path("openapi"));
        assertFalse(doc.path("info").path("title").asText().isBlank());
        assertFalse(doc.path("info").path("version").asText().isBlank());
    }

    @Test
    void documentsEveryRouteOfTheServletsAndNothingElse() {
        assertEquals(new TreeSet<>(ROUTES.keySet()), fieldNames(doc.path("paths")));
        ROUTES.forEach((path, methods) -> {
            Set<String> documented = new TreeSet<>();
            fieldNames(doc.path("paths").path(path)).stream().filter(OPERATION_KEYS::contains).forEach(documented::add);
            assertEquals(new TreeSet<>(methods), documented, path);
        });
    }

    @Test
    void declaresEveryPathParameter() {
        Pattern template = Pattern.compile("\\{([^}]+)}");
        for (String path : ROUTES.keySet()) {
            Set<String> declared = new TreeSet<>();
            for (JsonNode p : doc.path("paths").path(path).path("parameters")) {
                JsonNode parameter = resolve(p);
                if (parameter.path("in").asText().equals("path")) {
                    assertTrue(parameter.path("required").asBoolean(), path + " " + parameter);
                    declared.add(parameter.path("name").asText());
                }
            }
            Set<String> expected = new TreeSet<>();
            for (Matcher m = template.matcher(path); m.find();) {
                expected.add(m.group(1));
            }
            assertEquals(expected, declared, path);
        }
    }

    @Test
    void everyOperationListsItsErrorsAsProblems() {
        forEachOperation((name, operation) -> {
            JsonNode responses = operation.path("responses");
            Set<String> errors = new TreeSet<>();
            boolean success = false;
            for (String status : fieldNames(responses)) {
                JsonNode response = resolve(responses.get(status));
                assertFalse(response.path("description").asText().isBlank(), name + " " + status + " has no description");
                if (status.startsWith("2")) {
                    success = true;
                    assertTrue(response.path("content").has("application/json"), name + " " + status + " is not JSON");
                    continue;
                }
                assertTrue(status.matches("[45]\\d\\d"), name + ": unexpected response " + status);
                errors.add(status);
                JsonNode content = response.path("content");
                assertEquals(Set.of("application/problem+json"), fieldNames(content), name + " " + status);
                assertEquals(PROBLEM_SCHEMA, content.path("application/problem+json").path("schema").path("$ref").asText(),
                        name + " " + status + " does not use the Problem schema");
            }
            assertTrue(success, name + " has no 2xx response");
            assertEquals(new TreeSet<>(ERRORS.get(name)), errors, name);
        });
        assertEquals(ERRORS.size(), operations().size());
    }

    @Test
    void problemSchemaHasTheMembersHttpExchangeWrites() {
        JsonNode problem = resolve(ref(PROBLEM_SCHEMA));
        Set<String> members = Set.of("type", "title", "status", "detail", "instance");
        assertEquals(members, arrayOfText(problem.path("required")));
        Set<String> properties = fieldNames(problem.path("properties"));
        assertTrue(properties.containsAll(members), properties.toString());
        assertTrue(properties.containsAll(Set.of("opensAt", "errors")), "extension members are documented");
        assertTrue(Problem.of("x", "X", 400, "d", "/i").type().matches(problem.path("properties").path("type").path("pattern").asText()));
    }

    @Test
    void securitySchemesExistAndEachOperationUsesTheRightOne() {
        JsonNode schemes = doc.path("components").path("securitySchemes");
        assertEquals("http", schemes.path("customerToken").path("type").asText());
        assertEquals("bearer", schemes.path("customerToken").path("scheme").asText());
        assertEquals("JWT", schemes.path("customerToken").path("bearerFormat").asText());
        assertEquals("http", schemes.path("operator").path("type").asText());
        assertEquals("basic", schemes.path("operator").path("scheme").asText());

        forEachOperation((name, operation) -> {
            JsonNode security = operation.has("security") ? operation.get("security") : doc.path("security");
            Set<String> schemesUsed = new TreeSet<>();
            security.forEach(requirement -> schemesUsed.addAll(fieldNames(requirement)));
            String path = name.substring(name.indexOf(' ') + 1);
            Set<String> expected = path.equals("/api/v1/status") || path.equals("/api/v1/openapi.json") ? Set.of()
                    : path.startsWith("/admin/") ? Set.of("operator") : Set.of("customerToken");
            assertEquals(expected, schemesUsed, name);
        });
    }

    @Test
    void claimsRequireAnIdempotencyKeyOfOneTo200VisibleAsciiCharacters() {
        JsonNode key = null;
        for (JsonNode p : doc.path("paths").path("/api/v1/drops/{dropId}/claims").path("post").path("parameters")) {
            JsonNode parameter = resolve(p);
            if (parameter.path("name").asText().equals("Idempotency-Key")) {
                key = parameter;
            }
        }
        assertNotNull(key);
        assertEquals("header", key.path("in").asText());
        assertTrue(key.path("required").asBoolean());
        assertEquals(1, key.path("schema").path("minLength").asInt());
        assertEquals(ApiHandler.MAX_IDEMPOTENCY_KEY, key.path("schema").path("maxLength").asInt());
    }

    @Test
    void everyReferenceResolves() {
        List<String> refs = new ArrayList<>();
        collectRefs(doc, refs);
        assertFalse(refs.isEmpty());
        for (String r : refs) {
            assertTrue(r.startsWith("#/"), r);
            assertFalse(doc.at(r.substring(1)).isMissingNode(), "unresolved " + r);
        }
    }

    /** The response schemas name exactly the members {@link Views} and {@link ServerStatus} write. */
    @Test
    void schemasMatchWhatTheServletsWrite() {
        Instant opens = Instant.parse("2026-11-27T09:00:00Z");
        Map<Tier, Duration> offsets = new LinkedHashMap<>(DropSpec.DEFAULT_TIER_OFFSETS);
        DropSpec stockSpec = new DropSpec("Cinema", "Two tickets", DropKind.STOCK, 500, null, opens, offsets, null, 1,
                List.of(new DropSpec.RuleRef("card-product", Map.of("codes", List.of("gold")))), RuleFailurePolicy.DENY);
        DropSpec drawSpec = new DropSpec("Trip", "A week away", DropKind.DRAW, null, 3, opens, offsets,
                opens.plus(Duration.ofDays(3)), 1, List.of(), RuleFailurePolicy.SKIP);
        String hash = "0".repeat(64);
        Drop stock = new Drop("d-0000000000000001", stockSpec, hash, opens.minusSeconds(3600), null);
        Drop draw = new Drop("d-0000000000000002", drawSpec, hash, opens.minusSeconds(3600), opens.plus(Duration.ofDays(4)));
        Map<String, Integer> perTier = Map.of("employee", 1, "vip", 2, "standard", 3);
        Claim claim = new Claim("c1", stock.id(), "customer-1", ClaimStatus.CLAIMED, "key-1", opens.plusSeconds(5), "tier-window@io.dropwise.rules.builtin/0.1.0");

        matches("CustomerDrop", Views.customerDrop(new DropView(stock, opens, DropState.OPEN, 12)));
        matches("CustomerDrop", Views.customerDrop(new DropView(draw, opens, DropState.DRAWN, null)));
        matches("AdminDrop", Views.adminDrop(stock, null));
        matches("AdminDrop", Views.adminDrop(stock, new DropStats(6, 494, 0, perTier)));
        matches("AdminDrop", Views.adminDrop(draw, new DropStats(0, null, 6, perTier)));
        matches("DropStats", new DropStats(0, null, 6, perTier));
        matches("DropActivity", Views.activity(stock, new DropStats(6, 494, 0, perTier), new io.dropwise.api.drops.DropActivity(stock.id(),
                List.of(new io.dropwise.api.drops.DropActivity.Second(opens, 6)), Map.of("employee", Map.of("claimed", 6L, "early", 2L),
                        "vip", Map.of(), "standard", Map.of()), opens)));
        matches("DropActivity", Views.activity(draw, null, new io.dropwise.api.drops.DropActivity(draw.id(), List.of(),
                Map.of("employee", Map.of(), "vip", Map.of(), "standard", Map.of()), opens)));
        matches("RulePlugin", Views.rulePlugin(new io.dropwise.api.drops.RulePluginStatus("com.example.rules", "1.2.0", "open",
                opens, 40, 7, 5, 2, 4, "did not answer within 100 ms")));
        matches("RulePlugin", Views.rulePlugin(new io.dropwise.api.drops.RulePluginStatus("com.example.rules", "1.2.0", "closed",
                null, 40, 0, 0, 0, 0, null)));
        matches("Claim", Views.claim(claim));
        matches("MyClaim", Views.myClaim(claim));
        matches("DrawResult", Views.draw(new DrawResult(draw.id(), "1".repeat(64), hash, List.of("a".repeat(64), "b".repeat(64)),
                List.of("b".repeat(64)), 1, opens.plus(Duration.ofDays(4)), "the algorithm")));
        matches("ServerStatus", ServerStatus.of("1.2.3", new Bundle[] {bundle("io.dropwise.http", "0.1.0", Bundle.ACTIVE)}));
        io.dropwise.api.deploy.Deployment deployment = new io.dropwise.api.deploy.Deployment("dep-1", "io.dropwise.http", "0.1.1", "0.1.0",
                io.dropwise.api.deploy.DeploymentState.ROLLED_BACK, "admin-api (admin)", "its health check is CRITICAL",
                List.of(new io.dropwise.api.deploy.Deployment.Step(opens, io.dropwise.api.deploy.DeploymentState.VERIFYING, "received")));
        matches("Deployment", Views.deployment(deployment));
        matches("DeploymentStep", ((List<?>) Views.deployment(deployment).get("timeline")).stream().map(o -> {
            @SuppressWarnings("unchecked")
            Map<String, Object> m = (Map<String, Object>) o;
            return m;
        }).findFirst().orElseThrow());
        matches("BundleStatus", new ServerStatus.BundleStatus("io.dropwise.http", "0.1.0", "active"));
    }

    @Test
    void dropRequestSchemaAcceptsExactlyTheFieldsTheParserReads() {
        JsonNode request = resolve(ref("#/components/schemas/DropRequest"));
        assertEquals(new TreeSet<>(DropSpecParser.FIELDS), fieldNames(request.path("properties")));
        assertFalse(request.path("additionalProperties").asBoolean(true), "unknown fields are refused");
    }

    // ---------------------------------------------------------------------------------------------

    private static void matches(String schemaName, Object written) {
        JsonNode value = JSON.valueToTree(written);
        JsonNode schema = resolve(ref("#/components/schemas/" + schemaName));
        Set<String> properties = fieldNames(schema.path("properties"));
        Set<String> members = fieldNames(value);
        assertTrue(properties.containsAll(members), schemaName + " lacks " + difference(members, properties));
        Set<String> required = arrayOfText(schema.path("required"));
        assertTrue(members.containsAll(required), schemaName + ": written without " + difference(required, members));
        for (String member : members) {
            JsonNode propertySchema = resolve(schema.path("properties").path(member));
            assertTrue(typeAllows(propertySchema, value.get(member)),
                    schemaName + "." + member + ": " + value.get(member) + " does not fit " + propertySchema);
            if (propertySchema.path("type").asText().equals("object") && propertySchema.has("properties")) {
                Set<String> nested = fieldNames(value.get(member));
                assertTrue(fieldNames(propertySchema.path("properties")).containsAll(nested), schemaName + "." + member + ": " + nested);
            }
        }
    }

    private static boolean typeAllows(JsonNode schema, JsonNode value) {
        JsonNode type = schema.path("type");
        if (type.isMissingNode()) {
            return true; // oneOf or an untyped schema
        }
        Set<String> types = type.isArray() ? arrayOfText(type) : Set.of(type.asText());
        String actual = switch (value.getNodeType()) {
            case NULL -> "null";
            case STRING -> "string";
            case NUMBER -> value.isIntegralNumber() ? "integer" : "number";
            case BOOLEAN -> "boolean";
            case ARRAY -> "array";
            case OBJECT, POJO -> "object";
            default -> value.getNodeType().name();
        };
        return types.contains(actual) || (actual.equals("integer") && types.contains("number"));
    }

    private static Bundle bundle(String name, String version, int state) {
        return (Bundle) Proxy.newProxyInstance(OpenApiDocumentTest.class.getClassLoader(), new Class<?>[] {Bundle.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getSymbolicName" -> name;
                    case "getVersion" -> Version.parseVersion(version);
                    case "getState" -> state;
                    default -> null;
                });
    }

    private interface OperationCheck {
        void check(String name, JsonNode operation);
    }

    private static Map<String, JsonNode> operations() {
        Map<String, JsonNode> operations = new LinkedHashMap<>();
        for (String path : fieldNames(doc.path("paths"))) {
            JsonNode item = doc.path("paths").path(path);
            for (String key : fieldNames(item)) {
                if (OPERATION_KEYS.contains(key)) {
                    operations.put(key + " " + path, item.get(key));
                }
            }
        }
        return operations;
    }

    private static void forEachOperation(OperationCheck check) {
        Map<String, JsonNode> operations = operations();
        assertFalse(operations.isEmpty());
        operations.forEach(check::check);
    }

    private static JsonNode ref(String pointer) {
        return JSON.createObjectNode().put("$ref", pointer);
    }

    /** Follows {@code $ref}s inside the document. */
    private static JsonNode resolve(JsonNode node) {
        JsonNode current = node;
        for (int hops = 0; current.has("$ref"); hops++) {
            if (hops > 10) {
                fail("$ref loop at " + node);
            }
            String r = current.get("$ref").asText();
            assertTrue(r.startsWith("#/"), "only local references: " + r);
            current = doc.at(r.substring(1));
            assertFalse(current.isMissingNode(), "unresolved " + r);
        }
        return current;
    }

    private static void collectRefs(JsonNode node, List<String> refs) {
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getKey().equals("$ref") && e.getValue().isTextual()) {
                    refs.add(e.getValue().asText());
                } else {
                    collectRefs(e.getValue(), refs);
                }
            }
        } else if (node.isArray()) {
            node.forEach(n -> collectRefs(n, refs));
        }
    }

    private static Set<String> fieldNames(JsonNode node) {
        Set<String> names = new TreeSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static Set<String> arrayOfText(JsonNode array) {
        Set<String> values = new TreeSet<>();
        array.forEach(n -> values.add(n.asText()));
        return values;
    }

    private static Set<String> difference(Set<String> a, Set<String> b) {
        Set<String> d = new TreeSet<>(a);
        d.removeAll(b);
        return d;
    }
}
