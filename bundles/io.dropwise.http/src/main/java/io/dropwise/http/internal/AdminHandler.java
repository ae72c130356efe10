package io.dropwise.http.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Activate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.dropwise.api.drops.Drop;
import io.dropwise.api.drops.DropSpec;
import io.dropwise.api.drops.Drops;
import io.dropwise.api.drops.InvalidDropException;
import io.dropwise.api.operator.Operator;
import io.dropwise.api.operator.OperatorAuthenticator;
import io.dropwise.api.operator.OperatorSession;
import io.dropwise.api.deploy.Deployment;
import io.dropwise.api.deploy.Deployments;
import io.dropwise.api.deploy.InvalidDeploymentException;
import io.dropwise.api.faults.Faults;
import io.dropwise.api.http.RequestHandler;
import io.dropwise.api.lifecycle.Candidates;
import io.dropwise.api.lifecycle.InFlight;

/**
 * The operators' API under {@code /admin/v1}: HTTP Basic with an operator account; {@code admin}
 * may change things, {@code viewer} may only read.
 */
@Component(service = {RequestHandler.class, InFlight.class, io.dropwise.api.metrics.MetricsSource.class}, immediate = true, property = RequestHandler.PREFIX + "=/admin/v1")
public final class AdminHandler extends DrainingHandler implements io.dropwise.api.metrics.MetricsSource {

    @Override
    public void collect(io.dropwise.api.metrics.Metrics metrics) {
        writeRequestMetrics(metrics, "admin");
    }

    private static final Logger LOG = LoggerFactory.getLogger(AdminHandler.class);


    /** Largest bundle jar accepted by POST /admin/v1/deployments. */
    static final int MAX_JAR_BYTES = 64 * 1024 * 1024;

    private final Newest<Drops> drops = new Newest<>(this::isCandidate);
    private final Newest<OperatorAuthenticator> operators = new Newest<>(this::isCandidate);
    private final Newest<Deployments> deployments = new Newest<>(this::isCandidate);

    @Activate
    public AdminHandler() {
        super(new ObjectMapper()
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION));
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addDrops(ServiceReference<Drops> reference, Drops service) {
        drops.add(reference, service);
    }

