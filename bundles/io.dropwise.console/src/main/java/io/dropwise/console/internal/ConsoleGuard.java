package io.dropwise.console.internal;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.jar.JarInputStream;
import java.util.jar.Manifest;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.servlet.whiteboard.HttpWhiteboardConstants;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.dropwise.api.deploy.Deployment;
import io.dropwise.api.deploy.Deployments;
import io.dropwise.api.deploy.InvalidDeploymentException;
import io.dropwise.api.operator.Operator;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.Part;

/**
 * Closes the stock Web Console's back doors: to downtime, and to the server's secrets.
 *
 * <p><b>Secrets.</b> The launcher hands the settings to the framework as system properties, the
 * passwords and the token secret among them, and the console's status pages print every system
 * property ({@code status-System Properties} in every format, and the full configuration status
 * {@code config/configuration-status.*} that contains it) to any operator, a viewer included. Those
 * pages are refused (403, for every account).
 *
 * <p><b>Downtime.</b> The Bundles page installs and updates
 * bundles in place ({@code Bundle.update()} + refresh), which takes a bundle out of service; for
 * Dropwise bundles (the symbolic-name namespaces the deployment service accepts) that is exactly the
 * window the product exists to remove. So, in the console's servlet context:
 * <ul>
 * <li>an upload ({@code POST /system/console/bundles} or {@code /install} with {@code action=install},
 * the page's own form and the request operators' scripts send) of Dropwise bundles goes through the
 * live deployment path ({@link Deployments#deploy}), and the browser is sent to the deployment on the
 * Dropwise page; an upload that mixes Dropwise and other bundles is refused;</li>
 * <li>{@code action=update} of an installed Dropwise bundle (re-reading it from its location) is
 * refused with a message pointing to the Deploy page.</li>
 * </ul>
 * Everything else (other bundles, start, stop, refresh) goes to the console as before. Setting
 * {@value #ALLOW_DIRECT} to {@code allow} turns this guard off; it exists to measure the naive
 * in-place update as a baseline, never for production.
 */
@Component(service = Filter.class, property = {
        HttpWhiteboardConstants.HTTP_WHITEBOARD_CONTEXT_SELECT + "=(" + HttpWhiteboardConstants.HTTP_WHITEBOARD_CONTEXT_NAME
                + "=org.apache.felix.webconsole)",
        HttpWhiteboardConstants.HTTP_WHITEBOARD_FILTER_PATTERN + "=/*",
        HttpWhiteboardConstants.HTTP_WHITEBOARD_FILTER_NAME + "=dropwise-bundles-page-guard"
})
public final class ConsoleGuard implements Filter {

    static final String NAMESPACES = "dropwise.deploy.namespaces";
    static final String ALLOW_DIRECT = "dropwise.console.direct.install";
    static final String DEPLOY_PAGE = "/system/console/dropwise#deploy";

    private static final Logger LOG = LoggerFactory.getLogger(ConsoleGuard.class);

    private final BundleContext context;
    private final List<String> namespaces;
    private final boolean allowDirect;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    volatile Deployments deployments;

