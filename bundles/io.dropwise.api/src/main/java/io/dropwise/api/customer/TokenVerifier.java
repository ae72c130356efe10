package io.dropwise.api.customer;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Verifies the bearer tokens of customer requests (JWT, HS256 or RS256/ES256).
 */
@ProviderType
public interface TokenVerifier {

    /**
     * @param token the compact JWT from {@code Authorization: Bearer <token>}
     * @return the customer the token names
     * @throws TokenRejectedException when the token is missing, malformed, badly signed, expired or
     *         not meant for this server; its message says which, for logs (clients get a plain 401)
     */
    Customer verify(String token) throws TokenRejectedException;
}
