package io.dropwise.http.internal;

import java.io.IOException;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.dropwise.api.store.StoreUnavailableException;
import java.util.Dictionary;
import java.util.Hashtable;

import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.servlet.whiteboard.HttpWhiteboardConstants;

import io.dropwise.api.lifecycle.InFlight;
import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * What every Dropwise API servlet does around its own routes: counts requests in flight so that
 * taking it out of service waits for them ({@link #drain()}, bounded by {@link #DRAIN_SECONDS})
 * and turns new ones away with 503; maps a store outage to 503 with {@code Retry-After} and any
 * other failure to a 500 problem with an incident id (the stack trace goes to the log only).
 */
abstract class DrainingServlet extends HttpServlet implements InFlight {

    private static final long serialVersionUID = 1L;
    static final long DRAIN_SECONDS = 10;

    private final transient Logger log = LoggerFactory.getLogger(getClass());
    private final transient InFlightRequests inFlight = new InFlightRequests();
    final transient ObjectMapper json;

    DrainingServlet(ObjectMapper json) {
        this.json = json;
    }

    /** Answers one request; runs only while the servlet is in service. */
    abstract void handle(HttpExchange x) throws IOException;

    private transient ServiceRegistration<Servlet> registration;

    /**
     * Registers this servlet with the HTTP Whiteboard, ranked by the bundle id: a newer version of
     * the bundle, installed beside this one, shadows it at once (Felix's whiteboard switches
     * atomically to the highest ranking), and this one keeps finishing the requests it has.
     */
    void register(BundleContext context, String pattern, String name) {
        Dictionary<String, Object> props = new Hashtable<>();
        props.put(HttpWhiteboardConstants.HTTP_WHITEBOARD_SERVLET_PATTERN, pattern);
        props.put(HttpWhiteboardConstants.HTTP_WHITEBOARD_SERVLET_NAME, name + "-" + context.getBundle().getVersion());
        props.put(Constants.SERVICE_RANKING, (int) Math.min(Integer.MAX_VALUE, context.getBundle().getBundleId()));
        registration = context.registerService(Servlet.class, this, props);
    }

    /** Called from the component's deactivation: stop taking requests, wait for the running ones, unregister. */
    void drain() throws InterruptedException {
        int left = inFlight.drain(DRAIN_SECONDS, TimeUnit.SECONDS);
        if (left > 0) {
            log.warn("Taken out of service with {} request(s) still running after {} s", left, DRAIN_SECONDS);
        }
        if (registration != null) {
            try {
                registration.unregister();
            } catch (IllegalStateException alreadyGone) {
                // the framework unregistered it when the bundle stopped
            }
            registration = null;
        }
    }

    @Override
    public int inFlight() {
        return inFlight.running();
    }

    @Override
    protected final void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
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
