package io.dropwise.http.internal;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.framework.ServiceReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.dropwise.api.ServerProperties;
import io.dropwise.api.customer.Customer;
import io.dropwise.api.customer.TokenRejectedException;
import io.dropwise.api.customer.TokenVerifier;
import io.dropwise.api.drops.ClaimResult;
import io.dropwise.api.drops.DrawResult;
import io.dropwise.api.drops.Drops;
import io.dropwise.api.http.RequestHandler;
import io.dropwise.api.lifecycle.Candidates;
import io.dropwise.api.lifecycle.InFlight;

/**
 * The customer and status API under {@code /api/v1}, one HTTP Whiteboard servlet (see
 * {@code docs/architecture.md} for why it is not a JAX-RS application).
 *
 * <p>The engine ({@link Drops}) and the token verifier are dynamic references: while one is away
 * (stopped, being upgraded) the endpoints that need it answer 503 with {@code Retry-After}, and
 * the status endpoint keeps answering.
 *
 * <p>When the component is deactivated (bundle stop, upgrade, server shutdown) it stops taking
 * requests and waits for the running ones to finish ({@link DrainingHandler}).
 */
@Component(service = {RequestHandler.class, InFlight.class, io.dropwise.api.metrics.MetricsSource.class}, immediate = true, property = RequestHandler.PREFIX + "=/api/v1")
public final class ApiHandler extends DrainingHandler implements io.dropwise.api.metrics.MetricsSource {

    @Override
    public void collect(io.dropwise.api.metrics.Metrics metrics) {
        writeRequestMetrics(metrics, "customer");
        metrics.gauge("dropwise_claims_waiting_room", "Claims waiting in line for a slot (the waiting room)", Map.of(), admission.room().waiting());
    }

    private static final Logger LOG = LoggerFactory.getLogger(ApiHandler.class);

    static final int MAX_IDEMPOTENCY_KEY = 200;

    private final BundleContext context;

    private final Newest<Drops> drops = new Newest<>(this::isCandidate);
    private final Newest<TokenVerifier> tokens = new Newest<>(this::isCandidate);

    private final Admission admission;
    private final ClientAddress clientAddress;

    @Activate
    public ApiHandler(BundleContext context) {
        super(new ObjectMapper());
        this.context = context;
        Admission.Settings d = Admission.Settings.DEFAULT;
        long perAddress = setting(context, "dropwise.claims.per.address.per.second", (long) d.perAddressPerSecond(), 0, 100_000);
        long perAddressBurst = setting(context, "dropwise.claims.per.address.burst", d.perAddressBurst(), 0, 1_000_000);
        this.admission = new Admission(new Admission.Settings((int) setting(context, "dropwise.claims.max.in.flight", d.maxInFlight(), 1, 1_000_000),
                setting(context, "dropwise.claims.per.customer.per.second", (long) d.perCustomerPerSecond(), 1, 10_000),
                (int) setting(context, "dropwise.claims.per.customer.burst", d.perCustomerBurst(), 1, 10_000),
                perAddress, (int) (perAddressBurst > 0 ? perAddressBurst : 2 * perAddress),
                setting(context, "dropwise.claims.max.wait.ms", d.maxWaitMillis(), 0, 60_000),
                (int) setting(context, "dropwise.claims.waiting.room", d.waitingRoom(), 0, 100_000)), System::nanoTime);
        String proxies = context == null ? null : context.getProperty("dropwise.trusted.proxies");
        this.clientAddress = ClientAddress.parse(proxies, refused -> LOG.error(
                "Setting dropwise.trusted.proxies (DROPWISE_TRUSTED_PROXIES): {}; that entry is left out, the others are trusted", refused));
        if (perAddress > 0) {
            LOG.info("Claims limited to {} a second (bursts of {}) per client address; trusted proxies: {}", perAddress,
                    perAddressBurst > 0 ? perAddressBurst : 2 * perAddress, clientAddress.trusted().isEmpty() ? "none" : clientAddress.trusted());
        }
    }

    private static long setting(BundleContext context, String key, long fallback, long min, long max) {
        String value = context == null ? null : context.getProperty(key);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            long v = Long.parseLong(value.strip());
            if (v >= min && v <= max) {
                return v;
            }
        } catch (NumberFormatException e) {
            // named below
        }
        LOG.error("Setting {}={} is not a whole number from {} to {}; using {}", key, value, min, max, fallback);
        return fallback;
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addDrops(ServiceReference<Drops> reference, Drops service) {
        drops.add(reference, service);
    }

