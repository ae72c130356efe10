package io.dropwise.supervisor.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.apache.felix.hc.api.FormattingResultLog;
import org.apache.felix.hc.api.HealthCheck;
import org.apache.felix.hc.api.Result;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.dropwise.api.lifecycle.Candidates;

/**
 * The supervisor of the Dropwise components, in the manner of an OTP supervisor with the
 * {@code one_for_one} strategy: every {@link #CHECK_EVERY} it looks at the Declarative Services
 * components of the Dropwise bundles (the {@code dropwise.deploy.namespaces} prefixes) and restarts
 * (disables and enables again) each one whose activation failed, at most
 * {@code dropwise.supervisor.restarts} times within {@code dropwise.supervisor.period.seconds}
 * (3 in 30 s by default). One failure more within the period, and it escalates instead of looping:
 * an ERROR line, and its health check ("Dropwise supervisor", tag {@code ready}) turns CRITICAL, so
 * that readiness fails and the load balancer takes the instance out until an operator acts (a fixed
 * version deployed, or the component comes up). Components that are merely unsatisfied (a service
 * they need is missing) or disabled, bundles an operator stopped, and new versions still being
 * verified by a deployment ({@link Candidates}: the deployment rolls them back) are left alone.
 */
@Component(service = HealthCheck.class, immediate = true, property = {
        HealthCheck.NAME + "=Dropwise supervisor",
        HealthCheck.TAGS + "=ready",
        HealthCheck.TAGS + "=supervisor"
})
public final class Supervisor implements HealthCheck {

    static final Duration CHECK_EVERY = Duration.ofSeconds(1);

    private static final Logger LOG = LoggerFactory.getLogger(Supervisor.class);

    private final BundleContext context;
    private final ServiceComponentRuntime scr;
    private final Clock clock;
    private final List<String> namespaces;
    private final int maxRestarts;
    private final Duration period;
    private final Map<String, RestartIntensity> intensity = new ConcurrentHashMap<>();
    /** Children given up on, with why. */
    private final Map<String, String> escalated = new ConcurrentHashMap<>();
    private final Map<String, Integer> restarted = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "dropwise-supervisor");
        t.setDaemon(true);
        return t;
    });

    @Activate
    public Supervisor(BundleContext context, @Reference ServiceComponentRuntime scr) {
        this(context, scr, Clock.systemUTC());
    }

    Supervisor(BundleContext context, ServiceComponentRuntime scr, Clock clock) {
        this.context = context;
        this.scr = scr;
        this.clock = clock;
        String ns = context.getProperty("dropwise.deploy.namespaces");
        this.namespaces = Arrays.stream((ns == null || ns.isBlank() ? "io.dropwise." : ns).split(",")).map(String::strip)
                .filter(s -> !s.isEmpty()).toList();
        this.maxRestarts = (int) setting(context, "dropwise.supervisor.restarts", 3, 0, 100);
        this.period = Duration.ofSeconds(setting(context, "dropwise.supervisor.period.seconds", 30, 1, 3600));
        timer.scheduleWithFixedDelay(this::superviseSafely, CHECK_EVERY.toMillis(), CHECK_EVERY.toMillis(), TimeUnit.MILLISECONDS);
        LOG.info("Supervising the components of {}: at most {} restarts in {} s each", namespaces, maxRestarts, period.toSeconds());
    }

    /** The deployment service's view of which bundles are still being verified; absent: none is. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    volatile Candidates candidates;

    @Deactivate
    void deactivate() throws InterruptedException {
        timer.shutdownNow();
        timer.awaitTermination(5, TimeUnit.SECONDS);
    }

    private void superviseSafely() {
        try {
            supervise();
        } catch (RuntimeException e) {
            LOG.warn("Supervision round failed", e);
        }
    }

    /** One round: restart or escalate every failed child. */
    void supervise() {
        Instant now = clock.instant();
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (Bundle bundle : context.getBundles()) {
            String bsn = bundle.getSymbolicName();
            if (bsn == null || bundle.getState() != Bundle.ACTIVE || namespaces.stream().noneMatch(bsn::startsWith)) {
                continue;
            }
            Candidates gate = candidates;
            if (gate != null && gate.isCandidate(bundle.getBundleId())) {
                continue; // a new version under verification: its deployment judges it (and rolls it back), not the supervisor
            }
            for (ComponentDescriptionDTO d : scr.getComponentDescriptionDTOs(bundle)) {
                if (!scr.isComponentEnabled(d)) {
                    continue;
                }
                String child = bsn + "/" + bundle.getVersion() + ":" + d.name;
                seen.add(child);
                boolean failed = false;
                String failure = null;
                for (ComponentConfigurationDTO c : scr.getComponentConfigurationDTOs(d)) {
                    if (c.state == ComponentConfigurationDTO.FAILED_ACTIVATION) {
                        failed = true;
                        failure = c.failure;
                    }
                }
                if (!failed) {
                    if (escalated.remove(child) != null) {
                        LOG.info("Component {} is up again", child);
                    }
                    continue;
                }
                if (escalated.containsKey(child)) {
                    continue;
                }
                RestartIntensity i = intensity.computeIfAbsent(child, k -> new RestartIntensity(maxRestarts, period));
                String why = firstLine(failure);
                if (i.mayRestart(now)) {
                    restarted.merge(child, 1, Integer::sum);
                    LOG.warn("Component {} failed to activate ({}); restarting it ({} of at most {} in {} s)", child, why, i.recent(now),
                            maxRestarts, period.toSeconds());
                    scr.disableComponent(d).onResolve(() -> scr.enableComponent(d));
                } else {
                    escalated.put(child, why);
                    LOG.error("Component {} failed {} times within {} s ({}); no more restarts: it needs an operator "
                            + "(the Dropwise supervisor health check is CRITICAL)", child, maxRestarts + 1, period.toSeconds(), why);
                }
            }
        }
        // a child that is gone (its bundle stopped, replaced or uninstalled) is no longer supervised
        for (String child : List.copyOf(intensity.keySet())) {
            if (!seen.contains(child)) {
                intensity.remove(child);
                restarted.remove(child);
                if (escalated.remove(child) != null) {
                    LOG.info("Component {} is gone; it is no longer reported", child);
                }
            }
        }
    }

    @Override
    public Result execute() {
        FormattingResultLog log = new FormattingResultLog();
        escalated.forEach((child, why) -> log.critical("{} kept failing: restarted {} times within {} s, then given up ({}). Deploy a fixed "
                + "version or restart the server.", child, maxRestarts, period.toSeconds(), why));
        restarted.forEach((child, n) -> {
            if (!escalated.containsKey(child)) {
                log.info("{} was restarted {} time(s) after a failed activation", child, n);
            }
        });
        if (escalated.isEmpty() && restarted.isEmpty()) {
            log.info("Every supervised component is up or waiting for its services");
        }
        return new Result(log);
    }

    private static String firstLine(String failure) {
        if (failure == null) {
            return "no reason given";
        }
        String line = failure.lines().findFirst().orElse(failure);
        return line.length() > 300 ? line.substring(0, 300) + "…" : line;
    }

    private static long setting(BundleContext context, String key, long fallback, long min, long max) {
        String value = context.getProperty(key);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            long v = Long.parseLong(value.strip());
            if (v >= min && v <= max) {
                return v;
            }
        } catch (NumberFormatException e) {
            // named below
        }
        LOG.error("Setting {}={} is not a whole number from {} to {}; using {}", key, value, min, max, fallback);
        return fallback;
    }
}
