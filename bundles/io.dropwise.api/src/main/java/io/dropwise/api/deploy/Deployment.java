package io.dropwise.api.deploy;

import java.time.Instant;
import java.util.List;

/**
 * One deployment of one bundle version.
 *
 * @param id the deployment id
 * @param symbolicName the bundle's symbolic name
 * @param version the bundle version deployed
 * @param previousVersion the version that was serving before, or {@code null} for a new bundle
 * @param state where it stands
 * @param source where it came from: {@code admin-api}, {@code deploy/<file>}, {@code rollback of <id>}, {@code restart}
 * @param reason why it failed or was rolled back, or {@code null}
 * @param timeline every step, oldest first
 */
public record Deployment(String id, String symbolicName, String version, String previousVersion, DeploymentState state,
        String source, String reason, List<Step> timeline) {

    public Deployment {
        timeline = List.copyOf(timeline);
    }

    /**
     * A step of a deployment.
     *
     * @param at when
     * @param state the state entered
     * @param message what happened, in words an operator understands
     */
    public record Step(Instant at, DeploymentState state, String message) {
    }
}
