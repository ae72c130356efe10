package io.dropwise.security.internal;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;

import org.apache.felix.webconsole.spi.SecurityProvider;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.dropwise.api.operator.Operator;
import io.dropwise.api.operator.OperatorAuthenticator;
import io.dropwise.api.operator.OperatorSession;

import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Signs operators in to the Felix Web Console with their Dropwise account.
 *
 * <p>Browsers get a sign-in form at {@value #LOGIN} and a session cookie
 * ({@value OperatorAuthenticator#SESSION_COOKIE}, HttpOnly, SameSite=Strict, path {@code /} so that
 * the console's pages can call the admin API with it); scripts keep using HTTP Basic. Every
 * state-changing request must come from the console's own pages: its {@code Origin} (which browsers
 * send with every POST) must be this server, or it must carry the session's CSRF token in
 * {@value OperatorAuthenticator#CSRF_HEADER}. Viewers may look at every page and change nothing:
 * any request other than GET or HEAD from a viewer is refused with 403.
 *
 * <p>The runtime sets {@code felix.webconsole.security.providers=dropwise}, so the console serves
 * nothing at all while this provider is absent: its built-in {@code admin}/{@code admin} account
 * is never reachable.
 */
@Component(property = {
        SecurityProvider.PROPERTY_ID + "=" + ConsoleSecurityProvider.ID,
        "service.ranking:Integer=1000"
})
public final class ConsoleSecurityProvider implements SecurityProvider {

    static final String ID = "dropwise";
    static final String REALM = "Dropwise operators";
    static final String CONSOLE = "/system/console";
    /** The sign-in form (GET) and its target (POST). */
    static final String LOGIN = CONSOLE + "/login";
    /** Where a sign-in goes when it was not sent from a page. */
    static final String HOME = CONSOLE + "/dropwise";

    private static final Logger LOG = LoggerFactory.getLogger(ConsoleSecurityProvider.class);

    private final OperatorAuthenticator authenticator;

    @Activate
    public ConsoleSecurityProvider(@Reference OperatorAuthenticator authenticator) {
        this.authenticator = authenticator;
    }

    @Override
    public Object authenticate(HttpServletRequest request, HttpServletResponse response) {
        try {
            return authenticateOrAnswer(request, response);
        } catch (IOException e) {
            LOG.debug("Could not answer {} {}", request.getMethod(), request.getRequestURI(), e);
            return null;
        }
    }

    private Object authenticateOrAnswer(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String path = consolePath(request);
        if (path.equals("/login")) {
            signIn(request, response);
            return null;
        }
        boolean changes = !isSafe(request.getMethod());
        Optional<OperatorSession> session = sessionCookie(request).flatMap(authenticator::session);
        if (session.isPresent()) {
            OperatorSession s = session.get();
            if (changes && !s.csrfToken().equals(request.getHeader(OperatorAuthenticator.CSRF_HEADER)) && !sameOrigin(request)) {
                refuse(response, 403, "This request did not come from the console's own pages, so it was refused. Reload the page and try again.");
                LOG.warn("Console request {} {} of {} refused: neither same origin ({}) nor CSRF token", request.getMethod(),
                        request.getRequestURI(), s.operator().name(), request.getHeader("Origin"));
                return null;
            }
            return admit(s.operator(), s, changes, request, response);
        }
        Optional<Operator> basic = BasicCredentials.parse(request.getHeader("Authorization"))
                .flatMap(c -> authenticator.authenticate(c.username(), c.password()));
        if (basic.isPresent()) {
            if (changes && request.getHeader("Origin") != null && !sameOrigin(request)) {
                refuse(response, 403, "This request came from another site, so it was refused.");
                return null;
            }
            OperatorSession opened = null;
            if (!changes && wantsPage(request)) {
                // a browser signed in with Basic: give its pages a session too, so that they can call the admin API
                opened = authenticator.openSession(basic.get());
                response.addHeader("Set-Cookie", sessionCookie(opened.id(), request.isSecure(), false));
            }
            return admit(basic.get(), opened, changes, request, response);
        }
        if (request.getHeader("Authorization") != null) {
            LOG.info("Web Console sign-in refused from {}", request.getRemoteAddr());
        }
        if (wantsPage(request) && isSafe(request.getMethod())) {
            String next = request.getRequestURI() + (request.getQueryString() == null ? "" : "?" + request.getQueryString());
            response.setStatus(303);
            response.setHeader("Location", LOGIN + "?next=" + URLEncoder.encode(next, StandardCharsets.UTF_8));
            response.setHeader("Cache-Control", "no-store");
            response.flushBuffer();
        } else {
            challenge(response);
        }
        return null;
    }

    private Operator admit(Operator operator, OperatorSession session, boolean changes, HttpServletRequest request,
            HttpServletResponse response) throws IOException {
        if (changes && !operator.role().mayChange()) {
            refuse(response, 403, "You are signed in as " + operator.name() + ", a read-only account: you can look at everything but change nothing.");
            return null;
        }
        if (session != null) {
            request.setAttribute(OperatorAuthenticator.SESSION_ATTRIBUTE, session);
        }
        return operator;
    }

    @Override
    public boolean authorize(Object user, String role) {
        // The console does not call this (Felix 5.0.18); pages that do get: viewers may read only.
        return user instanceof Operator operator && (operator.role().mayChange() || "read".equals(role));
    }

    @Override
    public void logout(HttpServletRequest request, HttpServletResponse response) {
        sessionCookie(request).ifPresent(authenticator::closeSession);
        response.addHeader("Set-Cookie", sessionCookie("", request.isSecure(), true));
        response.setStatus(303);
        response.setHeader("Location", LOGIN);
        try {
            response.flushBuffer();
        } catch (IOException e) {
            LOG.debug("Could not answer the sign-out", e);
        }
    }

    // ------------------------------------------------------------------ the sign-in form

    private void signIn(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String next = safeNext(request.getParameter("next"));
        if (request.getMethod().equals("POST")) {
            if (request.getHeader("Origin") != null && !sameOrigin(request)) {
                LoginPage.write(response, 403, next, "This sign-in came from another site, so it was refused.");
                return;
            }
            String username = request.getParameter("username");
            String password = request.getParameter("password");
            Optional<Operator> operator = authenticator.authenticate(username == null ? null : username.strip(), password);
            if (operator.isEmpty()) {
                LOG.info("Console sign-in refused for '{}' from {}", username, request.getRemoteAddr());
                LoginPage.write(response, 401, next, "That user name and password do not match an operator account.", username);
                return;
            }
            OperatorSession session = authenticator.openSession(operator.get());
            response.addHeader("Set-Cookie", sessionCookie(session.id(), request.isSecure(), false));
            response.setStatus(303);
            response.setHeader("Location", next);
            response.setHeader("Cache-Control", "no-store");
            response.flushBuffer();
            return;
        }
        if (!isSafe(request.getMethod())) {
            LoginPage.write(response, 405, next, "Sign in with the form.");
            return;
        }
        LoginPage.write(response, 200, next, null);
    }

    /** @return where to go after signing in: a console page of this server, never another site */
    static String safeNext(String next) {
        if (next == null || !next.startsWith(CONSOLE + "/") || next.startsWith(LOGIN) || next.contains("//") || next.contains("\\")
                || next.chars().anyMatch(c -> c < 0x21 || c == 0x7f)) {
            return HOME;
        }
        return next;
    }

    // ------------------------------------------------------------------ helpers

    /** @return the path below the console's root, e.g. {@code /bundles}; "" for the root itself */
    static String consolePath(HttpServletRequest request) {
        String uri = request.getRequestURI();
        if (uri == null) {
            return "";
        }
        int at = uri.indexOf(CONSOLE);
        return at < 0 ? "" : uri.substring(at + CONSOLE.length());
    }

    static boolean isSafe(String method) {
        return "GET".equals(method) || "HEAD".equals(method) || "OPTIONS".equals(method);
    }

    /** @return whether the request is a browser asking for a page (not a script asking for data) */
    static boolean wantsPage(HttpServletRequest request) {
        String accept = request.getHeader("Accept");
        return accept != null && accept.toLowerCase(Locale.ROOT).contains("text/html");
    }

    /** @return whether the {@code Origin} header names this very server */
    static boolean sameOrigin(HttpServletRequest request) {
        String origin = request.getHeader("Origin");
        String host = request.getHeader("Host");
        if (origin == null || host == null) {
            return false;
        }
        try {
            URI o = URI.create(origin);
            String authority = o.getRawAuthority();
            return authority != null && authority.equalsIgnoreCase(host)
                    && (o.getScheme() + "").equalsIgnoreCase(request.isSecure() ? "https" : "http");
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static Optional<String> sessionCookie(HttpServletRequest request) {
        Cookie[] cookies = request.getCookies();
        if (cookies == null) {
            return Optional.empty();
        }
        for (Cookie c : cookies) {
            if (OperatorAuthenticator.SESSION_COOKIE.equals(c.getName()) && c.getValue() != null && !c.getValue().isEmpty()) {
                return Optional.of(c.getValue());
            }
        }
        return Optional.empty();
    }

    static String sessionCookie(String id, boolean secure, boolean expire) {
        return OperatorAuthenticator.SESSION_COOKIE + "=" + id + "; Path=/; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "")
                + (expire ? "; Max-Age=0" : "");
    }

    static void refuse(HttpServletResponse response, int status, String message) throws IOException {
        response.setContentType("text/plain;charset=UTF-8");
        response.setStatus(status);
        response.getWriter().write(message + "\n");
        response.flushBuffer();
    }

    static void challenge(HttpServletResponse response) throws IOException {
        response.setHeader("WWW-Authenticate", "Basic realm=\"" + REALM + "\", charset=\"UTF-8\"");
        response.setContentType("text/plain;charset=UTF-8");
        response.setStatus(HttpServletResponse.SC_UNAUTHORIZED);
        response.getWriter().write("Sign in with a Dropwise operator account.\n");
        response.flushBuffer();
    }
}
