package io.dropwise.tokens.internal;

import java.nio.file.Path;
import java.time.Clock;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.dropwise.api.customer.Customer;
import io.dropwise.api.customer.TokenRejectedException;
import io.dropwise.api.customer.TokenVerifier;

/**
 * The {@link TokenVerifier} service, configured from {@code DROPWISE_TOKEN_SECRET} (HS256),
 * {@code DROPWISE_TOKEN_JWKS} (a JWKS file with the bank's public keys, RS256/ES256),
 * {@code DROPWISE_TOKEN_ISSUER} and {@code DROPWISE_TOKEN_AUDIENCE} (checked when set).
 *
 * <p>With no key configured, every customer token is refused and an ERROR says why at start: the
 * server never trusts an unsigned token.
 */
@Component(service = TokenVerifier.class)
public final class CustomerTokens implements TokenVerifier {

    static final String SECRET = "dropwise.token.secret";
    static final String JWKS = "dropwise.token.jwks";
    static final String ISSUER = "dropwise.token.issuer";
    static final String AUDIENCE = "dropwise.token.audience";

    private static final Logger LOG = LoggerFactory.getLogger(CustomerTokens.class);

    private final JwtVerifier verifier;
    private final String misconfiguration;

    @Activate
    public CustomerTokens(BundleContext context) {
        ObjectMapper json = new ObjectMapper();
        String secret = context.getProperty(SECRET);
        String jwks = context.getProperty(JWKS);
        SigningKeys keys;
        String problem = null;
        try {
            keys = SigningKeys.configure(secret, jwks == null ? null : Path.of(jwks), json);
            if (keys.isEmpty()) {
                problem = "neither DROPWISE_TOKEN_SECRET nor DROPWISE_TOKEN_JWKS is set";
            }
        } catch (IllegalArgumentException e) {
            keys = new SigningKeys(null, java.util.List.of());
            problem = e.getMessage();
        }
        this.misconfiguration = problem;
        this.verifier = new JwtVerifier(keys, context.getProperty(ISSUER), context.getProperty(AUDIENCE), Clock.systemUTC(), json);
        if (problem != null) {
            LOG.error("Customer tokens cannot be verified: {}. Every customer request will get 401.", problem);
        } else {
            LOG.info("Customer tokens accepted: {}", (secret != null ? "HS256 " : "") + (jwks != null ? "RS256/ES256 from " + jwks : ""));
        }
    }

    @Override
    public Customer verify(String token) throws TokenRejectedException {
        if (misconfiguration != null) {
            throw new TokenRejectedException("token verification is not configured: " + misconfiguration);
        }
        return verifier.verify(token);
    }
}
