package io.dropwise.faults.internal;

import org.apache.felix.hc.api.FormattingResultLog;
import org.apache.felix.hc.api.HealthCheck;
import org.apache.felix.hc.api.Result;

import io.dropwise.api.faults.Fault;
import io.dropwise.api.faults.Faults;

/**
 * "Dropwise fault injection" in {@code /system/health}: WARN while a fault is in force, naming it,
 * so that nobody mistakes a game day for an incident (or forgets one). WARN never fails readiness;
 * the fault itself may (a stopped bundle, a failing store).
 */
final class FaultsHealthCheck implements HealthCheck {

    private final Faults faults;

    FaultsHealthCheck(Faults faults) {
        this.faults = faults;
    }

    @Override
    public Result execute() {
        FormattingResultLog log = new FormattingResultLog();
        var active = faults.active();
        if (active.isEmpty()) {
            log.info("Fault injection is enabled; no fault in force");
        }
        for (Fault f : active) {
            log.warn("Fault {} in force until {}: {} on {}", f.id(), f.endsAt(), f.spec().kind().name().toLowerCase(java.util.Locale.ROOT),
                    f.spec().bundle());
        }
        return new Result(log);
    }
}
