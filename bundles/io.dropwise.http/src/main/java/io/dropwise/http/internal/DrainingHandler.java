package io.dropwise.http.internal;

import java.io.IOException;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.dropwise.api.http.RequestHandler;
import io.dropwise.api.lifecycle.Candidates;
import io.dropwise.api.lifecycle.InFlight;
import io.dropwise.api.store.StoreUnavailableException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * What every Dropwise API handler (called by the gateway servlets) does around its own routes: counts requests in flight so that
 * taking it out of service waits for them ({@link #drain()}, bounded by {@link #DRAIN_SECONDS})
 * and turns new ones away with 503; maps a store outage to 503 with {@code Retry-After} and any
 * other failure to a 500 problem with an incident id (the stack trace goes to the log only).
 */
abstract class DrainingHandler implements RequestHandler, InFlight {

    static final long DRAIN_SECONDS = 10;

    private final Logger log = LoggerFactory.getLogger(getClass());
    private final InFlightRequests inFlight = new InFlightRequests();
    final ObjectMapper json;
    /** Set by the concrete component's optional dynamic reference; {@code null}: no bundle is a candidate. */
    private volatile Candidates candidates;

    DrainingHandler(ObjectMapper json) {
        this.json = json;
    }

    void bindCandidates(Candidates c) {
        candidates = c;
    }

    void unbindCandidates(Candidates c) {
        if (candidates == c) {
            candidates = null;
        }
    }

    /** @return whether the bundle is a new version still being verified (its services take no work yet) */
    final boolean isCandidate(long bundleId) {
        Candidates c = candidates;
        return c != null && c.isCandidate(bundleId);
    }

    /** Answers one request; runs only while the servlet is in service. */
    abstract void handle(HttpExchange x) throws IOException;

    /**
     * Called from the component's deactivation, after its service is gone (the gateway sends new
     * requests to the newest other handler): wait for the running requests to finish.
     */
    void drain() throws InterruptedException {
        int left = inFlight.drain(DRAIN_SECONDS, TimeUnit.SECONDS);
        if (left > 0) {
            log.warn("Taken out of service with {} request(s) still running after {} s", left, DRAIN_SECONDS);
        }
    }

    @Override
    public int inFlight() {
        return inFlight.running();
    }

    /** Answers of this handler since it started: latency, and count per status class (index 1..5 for 1xx..5xx). */
    private final io.dropwise.api.metrics.LatencyHistogram latency = new io.dropwise.api.metrics.LatencyHistogram();
    private final java.util.concurrent.atomic.LongAdder[] byStatusClass = new java.util.concurrent.atomic.LongAdder[6];

    {
        for (int i = 0; i < byStatusClass.length; i++) {
            byStatusClass[i] = new java.util.concurrent.atomic.LongAdder();
        }
    }

    /** Writes this handler's request counts, latency and requests in flight, labelled with its API. */
    final void writeRequestMetrics(io.dropwise.api.metrics.Metrics metrics, String api) {
        for (int i = 1; i < byStatusClass.length; i++) {
            long n = byStatusClass[i].sum();
            if (n > 0) {
                java.util.Map<String, String> labels = new java.util.LinkedHashMap<>();
                labels.put("api", api);
                labels.put("code", i + "xx");
                metrics.counter("dropwise_http_requests_total", "Requests answered by the HTTP front, by API and status class", labels, n);
            }
        }
        latency.writeTo(metrics, "dropwise_http_request_seconds", "Time to answer a request in the HTTP front (admission wait included)",
                java.util.Map.of("api", api));
        metrics.gauge("dropwise_http_requests_in_flight", "Requests being answered now", java.util.Map.of("api", api), inFlight.running());
    }

    @Override
    public final void handle(HttpServletRequest request, HttpServletResponse response) throws IOException {
        long started = System.nanoTime();
        try {
            answer(request, response);
        } finally {
            latency.record(System.nanoTime() - started);
            int status = response.getStatus();
            byStatusClass[status >= 100 && status < 600 ? status / 100 : 5].increment();
        }
    }

    private void answer(HttpServletRequest request, HttpServletResponse response) throws IOException {
        HttpExchange x = new HttpExchange(json, request, response);
        if (!inFlight.enter()) {
            response.setHeader("Connection", "close");
            unavailable(x, "The server is stopping or being upgraded; retry shortly.");
            return;
        }
        try {
            handle(x);
        } catch (IOException e) {
            log.debug("Client went away during {} {}", request.getMethod(), request.getRequestURI(), e);
        } catch (StoreUnavailableException e) {
            log.warn("{} {}: store unavailable: {}", request.getMethod(), request.getRequestURI(), e.getMessage());
            if (!response.isCommitted()) {
                response.reset();
                unavailable(x, "The database cannot be reached right now; retry shortly.");
            }
        } catch (RuntimeException e) {
            String incident = UUID.randomUUID().toString();
            log.error("Request {} {} failed (incident {})", request.getMethod(), request.getRequestURI(), incident, e);
            if (!response.isCommitted()) {
                response.reset();
                x.problem("internal", "Internal error", 500, "The server could not answer; the operators can trace incident " + incident + ".");
            }
        } finally {
            inFlight.exit();
        }
    }

    static void unavailable(HttpExchange x, String detail) throws IOException {
        x.response.setHeader("Retry-After", "5");
        x.problem("unavailable", "Service unavailable", 503, detail);
    }
}
