package io.dropwise.deploy.internal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.dropwise.api.deploy.Deployment;
import io.dropwise.api.deploy.DeploymentState;

/**
 * A deployment as kept in {@code <data>/deployments/history.json}: what operators see, plus the
 * files it needs for a rollback.
 */
final class DeploymentRecord {

    public String id;
    public String symbolicName;
    public String version;
    public String previousVersion;
    public String state;
    public String source;
    public String reason;
    /** The deployed jar, in the deployments folder. */
    public String jar;
    /** The jar of the version it replaced, for a rollback, or {@code null}. */
    public String previousJar;
    public List<Step> timeline = new ArrayList<>();

    /** A step, as stored. */
    public static final class Step {
        public String at;
        public String state;
        public String message;
    }

    DeploymentState state() {
        return DeploymentState.valueOf(state);
    }

    void step(DeploymentState newState, String message, Instant at) {
        state = newState.name();
        Step s = new Step();
        s.at = at.toString();
        s.state = newState.name();
        s.message = message;
        timeline.add(s);
    }

    Deployment toApi() {
        List<Deployment.Step> steps = timeline.stream()
                .map(s -> new Deployment.Step(Instant.parse(s.at), DeploymentState.valueOf(s.state), s.message)).toList();
        return new Deployment(id, symbolicName, version, previousVersion, state(), source, reason, steps);
    }
}
