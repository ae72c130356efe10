package io.dropwise.api.faults;

/** Thrown where a bundle's service is called while an {@link FaultKind#EXCEPTION} fault names it. */
public class InjectedFaultException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public InjectedFaultException(String message) {
        super(message);
    }
}
