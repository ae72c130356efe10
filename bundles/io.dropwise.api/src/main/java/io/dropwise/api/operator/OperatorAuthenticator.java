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

    /** The cookie that carries a browser session's id (path {@code /}, HttpOnly, SameSite=Strict). */
    String SESSION_COOKIE = "dropwise-session";

    /**
     * The request attribute in which the console's security provider leaves the request's
     * {@link OperatorSession} (when it has one) for the console's pages.
     */
    String SESSION_ATTRIBUTE = "io.dropwise.operator.session";

    /** The header that carries a session's CSRF token on state-changing requests. */
    String CSRF_HEADER = "X-Dropwise-CSRF";

    /**
     * Opens a browser session for an operator who has just signed in.
     *
     * @param operator the operator, as {@link #authenticate} returned it
     * @return the new session
     */
    OperatorSession openSession(Operator operator);

    /**
     * @param id a session id presented by a browser (may be anything)
     * @return the session when it exists and has not expired; using it extends its idle time
     */
    Optional<OperatorSession> session(String id);

    /**
     * Ends a session (sign-out). Unknown ids are ignored.
     *
     * @param id the session id
     */
    void closeSession(String id);
}