    @Activate
    public ConsoleGuard(BundleContext context) {
        this.context = context;
        String ns = context.getProperty(NAMESPACES);
        this.namespaces = Arrays.stream((ns == null || ns.isBlank() ? "io.dropwise." : ns).split(",")).map(String::strip)
                .filter(s -> !s.isEmpty()).toList();
        this.allowDirect = "allow".equalsIgnoreCase(String.valueOf(context.getProperty(ALLOW_DIRECT)).strip());
        if (allowDirect) {
            LOG.warn("{}=allow: the Web Console's Bundles page may install and update Dropwise bundles in place, with downtime", ALLOW_DIRECT);
        }
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain) throws IOException, ServletException {
        HttpServletRequest request = (HttpServletRequest) req;
        HttpServletResponse response = (HttpServletResponse) res;
        if (showsSecrets(request)) {
            LOG.info("Console page {} refused: it prints the server's secrets", request.getRequestURI());
            refuse(request, response, 403, "This page would show the server's secrets (passwords, the token secret), so it is "
                    + "turned off. The server's settings are described in docs/operations.md; the Dropwise page shows its state.");
            return;
        }
        if (allowDirect || !"POST".equals(request.getMethod())) {
            chain.doFilter(req, res);
            return;
        }
        String[] path = consolePath(request);
        String label = path.length == 0 ? "" : path[0];
        if (!label.equals("bundles") && !label.equals("install")) {
            chain.doFilter(req, res);
            return;
        }
        String action = request.getParameter("action");
        if ("install".equals(action) || label.equals("install")) {
            install(request, response, chain);
        } else if ("update".equals(action) && path.length > 1 && isDropwise(bundle(path[1]))) {
            Bundle b = bundle(path[1]);
            LOG.warn("Web Console update of {} {} refused: Dropwise bundles are replaced through the live deployment path",
                    b.getSymbolicName(), b.getVersion());
            refuse(request, response, 409, b.getSymbolicName() + " is a Dropwise bundle: updating it in place would take it out of "
                    + "service. Upload the new version on the Dropwise console's Deploy page (" + DEPLOY_PAGE
                    + ") or POST it to /admin/v1/deployments: it then replaces the running version live.");
        } else {
            chain.doFilter(req, res);
        }
    }

