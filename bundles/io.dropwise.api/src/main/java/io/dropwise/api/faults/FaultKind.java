package io.dropwise.api.faults;

/** What an injected fault does to the bundle it names. */
public enum FaultKind {
    /** Calls into the bundle's services wait {@link FaultSpec#latencyMillis()} first. */
    LATENCY,
    /** Calls into the bundle's services fail (for the store: the database is unreachable). */
    EXCEPTION,
    /** The bundle is stopped (transiently) and started again when the fault ends. */
    STOP
}
