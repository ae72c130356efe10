package io.dropwise.api.deploy;

/** A jar refused before anything was installed: not a bundle, not allowed, not newer. */
public class InvalidDeploymentException extends Exception {

    private static final long serialVersionUID = 1L;

    /** @param reason what is wrong, for the operator */
    public InvalidDeploymentException(String reason) {
        super(reason);
    }
}
