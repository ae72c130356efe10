package io.dropwise.security.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.Proxy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.jupiter.api.Test;

import io.dropwise.api.operator.Operator;
import io.dropwise.api.operator.OperatorAuthenticator;
import io.dropwise.api.operator.OperatorRole;
import io.dropwise.api.operator.OperatorSession;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

class ConsoleSecurityProviderTest {

    private static final Operator ADMIN = new Operator("admin", OperatorRole.ADMIN);
    private static final Operator VIEWER = new Operator("viewer", OperatorRole.VIEWER);

    /** Two accounts and an in-memory session table. */
    private static final class Accounts implements OperatorAuthenticator {
        final Map<String, OperatorSession> sessions = new ConcurrentHashMap<>();

        @Override
        public Optional<Operator> authenticate(String user, String password) {
            return switch (user + ":" + password) {
                case "admin:right-password" -> Optional.of(ADMIN);
                case "viewer:viewer-password" -> Optional.of(VIEWER);
                default -> Optional.empty();
            };
        }

        @Override
        public OperatorSession openSession(Operator operator) {
            OperatorSession s = new OperatorSession("sid-" + sessions.size(), operator, "csrf-" + sessions.size(), Instant.MAX);
            sessions.put(s.id(), s);
            return s;
        }

        @Override
        public Optional<OperatorSession> session(String id) {
            return Optional.ofNullable(sessions.get(id));
        }

        @Override
        public void closeSession(String id) {
            sessions.remove(id);
        }
    }

    private final Accounts accounts = new Accounts();
    private final ConsoleSecurityProvider provider = new ConsoleSecurityProvider(accounts);

    /** A response that records what the provider sets. */
    private static final class Recorded {
        int status = 200;
        final Map<String, String> headers = new HashMap<>();
        final List<String> cookies = new ArrayList<>();
        final StringWriter body = new StringWriter();
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        HttpServletResponse response() {
            return (HttpServletResponse) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {HttpServletResponse.class},
                    (proxy, method, args) -> switch (method.getName()) {
                        case "setStatus" -> {
                            status = (Integer) args[0];
                            yield null;
                        }
                        case "setHeader" -> {
                            headers.put((String) args[0], (String) args[1]);
                            yield null;
                        }
                        case "addHeader" -> {
                            if ("Set-Cookie".equals(args[0])) {
                                cookies.add((String) args[1]);
                            }
                            yield null;
                        }
                        case "getWriter" -> new PrintWriter(body, true);
                        case "getOutputStream" -> new ServletOutputStream() {
                            @Override
                            public void write(int b) {
                                bytes.write(b);
                            }

                            @Override
                            public boolean isReady() {
                                return true;
                            }

                            @Override
                            public void setWriteListener(WriteListener listener) {
                            }
                        };
                        default -> null;
                    });
        }