    void removeDrops(Drops service) {
        drops.remove(service);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addOperators(ServiceReference<OperatorAuthenticator> reference, OperatorAuthenticator service) {
        operators.add(reference, service);
    }

    void removeOperators(OperatorAuthenticator service) {
        operators.remove(service);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addDeployments(ServiceReference<Deployments> reference, Deployments service) {
        deployments.add(reference, service);
    }

    void removeDeployments(Deployments service) {
        deployments.remove(service);
    }

    /** Present only on a server started with fault injection enabled. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    volatile Faults faults;

    private final FaultsResource faultsResource = new FaultsResource(json);

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void setCandidates(Candidates c) {
        bindCandidates(c);
    }

    void unsetCandidates(Candidates c) {
        unbindCandidates(c);
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        drain();
    }

    @Override
    void handle(HttpExchange x) throws IOException {
        Operator operator = operator(x);
        if (operator != null) {
            route(x, operator);
        }
    }

    private Operator operator(HttpExchange x) throws IOException {
        OperatorAuthenticator auth = operators.get();
        if (auth == null) {
            unavailable(x, "Operator sign-in cannot be checked right now; retry shortly.");
            return null;
        }
        String header = x.request.getHeader("Authorization");
        boolean changes = !isSafe(x.request.getMethod());
        if (header != null && header.regionMatches(true, 0, "Basic ", 0, 6)) {
            try {
                String decoded = new String(Base64.getDecoder().decode(header.substring(6).strip()), StandardCharsets.UTF_8);
                int colon = decoded.indexOf(':');
                if (colon > 0) {
                    Optional<Operator> operator = auth.authenticate(decoded.substring(0, colon), decoded.substring(colon + 1));
                    if (operator.isPresent()) {
                        if (changes && x.request.getHeader("Origin") != null && !sameOrigin(x.request)) {
                            x.problem("cross-site", "Cross-site request refused", 403,
                                    "A request that changes something must not come from a page of another site.");
                            return null;
                        }
                        return operator.get();
                    }
                }
            } catch (IllegalArgumentException notBase64) {
                // answered below
            }
            LOG.info("Admin API sign-in refused from {}", x.request.getRemoteAddr());
        } else {
            Optional<OperatorSession> session = sessionId(x.request).flatMap(auth::session);
            if (session.isPresent()) {
                // a console page: the session cookie signs it in, the CSRF token proves the page is ours
                if (changes && !session.get().csrfToken().equals(x.request.getHeader(OperatorAuthenticator.CSRF_HEADER))) {
                    x.problem("cross-site", "Cross-site request refused", 403, "A request that changes something must carry the "
                            + OperatorAuthenticator.CSRF_HEADER + " header of its console session; reload the console page.");
                    return null;
                }
                return session.get().operator();
            }
        }
        if (x.request.getHeader("X-Requested-With") == null && sessionId(x.request).isEmpty()) {
            // a script: ask for Basic; a console page (whose session ended) must not make the browser pop up its own sign-in box
            x.response.setHeader("WWW-Authenticate", "Basic realm=\"Dropwise operators\", charset=\"UTF-8\"");
        }
        x.problem("unauthorized", "Unauthorized", 401, "Sign in with a Dropwise operator account (HTTP Basic, or the console's sign-in).");
        return null;
    }

    private static boolean isSafe(String method) {
        return "GET".equals(method) || "HEAD".equals(method) || "OPTIONS".equals(method);
    }

    private static Optional<String> sessionId(jakarta.servlet.http.HttpServletRequest request) {
        jakarta.servlet.http.Cookie[] cookies = request.getCookies();
        if (cookies != null) {
            for (jakarta.servlet.http.Cookie c : cookies) {
                if (OperatorAuthenticator.SESSION_COOKIE.equals(c.getName()) && c.getValue() != null && !c.getValue().isEmpty()) {
                    return Optional.of(c.getValue());
                }
            }
        }
        return Optional.empty();
    }

    /** @return whether the {@code Origin} header names this very server */
    private static boolean sameOrigin(jakarta.servlet.http.HttpServletRequest request) {
        String origin = request.getHeader("Origin");
        String host = request.getHeader("Host");
        if (origin == null || host == null) {
            return false;
        }
        try {
            java.net.URI o = java.net.URI.create(origin);
            return host.equalsIgnoreCase(o.getRawAuthority()) && (request.isSecure() ? "https" : "http").equalsIgnoreCase(o.getScheme());
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private void route(HttpExchange x, Operator operator) throws IOException {
        String[] parts = x.path().substring(1).split("/", -1);
        if (parts.length == 1 && parts[0].equals("drops")) {
            if (!x.allow("GET", "POST")) {
                return;
            }
            Drops engine = engine(x);
            if (engine == null) {
                return;
            }
            if (x.request.getMethod().equals("GET")) {
                x.write(200, Map.of("drops", engine.all().stream().map(d -> Views.adminDrop(d, null)).toList()));
            } else if (mayChange(x, operator)) {
                create(x, engine, operator);
            }
        } else if (parts[0].equals("faults")) {
            faultsResource.handle(x, parts, faults, () -> mayChange(x, operator));
        } else if (parts[0].equals("deployments")) {
            deployments(x, operator, parts);
        } else if (parts.length == 1 && parts[0].equals("rules")) {
            if (!x.allow("GET")) {
                return;
            }
            Drops engine = engine(x);
            if (engine != null) {
                x.write(200, Map.of("rules", engine.ruleTypes().stream().map(Views::ruleType).toList(), "plugins",
                        engine.rulePlugins().stream().map(Views::rulePlugin).toList()));
            }
        } else if (parts.length == 3 && parts[0].equals("drops") && parts[2].equals("claims")) {
            if (!x.allow("GET")) {
                return;
            }
            Drops engine = engine(x);
            Drop drop = engine == null ? null : find(x, engine, parts[1]);
            if (drop != null) {
                x.write(200, Map.of("claims", engine.claimsOfDrop(parts[1]).stream().map(Views::adminClaim).toList()));
            }
        } else if (parts.length == 3 && parts[0].equals("drops") && parts[2].equals("activity")) {
            if (!x.allow("GET")) {
                return;
            }
            Drops engine = engine(x);
            Drop drop = engine == null ? null : find(x, engine, parts[1]);
            if (drop != null) {
                x.response.setHeader("Cache-Control", "no-store");
                x.write(200, Views.activity(drop, engine.stats(parts[1]).orElse(null), engine.activity(parts[1]).orElseThrow()));
            }
        } else if (parts.length == 2 && parts[0].equals("drops")) {
            if (!x.allow("GET")) {
                return;
            }
            Drops engine = engine(x);
            if (engine == null) {
                return;
            }
            Drop drop = find(x, engine, parts[1]);
            if (drop != null) {
                x.write(200, Views.adminDrop(drop, engine.stats(parts[1]).orElse(null)));
            }
        } else if (parts.length == 3 && parts[0].equals("drops") && parts[2].equals("draw")) {
            if (!x.allow("GET", "POST") || (x.request.getMethod().equals("POST") && !mayChange(x, operator))) {
                return;
            }
            Drops engine = engine(x);
            if (engine == null) {
                return;
            }
            Drop drop = find(x, engine, parts[1]);
            if (drop == null) {
                return;
            }
            if (drop.spec().kind() != io.dropwise.api.drops.DropKind.DRAW) {
                x.problem("not-a-draw", "Not a draw drop", 409, "Drop " + parts[1] + " hands out stock; it has no draw.");
                return;
            }
            if (x.request.getMethod().equals("GET")) {
                Optional<io.dropwise.api.drops.DrawResult> result = engine.drawResult(parts[1]);
                if (result.isPresent()) {
                    x.write(200, Views.draw(result.get()));
                } else {
                    x.problem("not-drawn", "Not drawn yet", 409, "Drop " + parts[1] + " has not been drawn yet.");
                }
                return;
            }
            try {
                x.write(200, Views.draw(engine.draw(parts[1]).orElseThrow()));
                LOG.info("Operator {} ran the draw of drop {}", operator.name(), parts[1]);
            } catch (IllegalStateException tooEarly) {
                x.problem("draw-too-early", "Too early to draw", 409, tooEarly.getMessage() + ".");
            }
        } else {
            x.problem("not-found", "Not found", 404, "There is no resource at " + x.request.getRequestURI() + ".");
        }
    }

    private void deployments(HttpExchange x, Operator operator, String[] parts) throws IOException {
        Deployments service = deployments.get();
        if (parts.length == 1) {
            if (!x.allow("GET", "POST") || (x.request.getMethod().equals("POST") && !mayChange(x, operator))) {
                return;
            }
            if (service == null) {
                unavailable(x, "The deployment service is not running.");
            } else if (x.request.getMethod().equals("GET")) {
                x.write(200, Map.of("deployments", service.all().stream().map(Views::deployment).toList()));
            } else {
                byte[] jar = x.binaryBody(MAX_JAR_BYTES, "application/java-archive", "application/octet-stream", "application/zip");
                if (jar != null) {
                    accepted(x, () -> service.deploy(jar, "admin-api (" + operator.name() + ")"));
                }
            }
        } else if (parts.length == 2) {
            if (!x.allow("GET")) {
                return;
            }
            if (service == null) {
                unavailable(x, "The deployment service is not running.");
                return;
            }
            Optional<Deployment> d = service.find(parts[1]);
            if (d.isEmpty()) {
                x.problem("deployment-not-found", "Deployment not found", 404, "There is no deployment " + parts[1] + ".");
            } else {
                x.write(200, Views.deployment(d.get()));
            }
        } else if (parts.length == 3 && parts[2].equals("rollback")) {
            if (!x.allow("POST") || !mayChange(x, operator)) {
                return;
            }
            if (service == null) {
                unavailable(x, "The deployment service is not running.");
            } else if (service.find(parts[1]).isEmpty()) {
                x.problem("deployment-not-found", "Deployment not found", 404, "There is no deployment " + parts[1] + ".");
            } else {
                LOG.info("Operator {} rolls back deployment {}", operator.name(), parts[1]);
                accepted(x, () -> service.rollback(parts[1]));
            }
        } else {
            x.problem("not-found", "Not found", 404, "There is no resource at " + x.request.getRequestURI() + ".");
        }
    }

    private interface DeploymentCall {
        Deployment call() throws InvalidDeploymentException;
    }

    private static void accepted(HttpExchange x, DeploymentCall call) throws IOException {
        try {
            Deployment d = call.call();
            x.response.setHeader("Location", x.request.getContextPath() + "/admin/v1/deployments/" + d.id());
            x.write(202, Views.deployment(d));
        } catch (InvalidDeploymentException e) {
            x.problem("invalid-deployment", "Deployment refused", 400, e.getMessage() + ".");
        }
    }

    /** @return the drop, or {@code null} after answering 404 */
    private static Drop find(HttpExchange x, Drops engine, String dropId) throws IOException {
        Optional<Drop> drop = engine.find(dropId);
        if (drop.isEmpty()) {
            x.problem("drop-not-found", "Drop not found", 404, "There is no drop " + dropId + ".");
            return null;
        }
        return drop.get();
    }

    private static boolean mayChange(HttpExchange x, Operator operator) throws IOException {
        if (operator.role().mayChange()) {
            return true;
        }
        x.problem("forbidden", "Forbidden", 403, "The " + operator.name() + " account may read but not change anything.");
        return false;
    }

    private void create(HttpExchange x, Drops engine, Operator operator) throws IOException {
        byte[] body = x.jsonBody();
        if (body == null) {
            return;
        }
        JsonNode tree;
        try {
            tree = json.readTree(body);
        } catch (JacksonException e) {
            x.problem("malformed-json", "Malformed JSON", 400, "The body is not valid JSON: " + e.getOriginalMessage());
            return;
        }
        DropSpecParser parser = new DropSpecParser(json);
        DropSpec spec = parser.parse(tree);
        if (spec == null) {
            x.problem("invalid-drop", "Invalid drop", 400, "Some fields are missing or wrong; see errors.",
                    Map.of("errors", parser.errors()));
            return;
        }
        try {
            Drop drop = engine.create(spec);
            LOG.info("Operator {} created drop {}", operator.name(), drop.id());
            x.response.setHeader("Location", x.request.getContextPath() + "/admin/v1/drops/" + drop.id());
            x.write(201, Views.adminDrop(drop, null));
        } catch (InvalidDropException e) {
            x.problem("invalid-drop", "Invalid drop", 400, "Some fields are missing or wrong; see errors.", Map.of("errors", e.errors()));
        }
    }

    private Drops engine(HttpExchange x) throws IOException {
        Drops engine = drops.get();
        if (engine == null) {
            unavailable(x, "The claims engine is unavailable right now; retry shortly.");
        }
        return engine;
    }
}
