package io.dropwise.deploy.internal;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import io.dropwise.api.deploy.Deployment;
import io.dropwise.api.deploy.DeploymentState;
import io.dropwise.api.deploy.Deployments;
import io.dropwise.api.metrics.Metrics;
import io.dropwise.api.metrics.MetricsSource;

/**
 * Deployments in {@code /metrics}: how many of the recorded deployments stand in each state
 * (a rising {@code rolled-back} count is a version that failed its checks), and how many were
 * operators' rollbacks. Counted from the deployment history, which survives restarts.
 */
@Component(service = MetricsSource.class)
public final class DeploymentMetrics implements MetricsSource {

    private final Deployments deployments;

    @org.osgi.service.component.annotations.Activate
    public DeploymentMetrics(@Reference Deployments deployments) {
        this.deployments = deployments;
    }

    @Override
    public void collect(Metrics metrics) {
        Map<DeploymentState, Integer> byState = new EnumMap<>(DeploymentState.class);
        int rollbacks = 0;
        for (Deployment d : deployments.all()) {
            byState.merge(d.state(), 1, Integer::sum);
            if (d.source() != null && d.source().startsWith("rollback of ")) {
                rollbacks++;
            }
        }
        for (DeploymentState s : DeploymentState.values()) {
            Map<String, String> labels = new LinkedHashMap<>();
            labels.put("state", s.wireName());
            metrics.gauge("dropwise_deployments", "Deployments in the history, by the state they stand in", labels, byState.getOrDefault(s, 0));
        }
        metrics.gauge("dropwise_deployment_rollbacks", "Operators' rollbacks in the deployment history", Map.of(), rollbacks);
    }
}
