package io.dropwise.http.internal;

import java.io.IOException;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletName;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletPattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.dropwise.api.ServerProperties;
import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * The customer and status API under {@code /api/v1}, one HTTP Whiteboard servlet (see
 * {@code docs/architecture.md} for why it is not a JAX-RS application).
 *
 * <p>When the component is deactivated (bundle stop, upgrade, server shutdown) it stops taking
 * requests and waits up to {@link #DRAIN_SECONDS} for the running ones to finish.
 */
@Component(service = Servlet.class)
@HttpWhiteboardServletPattern("/api/v1/*")
@HttpWhiteboardServletName("dropwise-api-v1")
public final class ApiServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ApiServlet.class);

    static final String JSON = "application/json";
    static final long DRAIN_SECONDS = 10;

    private final transient BundleContext context;
    private final transient ObjectMapper json = new ObjectMapper();
    private final transient InFlightRequests inFlight = new InFlightRequests();

    @Activate
    public ApiServlet(BundleContext context) {
        this.context = context;
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        int left = inFlight.drain(DRAIN_SECONDS, TimeUnit.SECONDS);
        if (left > 0) {
            LOG.warn("Stopped the API with {} request(s) still running after {} s", left, DRAIN_SECONDS);
        }
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (!inFlight.enter()) {
            response.setHeader("Connection", "close");
            response.setHeader("Retry-After", "5");
            problem(request, response, Problem.of("unavailable", "Service unavailable", 503,
                    "The server is stopping or being upgraded; retry shortly.", request.getRequestURI()));
            return;
        }
        try {
            route(request, response);
        } catch (IOException e) {
            LOG.debug("Client went away during {} {}", request.getMethod(), request.getRequestURI(), e);
        } catch (RuntimeException e) {
            String incident = UUID.randomUUID().toString();
            LOG.error("Request {} {} failed (incident {})", request.getMethod(), request.getRequestURI(), incident, e);
            if (!response.isCommitted()) {
                response.reset();
                problem(request, response, Problem.of("internal", "Internal error", 500,
                        "The server could not answer; the operators can trace incident " + incident + ".", request.getRequestURI()));
            }
        } finally {
            inFlight.exit();
        }
    }

    private void route(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String path = request.getPathInfo() == null ? "/" : request.getPathInfo();
        switch (path) {
            case "/status" -> {
                if (!allow(request, response, "GET, HEAD")) {
                    return;
                }
                response.setHeader("Cache-Control", "no-store");
                write(response, 200, JSON, ServerStatus.of(context.getProperty(ServerProperties.VERSION), context.getBundles()));
            }
            default -> problem(request, response, Problem.of("not-found", "Not found", 404,
                    "There is no resource at " + request.getRequestURI() + ".", request.getRequestURI()));
        }
    }

    private boolean allow(HttpServletRequest request, HttpServletResponse response, String allowed) throws IOException {
        String method = request.getMethod();
        for (String m : allowed.split(",\\s*")) {
            if (m.equals(method)) {
                return true;
            }
        }
        response.setHeader("Allow", allowed);
        problem(request, response, Problem.of("method-not-allowed", "Method not allowed", 405,
                method + " is not supported here; use " + allowed + ".", request.getRequestURI()));
        return false;
    }

    private void problem(HttpServletRequest request, HttpServletResponse response, Problem problem) throws IOException {
        write(response, problem.status(), Problem.MEDIA_TYPE, problem);
    }

    private void write(HttpServletResponse response, int status, String mediaType, Object body) throws IOException {
        byte[] bytes = json.writeValueAsBytes(body);
        response.setStatus(status);
        response.setContentType(mediaType);
        response.setCharacterEncoding("UTF-8");
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }
}
