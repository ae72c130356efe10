package io.dropwise.api.customer;

/** A customer token that is not accepted, with the reason. */
public class TokenRejectedException extends Exception {

    private static final long serialVersionUID = 1L;

    /** @param reason why the token is refused, in words an operator understands */
    public TokenRejectedException(String reason) {
        super(reason);
    }
}
