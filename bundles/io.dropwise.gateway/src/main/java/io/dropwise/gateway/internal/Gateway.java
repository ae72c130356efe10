package io.dropwise.gateway.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.LongPredicate;
import java.util.concurrent.ConcurrentHashMap;

import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.servlet.whiteboard.HttpWhiteboardConstants;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.dropwise.api.faults.FaultInjection;
import io.dropwise.api.http.RequestHandler;
import io.dropwise.api.lifecycle.Candidates;
import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Owns {@code /api/v1/*} and {@code /admin/v1/*} for the life of the server and hands each request
 * to the newest {@link RequestHandler} of the prefix.
 *
 * <p>Why: replacing a whiteboard servlet with a higher-ranked one makes Felix destroy the old
 * servlet's handler at once, and a request already routed to it fails ("Servlet has been
 * unregistered"). This servlet is never replaced; what changes is the handler it calls, chosen per
 * request. When no handler is there (the HTTP front stopped, not replaced), a request waits up to
 * {@link #WAIT_MILLIS} for one before it gets 503 with {@code Retry-After}.
 */
@Component(immediate = true)
public final class Gateway {

    static final List<String> PREFIXES = List.of("/api/v1", "/admin/v1");
    static final long WAIT_MILLIS = 3_000;

    private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);

    private final Map<String, Handlers> handlers = new ConcurrentHashMap<>();
    private final List<ServiceRegistration<Servlet>> registrations = new java.util.ArrayList<>();

    public Gateway() {
        PREFIXES.forEach(p -> handlers.put(p, new Handlers()));
    }

    @Activate
    void activate(BundleContext context) {
        for (String prefix : PREFIXES) {
            Dictionary<String, Object> props = new Hashtable<>();
            props.put(HttpWhiteboardConstants.HTTP_WHITEBOARD_SERVLET_PATTERN, prefix + "/*");
            props.put(HttpWhiteboardConstants.HTTP_WHITEBOARD_SERVLET_NAME, "dropwise-gateway" + prefix.replace('/', '-'));
            registrations.add(context.registerService(Servlet.class, new Dispatch(prefix, handlers.get(prefix), this::isCandidate, this::cross),
                    props));
        }
    }

    @Deactivate
    void deactivate() {
        for (ServiceRegistration<Servlet> r : registrations) {
            try {
                r.unregister();
            } catch (IllegalStateException alreadyGone) {
                // unregistered when the bundle stopped
            }
        }
        registrations.clear();
    }

    /** The deployment service's view of which bundles are still being verified; absent: none is. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    volatile Candidates candidates;

    private boolean isCandidate(long bundleId) {
        Candidates c = candidates;
        return c != null && c.isCandidate(bundleId);
    }

    /** Present only while fault injection is enabled: a game day may make the HTTP front slow or failing. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    volatile FaultInjection faults;

    /** The symbolic name of each handler's bundle, as faults name it. */
    private final Map<RequestHandler, String> bundles = new ConcurrentHashMap<>();

    /** Applies the faults injected into a handler's bundle (an exception fails the request as the handler's own would). */
    private void cross(RequestHandler handler) {
        FaultInjection f = faults;
        String bundle = bundles.get(handler);
        if (f != null && bundle != null) {
            f.cross(bundle);
        }
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addHandler(ServiceReference<RequestHandler> reference, RequestHandler handler) {
        Handlers h = handlers.get(String.valueOf(reference.getProperty(RequestHandler.PREFIX)));
        if (h == null) {
            LOG.warn("Request handler of {} names no known prefix ({}): ignored", reference.getBundle().getSymbolicName(),
                    reference.getProperty(RequestHandler.PREFIX));
            return;
        }
        bundles.put(handler, reference.getBundle().getSymbolicName());
        h.add(handler, reference.getBundle().getBundleId(), (Long) reference.getProperty(Constants.SERVICE_ID));
        LOG.debug("{} {} now answers {}", reference.getBundle().getSymbolicName(), reference.getBundle().getVersion(),
                reference.getProperty(RequestHandler.PREFIX));
    }

    void removeHandler(RequestHandler handler) {
        handlers.values().forEach(h -> h.remove(handler));
        bundles.remove(handler);
    }

    /** The servlet of one prefix. */
    static final class Dispatch extends HttpServlet {
        private static final long serialVersionUID = 1L;
        private final String prefix;
        private final transient Handlers handlers;
        private final transient LongPredicate candidate;
        private final transient Consumer<RequestHandler> faults;

        Dispatch(String prefix, Handlers handlers, LongPredicate candidate, Consumer<RequestHandler> faults) {
            this.prefix = prefix;
            this.handlers = handlers;
            this.candidate = candidate;
            this.faults = faults;
        }

        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
            Optional<RequestHandler> handler;
            try {
                handler = handlers.await(WAIT_MILLIS, candidate);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                handler = Optional.empty();
            }
            if (handler.isEmpty()) {
                unavailable(request, response);
                return;
            }
            faults.accept(handler.get());
            handler.get().handle(request, response);
        }

        private void unavailable(HttpServletRequest request, HttpServletResponse response) throws IOException {
            String instance = request.getRequestURI().replace("\\", "\\\\").replace("\"", "\\\"");
            byte[] body = ("{\"type\":\"urn:dropwise:problem:unavailable\",\"title\":\"Service unavailable\",\"status\":503,"
                    + "\"detail\":\"The API " + prefix + " is not running right now; retry shortly.\",\"instance\":\"" + instance + "\"}")
                    .getBytes(StandardCharsets.UTF_8);
            response.setStatus(503);
            response.setHeader("Retry-After", "5");
            response.setContentType("application/problem+json");
            response.setContentLength(body.length);
            response.getOutputStream().write(body);
        }
    }
}
