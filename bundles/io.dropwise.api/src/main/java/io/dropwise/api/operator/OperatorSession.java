package io.dropwise.api.operator;

import java.time.Instant;
import java.util.Objects;

/**
 * A signed-in browser session of an operator (the console's sign-in form). The browser holds
 * {@link #id()} in the {@value OperatorAuthenticator#SESSION_COOKIE} cookie; pages send
 * {@link #csrfToken()} in the {@value OperatorAuthenticator#CSRF_HEADER} header with every request
 * that changes something, which a page of another site cannot know.
 *
 * @param id the session id: a random, unguessable string
 * @param operator who signed in
 * @param csrfToken the token state-changing requests of this session must carry
 * @param expiresAt when the session ends if it is not used before
 */
public record OperatorSession(String id, Operator operator, String csrfToken, Instant expiresAt) {
    public OperatorSession {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(operator, "operator");
        Objects.requireNonNull(csrfToken, "csrfToken");
        Objects.requireNonNull(expiresAt, "expiresAt");
    }
}