    void removeDrops(Drops service) {
        drops.remove(service);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addTokens(ServiceReference<TokenVerifier> reference, TokenVerifier service) {
        tokens.add(reference, service);
    }

    void removeTokens(TokenVerifier service) {
        tokens.remove(service);
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void setCandidates(Candidates c) {
        bindCandidates(c);
    }

    void unsetCandidates(Candidates c) {
        unbindCandidates(c);
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        admission.close(); // claims waiting for a slot are sent away at once, not kept until the drain gives up
        drain();
    }

    @Override
    void handle(HttpExchange x) throws IOException {
        route(x);
    }

    private void route(HttpExchange x) throws IOException {
        String path = x.path();
        if (path.equals("/status")) {
            if (x.allow("GET", "HEAD")) {
                x.response.setHeader("Cache-Control", "no-store");
                x.write(200, ServerStatus.of(context.getProperty(ServerProperties.VERSION), context.getBundles()));
            }
            return;
        }
        if (path.equals("/openapi.json")) {
            if (x.allow("GET", "HEAD")) {
                openApi(x);
            }
            return;
        }
        String[] parts = path.substring(1).split("/", -1);
        if (parts.length == 1 && parts[0].equals("drops")) {
            if (x.allow("GET")) {
                Customer c = customer(x);
                Drops engine = c == null ? null : engine(x);
                if (engine != null) {
                    x.write(200, Map.of("drops", engine.visibleTo(c).stream().map(Views::customerDrop).toList()));
                }
            }
        } else if (parts.length == 3 && parts[0].equals("drops") && parts[2].equals("claims")) {
            if (x.allow("POST")) {
                claim(x, parts[1]);
            }
        } else if (parts.length == 3 && parts[0].equals("drops") && parts[2].equals("draw")) {
            if (x.allow("GET")) {
                draw(x, parts[1]);
            }
        } else if (parts.length == 2 && parts[0].equals("me") && parts[1].equals("claims")) {
            if (x.allow("GET")) {
                Customer c = customer(x);
                Drops engine = c == null ? null : engine(x);
                if (engine != null) {
                    x.write(200, Map.of("claims", engine.claimsOf(c).stream().map(Views::myClaim).toList()));
                }
            }
        } else {
            x.problem("not-found", "Not found", 404, "There is no resource at " + x.request.getRequestURI() + ".");
        }
    }

    private void claim(HttpExchange x, String dropId) throws IOException {
        if (admission.limitsAddresses()) {
            String address = clientAddress.of(x.request.getRemoteAddr(), x.request.getHeaders("X-Forwarded-For"));
            if (!admission.addressMay(address)) {
                LOG.debug("Claim from {} refused: over the per-address rate", address);
                x.response.setHeader("Retry-After", Long.toString(admission.addressRetryAfterSeconds()));
                x.problem("rate-limited", "Too many claims", 429, "Too many claims are coming from your network address; wait a moment and retry "
                        + "(with the same Idempotency-Key).", Map.of("limit", "address"));
                return;
            }
        }
        WaitingRoom.Refused full = admission.refusedAtOnce(); // before the token: refusing must cost little when overloaded
        if (full != null) {
            overloaded(x, full);
            return;
        }
        Customer c = customer(x);
        if (c == null) {
            return;
        }
        if (!admission.customerMay(c.id())) {
            x.response.setHeader("Retry-After", Long.toString(admission.customerRetryAfterSeconds()));
            x.problem("rate-limited", "Too many claims", 429, "You are sending claims faster than the drop allows; wait a moment and retry "
                    + "(with the same Idempotency-Key).", Map.of("limit", "customer"));
            return;
        }
        String key = x.request.getHeader("Idempotency-Key");
        if (key == null || key.isEmpty()) {
            x.problem("idempotency-key-required", "Idempotency-Key required", 400,
                    "Send an Idempotency-Key header (a unique value per claim, reused on retries).");
            return;
        }
        if (key.length() > MAX_IDEMPOTENCY_KEY || !key.chars().allMatch(ch -> ch > 0x20 && ch < 0x7f)) {
            x.problem("invalid-idempotency-key", "Invalid Idempotency-Key", 400,
                    "The Idempotency-Key must be 1 to " + MAX_IDEMPOTENCY_KEY + " visible ASCII characters.");
            return;
        }
        Drops engine = engine(x);
        if (engine == null) {
            return;
        }
        WaitingRoom.Entry entry;
        try {
            entry = admission.enter();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            unavailable(x, "The server is stopping; retry shortly (with the same Idempotency-Key).");
            return;
        }
        if (entry instanceof WaitingRoom.Refused r) {
            overloaded(x, r);
            return;
        }
        if (!(entry instanceof WaitingRoom.Admitted admitted)) {
            x.response.setHeader("Connection", "close");
            unavailable(x, "The server is stopping or being upgraded; retry shortly (with the same Idempotency-Key).");
            return;
        }
        if (admitted.waitedNanos() > 0) {
            x.response.setHeader("Server-Timing", String.format(java.util.Locale.ROOT, "wait;dur=%.1f", admitted.waitedNanos() / 1e6));
        }
        ClaimResult result;
        try {
            result = engine.claim(c, dropId, key);
        } finally {
            admission.leave();
        }
        if (result instanceof ClaimResult.Accepted a) {
            if (a.replay()) {
                x.response.setHeader("Idempotent-Replayed", "true");
            }
            x.response.setHeader("Location", x.request.getContextPath() + "/api/v1/me/claims");
            // held: accepted, not yet decided (the drop's rule could not check eligibility); the customer looks at /me/claims later
            x.write(a.claim().status() == io.dropwise.api.drops.ClaimStatus.HELD ? 202 : 201, Views.claim(a.claim()));
            return;
        }
        ClaimResult.Refused r = (ClaimResult.Refused) result;
        Map<String, Object> details = new java.util.LinkedHashMap<>(r.details());
        if (r.opensAt() != null) {
            details.put("opensAt", r.opensAt().toString());
        }
        switch (r.reason()) {
            case NOT_FOUND -> x.problem(r.reason().problemType(), "Drop not found", 404, r.detail());
            case NOT_OPEN_FOR_TIER -> x.problem(r.reason().problemType(), "Not open for your tier yet", 403, r.detail(), details);
            case NOT_ELIGIBLE -> x.problem(r.reason().problemType(), "Not eligible", 403, r.detail(), details);
            case ALREADY_CLAIMED -> x.problem(r.reason().problemType(), "Already claimed", 409, r.detail());
            case SOLD_OUT -> x.problem(r.reason().problemType(), "Sold out", 409, r.detail());
            case CLOSED -> x.problem(r.reason().problemType(), "Closed", 409, r.detail());
            case HOLD_RELEASED -> x.problem(r.reason().problemType(), "Held claim released", 409, r.detail());
            case UNAVAILABLE -> {
                x.response.setHeader("Retry-After", "5");
                x.problem("unavailable", "Service unavailable", 503, r.detail(), details);
            }
        }
    }

    private static void overloaded(HttpExchange x, WaitingRoom.Refused r) throws IOException {
        x.response.setHeader("Retry-After", Long.toString(r.retryAfterSeconds()));
        x.problem("overloaded", "Too busy", 429, (r.full() ? "The waiting room is full" : "No turn came in time")
                + ": the drop is taking as many claims as it can; you were number " + r.position() + " in line. Retry in "
                + r.retryAfterSeconds() + " s (with the same Idempotency-Key).", Map.of("position", r.position()));
    }

    private void draw(HttpExchange x, String dropId) throws IOException {
        Customer c = customer(x);
        Drops engine = c == null ? null : engine(x);
        if (engine == null) {
            return;
        }
        java.util.Optional<io.dropwise.api.drops.Drop> drop = engine.find(dropId);
        if (drop.isEmpty()) {
            x.problem("drop-not-found", "Drop not found", 404, "There is no drop " + dropId + ".");
            return;
        }
        if (drop.get().spec().kind() != io.dropwise.api.drops.DropKind.DRAW) {
            x.problem("not-a-draw", "Not a draw drop", 409, "Drop " + dropId + " hands out stock; it has no draw.");
            return;
        }
        java.util.Optional<DrawResult> result = engine.drawResult(dropId);
        if (result.isEmpty()) {
            x.problem("not-drawn", "Not drawn yet", 409, "This drop has not been drawn yet.");
            return;
        }
        x.write(200, Views.draw(result.get()));
    }

    /** @return the customer, or {@code null} after answering 401 */
    private Customer customer(HttpExchange x) throws IOException {
        String header = x.request.getHeader("Authorization");
        TokenVerifier verifier = tokens.get();
        if (verifier == null) {
            unavailable(x, "Sign-in cannot be checked right now; retry shortly.");
            return null;
        }
        String reason;
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            reason = "no bearer token";
        } else {
            try {
                return verifier.verify(header.substring(7).strip());
            } catch (TokenRejectedException e) {
                reason = e.getMessage();
            }
        }
        LOG.debug("Customer token refused from {}: {}", x.request.getRemoteAddr(), reason);
        x.response.setHeader("WWW-Authenticate", "Bearer realm=\"dropwise\", error=\"invalid_token\"");
        x.problem("unauthorized", "Unauthorized", 401, "Send a valid customer token: Authorization: Bearer <token>.");
        return null;
    }

    private Drops engine(HttpExchange x) throws IOException {
        Drops engine = drops.get();
        if (engine == null) {
            unavailable(x, "Claims are unavailable right now; retry shortly.");
        }
        return engine;
    }

    private void openApi(HttpExchange x) throws IOException {
        try (InputStream in = ApiHandler.class.getResourceAsStream("openapi.json")) {
            if (in == null) {
                x.problem("not-found", "Not found", 404, "The OpenAPI document is missing from this build.");
                return;
            }
            byte[] bytes = in.readAllBytes();
            x.response.setStatus(200);
            x.response.setContentType(HttpExchange.JSON);
            x.response.setCharacterEncoding("UTF-8");
            x.response.setContentLength(bytes.length);
            x.response.getOutputStream().write(bytes);
        }
    }

}