        String text() {
            return body + bytes.toString(java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    /** A request: method, path below the console, headers, cookie (session id) and form parameters. */
    private static HttpServletRequest request(String method, String path, Map<String, String> headers, String sessionId,
            Map<String, String> params) {
        return (HttpServletRequest) Proxy.newProxyInstance(ConsoleSecurityProviderTest.class.getClassLoader(),
                new Class<?>[] {HttpServletRequest.class}, (proxy, m, args) -> switch (m.getName()) {
                    case "getMethod" -> method;
                    case "getRequestURI" -> "/system/console" + path;
                    case "getHeader" -> headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase((String) args[0]))
                            .map(Map.Entry::getValue).findFirst().orElse(null);
                    case "getCookies" -> sessionId == null ? null : new Cookie[] {new Cookie(OperatorAuthenticator.SESSION_COOKIE, sessionId)};
                    case "getParameter" -> params.get((String) args[0]);
                    case "getRemoteAddr" -> "127.0.0.1";
                    case "isSecure" -> false;
                    default -> null;
                });
    }

    private static HttpServletRequest basic(String method, String credentials) {
        return request(method, "/bundles", Map.of("Authorization", BasicCredentialsTest.basic(credentials), "Host", "localhost:8080"), null,
                Map.of());
    }

    @Test
    void anAdministratorWithTheRightPasswordGetsIn() {
        Recorded r = new Recorded();
        Object user = provider.authenticate(basic("GET", "admin:right-password"), r.response());
        assertEquals(ADMIN, user);
        assertTrue(provider.authorize(user, "any-role"));
        assertEquals(200, r.status);
        assertEquals(ADMIN, provider.authenticate(basic("POST", "admin:right-password"), new Recorded().response()), "scripts post with Basic");
    }

    @Test
    void scriptsWithNoOrWrongCredentialsAreChallengedWith401() {
        for (String header : new String[] {null, BasicCredentialsTest.basic("admin:admin"), BasicCredentialsTest.basic("admin:wrong"), "Basic ???"}) {
            Recorded r = new Recorded();
            Map<String, String> headers = header == null ? Map.of() : Map.of("Authorization", header);
            assertNull(provider.authenticate(request("GET", "/bundles.json", headers, null, Map.of()), r.response()), String.valueOf(header));
            assertEquals(401, r.status);
            assertTrue(r.headers.get("WWW-Authenticate").startsWith("Basic realm=\"Dropwise operators\""));
        }
    }

    @Test
    void aBrowserWithoutASessionIsSentToTheSignInForm() {
        Recorded r = new Recorded();
        assertNull(provider.authenticate(request("GET", "/dropwise", Map.of("Accept", "text/html,*/*"), "unknown-session", Map.of()),
                r.response()));
        assertEquals(303, r.status);
        assertEquals("/system/console/login?next=%2Fsystem%2Fconsole%2Fdropwise", r.headers.get("Location"));

        Recorded form = new Recorded();
        assertNull(provider.authenticate(request("GET", "/login", Map.of("Accept", "text/html"), null, Map.of("next", "/system/console/dropwise")),
                form.response()));
        assertEquals(200, form.status);
        assertTrue(form.text().contains("name=\"password\"") && form.text().contains("value=\"/system/console/dropwise\""), form.text());
    }

    @Test
    void signingInOpensASessionAndGoesBackToThePage() {
        Recorded wrong = new Recorded();
        provider.authenticate(request("POST", "/login", Map.of("Origin", "http://localhost:8080", "Host", "localhost:8080"), null,
                Map.of("username", "admin", "password", "admin", "next", "/system/console/dropwise")), wrong.response());
        assertEquals(401, wrong.status);
        assertTrue(wrong.text().contains("do not match"), wrong.text());
        assertTrue(wrong.cookies.isEmpty());

        Recorded right = new Recorded();
        provider.authenticate(request("POST", "/login", Map.of("Origin", "http://localhost:8080", "Host", "localhost:8080"), null,
                Map.of("username", "admin", "password", "right-password", "next", "/system/console/dropwise")), right.response());
        assertEquals(303, right.status);
        assertEquals("/system/console/dropwise", right.headers.get("Location"));
        assertEquals(1, accounts.sessions.size());
        String id = accounts.sessions.keySet().iterator().next();
        assertEquals(List.of("dropwise-session=" + id + "; Path=/; HttpOnly; SameSite=Strict"), right.cookies);

        Recorded page = new Recorded();
        HttpServletRequest get = request("GET", "/dropwise", Map.of("Accept", "text/html"), id, Map.of());
        assertEquals(ADMIN, provider.authenticate(get, page.response()));

        Recorded crossSite = new Recorded();
        provider.authenticate(request("POST", "/login", Map.of("Origin", "https://evil.example", "Host", "localhost:8080"), null,
                Map.of("username", "admin", "password", "right-password")), crossSite.response());
        assertEquals(403, crossSite.status, "a sign-in posted by another site");
    }

    @Test
    void sessionWritesNeedTheCsrfTokenOrTheSameOrigin() {
        OperatorSession s = accounts.openSession(ADMIN);
        Recorded forged = new Recorded();
        assertNull(provider.authenticate(request("POST", "/bundles", Map.of("Host", "localhost:8080"), s.id(), Map.of()), forged.response()));
        assertEquals(403, forged.status);
        Recorded otherSite = new Recorded();
        assertNull(provider.authenticate(request("POST", "/bundles", Map.of("Host", "localhost:8080", "Origin", "http://localhost.evil:8080"),
                s.id(), Map.of()), otherSite.response()));
        assertEquals(403, otherSite.status);

        assertEquals(ADMIN, provider.authenticate(request("POST", "/bundles", Map.of("Host", "localhost:8080", "X-Dropwise-CSRF", s.csrfToken()),
                s.id(), Map.of()), new Recorded().response()));
        assertEquals(ADMIN, provider.authenticate(request("POST", "/bundles", Map.of("Host", "localhost:8080", "Origin", "http://localhost:8080"),
                s.id(), Map.of()), new Recorded().response()));
    }

    @Test
    void viewersSeeEverythingAndChangeNothing() {
        Recorded look = new Recorded();
        assertEquals(VIEWER, provider.authenticate(basic("GET", "viewer:viewer-password"), look.response()));
        Recorded change = new Recorded();
        assertNull(provider.authenticate(basic("POST", "viewer:viewer-password"), change.response()));
        assertEquals(403, change.status);
        assertTrue(change.body.toString().contains("viewer"), change.body.toString());
        OperatorSession s = accounts.openSession(VIEWER);
        Recorded withToken = new Recorded();
        assertNull(provider.authenticate(request("POST", "/bundles", Map.of("X-Dropwise-CSRF", s.csrfToken()), s.id(), Map.of()),
                withToken.response()));
        assertEquals(403, withToken.status);
        assertFalse(provider.authorize(VIEWER, "any-role"));
        assertTrue(provider.authorize(VIEWER, "read"));
        assertFalse(provider.authorize("not an operator", "read"));
    }

    @Test
    void signOutEndsTheSession() {
        OperatorSession s = accounts.openSession(ADMIN);
        Recorded r = new Recorded();
        provider.logout(request("GET", "/logout", Map.of(), s.id(), Map.of()), r.response());
        assertTrue(accounts.sessions.isEmpty());
        assertEquals(303, r.status);
        assertTrue(r.cookies.get(0).contains("Max-Age=0"), r.cookies.toString());
    }

    @Test
    void afterSigningInOnlyConsolePagesOfThisServerAreFollowed() {
        assertEquals("/system/console/bundles", ConsoleSecurityProvider.safeNext("/system/console/bundles"));
        for (String bad : new String[] {null, "https://evil.example/", "//evil.example/system/console/", "/system/console//evil",
                "/system/console/login", "/elsewhere", "/system/console/\\evil", "/system/console/a\r\nSet-Cookie: x"}) {
            assertEquals("/system/console/dropwise", ConsoleSecurityProvider.safeNext(bad), String.valueOf(bad));
        }
    }
}
