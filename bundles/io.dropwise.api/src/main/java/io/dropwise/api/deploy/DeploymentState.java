package io.dropwise.api.deploy;

import java.util.Locale;

/** Where a deployment stands. */
public enum DeploymentState {
    /** Checking the jar, installing and starting it beside the running version, waiting for its services and health. */
    VERIFYING,
    /** New work goes to the new version from now on. */
    SWITCHING,
    /** Waiting for work in flight on the old version to finish. */
    DRAINING,
    /** The new version serves; the old one is stopped and kept for rollback. */
    ACTIVE,
    /** The version was active, and a later deployment of the same bundle replaced it. */
    SUPERSEDED,
    /** The new version failed a step and was removed; the old version kept serving. */
    ROLLED_BACK,
    /** The jar was refused before anything was installed. */
    FAILED;

    /** @return the wire name, e.g. {@code rolled-back} */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
