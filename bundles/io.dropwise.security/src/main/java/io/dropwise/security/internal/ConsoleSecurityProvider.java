package io.dropwise.security.internal;

import java.io.IOException;
import java.util.Optional;

import org.apache.felix.webconsole.spi.SecurityProvider;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.dropwise.api.operator.Operator;
import io.dropwise.api.operator.OperatorAuthenticator;
import io.dropwise.api.operator.OperatorRole;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Signs operators in to the Felix Web Console with their Dropwise account (HTTP Basic).
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

    private static final Logger LOG = LoggerFactory.getLogger(ConsoleSecurityProvider.class);

    private final OperatorAuthenticator authenticator;

    @Activate
    public ConsoleSecurityProvider(@Reference OperatorAuthenticator authenticator) {
        this.authenticator = authenticator;
    }

    @Override
    public Object authenticate(HttpServletRequest request, HttpServletResponse response) {
        Optional<Operator> operator = BasicCredentials.parse(request.getHeader("Authorization"))
                .flatMap(c -> authenticator.authenticate(c.username(), c.password()));
        if (operator.isPresent() && operator.get().role() == OperatorRole.ADMIN) {
            return operator.get();
        }
        if (operator.isPresent()) {
            // Viewers get read-only pages with the console issue; until then the console is admin-only.
            forbid(response);
            return null;
        }
        if (request.getHeader("Authorization") != null) {
            LOG.info("Web Console sign-in refused from {}", request.getRemoteAddr());
        }
        challenge(response);
        return null;
    }

    @Override
    public boolean authorize(Object user, String role) {
        // The console's pages change the running system; until the console issue defines
        // read-only pages, only administrators get in.
        return user instanceof Operator operator && operator.role() == OperatorRole.ADMIN;
    }

    @Override
    public void logout(HttpServletRequest request, HttpServletResponse response) {
        // HTTP Basic has no server-side session to end; the browser forgets on its own.
    }

    static void forbid(HttpServletResponse response) {
        try {
            response.setContentType("text/plain;charset=UTF-8");
            response.setStatus(HttpServletResponse.SC_FORBIDDEN);
            response.getWriter().write("The web console is open to administrators only.\n");
        } catch (IOException | IllegalStateException e) {
            LOG.debug("Could not write the refusal", e);
        }
    }

    static void challenge(HttpServletResponse response) {
        try {
            response.setHeader("WWW-Authenticate", "Basic realm=\"" + REALM + "\", charset=\"UTF-8\"");
            response.setContentType("text/plain;charset=UTF-8");
            response.setStatus(HttpServletResponse.SC_UNAUTHORIZED);
            response.getWriter().write("Sign in with a Dropwise operator account.\n");
        } catch (IOException | IllegalStateException e) {
            LOG.debug("Could not write the sign-in challenge", e);
        }
    }
}
