package io.dropwise.claims.internal;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.felix.hc.api.FormattingResultLog;
import org.apache.felix.hc.api.HealthCheck;
import org.apache.felix.hc.api.Result;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

import io.dropwise.api.drops.Drops;
import io.dropwise.api.drops.RulePluginStatus;

/**
 * "Dropwise rule plugins" in {@code /system/health}: WARN while a rule plugin's circuit is open
 * (its drops follow their {@code onRuleFailure} policy), naming the plugin and its last failure. A
 * tripped plugin degrades the drops that use it, not the server, so it never makes readiness fail.
 */
@Component(service = HealthCheck.class, property = {
        HealthCheck.NAME + "=Dropwise rule plugins",
        HealthCheck.TAGS + "=ready",
        HealthCheck.TAGS + "=rules"
})
public final class RulePluginsHealthCheck implements HealthCheck {

    private final List<Drops> engines = new CopyOnWriteArrayList<>();

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addEngine(Drops engine) {
        engines.add(engine);
    }

    void removeEngine(Drops engine) {
        engines.remove(engine);
    }

    @Override
    public Result execute() {
        FormattingResultLog log = new FormattingResultLog();
        int seen = 0;
        for (Drops engine : engines) {
            for (RulePluginStatus p : engine.rulePlugins()) {
                seen++;
                if (p.circuit().equals("closed")) {
                    log.info("{}: answering ({} calls, {} failures)", p.plugin(), p.calls(), p.failures());
                } else {
                    log.warn("{}: circuit {} until {} after failures in a row; its drops follow their onRuleFailure policy. Last failure: {}",
                            p.plugin(), p.circuit(), p.openUntil(), p.lastFailure());
                }
            }
        }
        if (seen == 0) {
            log.info("No rule plugin has been called yet");
        }
        return new Result(log);
    }
}
