package io.dropwise.api.faults;

/** A fault that cannot be injected, with the reason in words an operator understands. */
public class InvalidFaultException extends Exception {

    private static final long serialVersionUID = 1L;

    private final boolean conflict;

    /**
     * @param message the reason
     * @param conflict true when the request is valid but clashes with the server's state (for
     *        example the bundle is already stopped by another fault)
     */
    public InvalidFaultException(String message, boolean conflict) {
        super(message);
        this.conflict = conflict;
    }

    /** @return whether the fault clashes with the server's state rather than being malformed */
    public boolean conflict() {
        return conflict;
    }
}
