package io.dropwise.api.operator;

import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Checks operator credentials. The Dropwise security bundle provides it; the admin API, the web
 * console and the shell call it, so that every operator front accepts the same accounts.
 */
@ProviderType
public interface OperatorAuthenticator {

    /**
     * @param username the account name presented
     * @param password the password presented
     * @return the operator when the credentials are valid, otherwise empty (never a hint of which
     *         part was wrong)
     */
    Optional<Operator> authenticate(String username, String password);
}
