package io.dropwise.security.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.dropwise.api.operator.Operator;
import io.dropwise.api.operator.OperatorAuthenticator;
import io.dropwise.api.operator.OperatorRole;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

class ConsoleSecurityProviderTest {

    private static final Operator ADMIN = new Operator("admin", OperatorRole.ADMIN);
    private static final Operator VIEWER = new Operator("viewer", OperatorRole.VIEWER);

    private final OperatorAuthenticator accounts = (user, password) -> switch (user + ":" + password) {
        case "admin:right-password" -> Optional.of(ADMIN);
        case "viewer:viewer-password" -> Optional.of(VIEWER);
        default -> Optional.empty();
    };
    private final ConsoleSecurityProvider provider = new ConsoleSecurityProvider(accounts);

    /** A response that records what the provider sets. */
    private static final class Recorded {
        int status = 200;
        final Map<String, String> headers = new HashMap<>();
        final StringWriter body = new StringWriter();

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
                        case "getWriter" -> new PrintWriter(body, true);
                        default -> null;
                    });
        }
    }

    private static HttpServletRequest request(String authorization) {
        return (HttpServletRequest) Proxy.newProxyInstance(ConsoleSecurityProviderTest.class.getClassLoader(),
                new Class<?>[] {HttpServletRequest.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getHeader" -> "Authorization".equalsIgnoreCase((String) args[0]) ? authorization : null;
                    case "getRemoteAddr" -> "127.0.0.1";
                    default -> null;
                });
    }

    @Test
    void anAdministratorWithTheRightPasswordGetsIn() {
        Recorded r = new Recorded();
        Object user = provider.authenticate(request(BasicCredentialsTest.basic("admin:right-password")), r.response());
        assertEquals(ADMIN, user);
        assertTrue(provider.authorize(user, "any-role"));
        assertEquals(200, r.status);
    }

    @Test
    void noOrWrongCredentialsAreChallengedWith401() {
        for (String header : new String[] {null, BasicCredentialsTest.basic("admin:admin"), BasicCredentialsTest.basic("admin:wrong"), "Basic ???"}) {
            Recorded r = new Recorded();
            assertNull(provider.authenticate(request(header), r.response()), String.valueOf(header));
            assertEquals(401, r.status);
            assertTrue(r.headers.get("WWW-Authenticate").startsWith("Basic realm=\"Dropwise operators\""));
        }
    }

    @Test
    void viewersAreTurnedAwayFromTheConsoleWith403() {
        Recorded r = new Recorded();
        assertNull(provider.authenticate(request(BasicCredentialsTest.basic("viewer:viewer-password")), r.response()));
        assertEquals(403, r.status);
        assertFalse(provider.authorize(VIEWER, "any-role"));
        assertFalse(provider.authorize("not an operator", "any-role"));
    }
}
