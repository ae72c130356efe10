package io.dropwise.api.faults;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/** Injects faults for a bounded time and ends them (the admin API's {@code /admin/v1/faults}). */
@ProviderType
public interface Faults {

    /**
     * Starts a fault; it ends by itself after its duration.
     *
     * @throws InvalidFaultException when the spec is out of bounds or names no bundle that can take it
     */
    Fault inject(FaultSpec spec) throws InvalidFaultException;

    /** @return the faults in force now, oldest first */
    List<Fault> active();

    /**
     * Ends a fault now (a stopped bundle is started again).
     *
     * @return false when no such fault is in force
     */
    boolean end(String id);
}
