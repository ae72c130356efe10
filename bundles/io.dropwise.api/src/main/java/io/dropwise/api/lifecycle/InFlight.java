package io.dropwise.api.lifecycle;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Registered by a component that takes work (requests, claims): how much of it is running now.
 * When a new version of the bundle has taken over, the deployment waits until every
 * {@code InFlight} of the old version reports 0 (bounded) before it stops the old version.
 */
@ConsumerType
public interface InFlight {

    /** @return units of work running now in this component */
    int inFlight();
}
