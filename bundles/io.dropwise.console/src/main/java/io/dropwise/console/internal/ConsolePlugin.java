package io.dropwise.console.internal;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.Optional;

import org.apache.felix.webconsole.servlet.AbstractServlet;
import org.apache.felix.webconsole.servlet.ServletConstants;
import org.apache.felix.webconsole.servlet.User;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import io.dropwise.api.operator.Operator;
import io.dropwise.api.operator.OperatorAuthenticator;
import io.dropwise.api.operator.OperatorSession;
import jakarta.servlet.Servlet;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * The "Dropwise" page of the Felix Web Console ({@code /system/console/dropwise}): drops, deployments,
 * bundles and rules. The page is a shell; {@code res/console.js} draws it and calls the admin API
 * ({@code /admin/v1}) like any script, signed in by the console session's cookie and sending the
 * session's CSRF token with every change. Viewers get the same page with every change disabled (and
 * the admin API refuses their changes anyway).
 */
@Component(service = Servlet.class, property = {
        ServletConstants.PLUGIN_LABEL + "=" + ConsolePlugin.LABEL,
        ServletConstants.PLUGIN_TITLE + "=Dropwise",
        ServletConstants.PLUGIN_CATEGORY + "=Dropwise"
})
public final class ConsolePlugin extends AbstractServlet {

    static final String LABEL = "dropwise";
    private static final long serialVersionUID = 1L;

    private final transient OperatorAuthenticator operators;

    @Activate
    public ConsolePlugin(@Reference OperatorAuthenticator operators) {
        this.operators = operators;
    }

    @Override
    public void renderContent(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Optional<OperatorSession> session = session(request);
        Operator operator = operator(request, session);
        String root = String.valueOf(request.getAttribute(ServletConstants.ATTR_PLUGIN_ROOT));
        PrintWriter out = response.getWriter();
        if (operator == null || session.isEmpty()) {
            // signed in without a browser session (an API client asking for the page): nothing to drive
            out.println("<p>Open this page in a browser and sign in at <a href=\"/system/console/login\">/system/console/login</a>.</p>");
            return;
        }
        out.println("<link rel=\"stylesheet\" href=\"" + attr(root) + "/res/console.css\">");
        out.println("<div id=\"dw-app\" data-api=\"/admin/v1\" data-csrf=\"" + attr(session.get().csrfToken()) + "\" data-role=\""
                + (operator.role().mayChange() ? "admin" : "viewer") + "\" data-operator=\"" + attr(operator.name()) + "\"></div>");
        out.println("<script src=\"" + attr(root) + "/res/console.js\"></script>");
    }

    private Optional<OperatorSession> session(HttpServletRequest request) {
        if (request.getAttribute(OperatorAuthenticator.SESSION_ATTRIBUTE) instanceof OperatorSession s) {
            return Optional.of(s);
        }
        Cookie[] cookies = request.getCookies();
        if (cookies != null) {
            for (Cookie c : cookies) {
                if (OperatorAuthenticator.SESSION_COOKIE.equals(c.getName())) {
                    return operators.session(c.getValue());
                }
            }
        }
        return Optional.empty();
    }

    private static Operator operator(HttpServletRequest request, Optional<OperatorSession> session) {
        if (request.getAttribute(User.USER_ATTRIBUTE) instanceof User user && user.getUserObject() instanceof Operator o) {
            return o;
        }
        return session.map(OperatorSession::operator).orElse(null);
    }

    /** Escapes a value for an HTML attribute, and {@code $} for the console's template engine. */
    static String attr(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                case '$' -> b.append("&#36;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }
}