    private void install(HttpServletRequest request, HttpServletResponse response, FilterChain chain) throws IOException, ServletException {
        List<byte[]> jars = new ArrayList<>();
        List<String> names = new ArrayList<>();
        int dropwise = 0;
        for (Part part : parts(request)) {
            if (!"bundlefile".equals(part.getName()) || part.getSize() == 0) {
                continue;
            }
            byte[] jar;
            try (InputStream in = part.getInputStream()) {
                jar = in.readAllBytes();
            }
            String name = symbolicName(jar);
            jars.add(jar);
            names.add(name == null ? String.valueOf(part.getSubmittedFileName()) : name);
            if (name != null && isDropwise(name)) {
                dropwise++;
            }
        }
        if (dropwise == 0) {
            chain.doFilter(request, response); // not ours: the console installs it as it always did
            return;
        }
        if (dropwise < jars.size()) {
            refuse(request, response, 400, "This upload mixes Dropwise bundles with others (" + String.join(", ", names)
                    + "). Upload the Dropwise bundles on the Dropwise console's Deploy page (" + DEPLOY_PAGE + ") and the others here, separately.");
            return;
        }
        Deployments service = deployments;
        if (service == null) {
            refuse(request, response, 503, "The deployment service is not running right now; retry shortly. "
                    + "Dropwise bundles are never installed in place.");
            return;
        }
        String who = request.getAttribute(org.apache.felix.webconsole.servlet.User.USER_ATTRIBUTE) instanceof org.apache.felix.webconsole.servlet.User u
                && u.getUserObject() instanceof Operator o ? o.name() : "an operator";
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < jars.size(); i++) {
            try {
                Deployment d = service.deploy(jars.get(i), "web console bundles page (" + who + ")");
                ids.add(d.id());
                LOG.info("Web Console upload of {} sent through the live deployment path: {}", names.get(i), d.id());
            } catch (InvalidDeploymentException e) {
                refuse(request, response, 400, "The bundle " + names.get(i) + " cannot be deployed: " + e.getMessage()
                        + (ids.isEmpty() ? "" : " (started before it: " + String.join(", ", ids) + ")"));
                return;
            }
        }
        String target = DEPLOY_PAGE + (ids.size() == 1 ? "/" + ids.get(0) : "");
        if (wantsPage(request)) {
            response.setStatus(303);
            response.setHeader("Location", target);
        } else {
            byte[] body = ("{\"deployments\":[" + String.join(",", ids.stream().map(id -> "\"" + id + "\"").toList()) + "],\"detail\":"
                    + "\"Dropwise bundles are deployed live through the deployment path; follow them at GET /admin/v1/deployments/{id}.\"}")
                    .getBytes(StandardCharsets.UTF_8);
            response.setStatus(202);
            response.setContentType("application/json");
            response.setContentLength(body.length);
            response.getOutputStream().write(body);
        }
    }

    private static java.util.Collection<Part> parts(HttpServletRequest request) throws IOException, ServletException {
        String type = request.getContentType();
        if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("multipart/")) {
            return List.of();
        }
        return request.getParts();
    }

    /** @return whether the request asks for a console page that prints the system properties */
    static boolean showsSecrets(HttpServletRequest request) {
        String uri = request.getRequestURI();
        int at = uri == null ? -1 : uri.indexOf("/system/console/");
        if (at < 0) {
            return false;
        }
        String path = java.net.URLDecoder.decode(uri.substring(at + "/system/console/".length()).replace("+", "%2B"), StandardCharsets.UTF_8)
                .toLowerCase(Locale.ROOT);
        return path.startsWith("status-system properties") || path.startsWith("status-system%20properties")
                || path.startsWith("config/configuration-status") || path.startsWith("status-configuration-status");
    }

    /** @return the path below the console's root, split at '/', the first segment cut at its first '.' */
    static String[] consolePath(HttpServletRequest request) {
        String uri = request.getRequestURI();
        int at = uri == null ? -1 : uri.indexOf("/system/console/");
        if (at < 0) {
            return new String[0];
        }
        String[] parts = uri.substring(at + "/system/console/".length()).split("/");
        int dot = parts[0].indexOf('.');
        if (dot >= 0) {
            parts[0] = parts[0].substring(0, dot);
        }
        return parts;
    }

    private Bundle bundle(String idOrName) {
        try {
            return context.getBundle(Long.parseLong(idOrName));
        } catch (NumberFormatException byName) {
            String name = idOrName.contains(":") ? idOrName.substring(0, idOrName.indexOf(':')) : idOrName;
            return Arrays.stream(context.getBundles()).filter(b -> name.equals(b.getSymbolicName())).findFirst().orElse(null);
        }
    }

    private boolean isDropwise(Bundle bundle) {
        return bundle != null && bundle.getSymbolicName() != null && isDropwise(bundle.getSymbolicName());
    }

    boolean isDropwise(String symbolicName) {
        return namespaces.stream().anyMatch(symbolicName::startsWith);
    }

    /** @return the jar's Bundle-SymbolicName (without directives), or {@code null} when it is not a bundle */
    static String symbolicName(byte[] jar) {
        try (JarInputStream in = new JarInputStream(new ByteArrayInputStream(jar))) {
            Manifest m = in.getManifest();
            String bsn = m == null ? null : m.getMainAttributes().getValue("Bundle-SymbolicName");
            return bsn == null ? null : bsn.split(";")[0].strip();
        } catch (IOException notAJar) {
            return null;
        }
    }

    private static boolean wantsPage(HttpServletRequest request) {
        String accept = request.getHeader("Accept");
        return accept != null && accept.toLowerCase(Locale.ROOT).contains("text/html");
    }

    private static void refuse(HttpServletRequest request, HttpServletResponse response, int status, String message) throws IOException {
        response.setStatus(status);
        byte[] body;
        if (wantsPage(request)) {
            response.setContentType("text/html;charset=UTF-8");
            body = ("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Dropwise: not installed</title></head>"
                    + "<body style=\"font:15px/1.5 system-ui,sans-serif;max-width:44em;margin:3em auto\"><h1>Not installed</h1>"
                    + "<p data-test=\"guard-message\">" + ConsolePlugin.attr(message) + "</p><p><a href=\"" + DEPLOY_PAGE
                    + "\">Go to the Deploy page</a> · <a href=\"/system/console/bundles\">Back to Bundles</a></p></body></html>")
                    .getBytes(StandardCharsets.UTF_8);
        } else {
            response.setContentType("text/plain;charset=UTF-8");
            body = (message + "\n").getBytes(StandardCharsets.UTF_8);
        }
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }
}
