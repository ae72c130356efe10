package io.dropwise.api.lifecycle;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Registered by the deployment service: the bundles that are new versions still being verified.
 *
 * <p>A new version's services register as soon as it starts, before the deployment has checked
 * them. A component that chooses among several providers of a service (the newest one, the
 * highest-ranked one) must skip the services of a candidate bundle, so that new work switches to a
 * new version only once it is verified, and never to a version that is then rolled back. When this
 * service is absent (a test framework without the deployment service), no bundle is a candidate.
 */
@ProviderType
public interface Candidates {

    /**
     * @param bundleId the id of the bundle that registered a service
     * @return {@code true} while that bundle is a new version under verification: its services must
     *     not take work yet
     */
    boolean isCandidate(long bundleId);
}
