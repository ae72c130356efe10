package io.dropwise.api.faults;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Asked by the code that calls into another bundle's services, just before the call. Cheap when no
 * fault names the bundle. Registered only while fault injection is enabled, so callers hold an
 * optional reference and skip the question when it is absent.
 */
@ProviderType
public interface FaultInjection {

    /**
     * Applies the faults naming the bundle: waits for a {@link FaultKind#LATENCY} fault (returning
     * early, with the interrupt flag set, when interrupted) and throws for an
     * {@link FaultKind#EXCEPTION} fault.
     *
     * @param bundleSymbolicName the bundle about to be called
     * @throws InjectedFaultException when an exception fault applies to this call
     */
    void cross(String bundleSymbolicName);
}
