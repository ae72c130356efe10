package io.dropwise.faults.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.dropwise.api.faults.Fault;
import io.dropwise.api.faults.FaultInjection;
import io.dropwise.api.faults.FaultKind;
import io.dropwise.api.faults.FaultSpec;
import io.dropwise.api.faults.Faults;
import io.dropwise.api.faults.InjectedFaultException;
import io.dropwise.api.faults.InvalidFaultException;

/**
 * The faults in force, with their bounds. {@link #cross} reads an immutable snapshot (one map lookup
 * when no fault names the bundle); changes are made under this object's lock and end by
 * themselves on the scheduler. Stopping and starting bundles happens on the scheduler's thread, never
 * on the caller's (the caller may be a request of the very bundle being stopped).
 */
final class FaultBook implements Faults, FaultInjection {

    static final long MAX_LATENCY_MILLIS = 60_000;
    static final int MAX_ACTIVE = 32;

    private static final Logger LOG = LoggerFactory.getLogger(FaultBook.class);

    /** The framework, as far as faults need it. */
    interface Bundles {
        /** @return whether a bundle of that symbolic name is installed */
        boolean installed(String symbolicName);

        /** @return the ids of the active (or starting) bundles of that symbolic name */
        List<Long> active(String symbolicName);

        /** Stops the bundle transiently (a restart of the server starts it again). */
        void stop(long bundleId) throws Exception;

        /** Starts the bundle again, transiently. */
        void start(long bundleId) throws Exception;
    }

    private record Active(Fault fault, List<Long> stopped, ScheduledFuture<?> expiry) {
    }

    private final Clock clock;
    private final Duration maxDuration;
    private final Bundles bundles;
    private final String self;
    private final ScheduledExecutorService scheduler;
    private final Map<String, Active> active = new LinkedHashMap<>();
    private volatile Map<String, List<Fault>> byBundle = Map.of();
    private long next;
    private boolean closed;

    FaultBook(Clock clock, Duration maxDuration, Bundles bundles, String self, ScheduledExecutorService scheduler) {
        this.clock = clock;
        this.maxDuration = maxDuration;
        this.bundles = bundles;
        this.self = self;
        this.scheduler = scheduler;
    }

    @Override
    public void cross(String bundleSymbolicName) {
        List<Fault> faults = byBundle.get(bundleSymbolicName);
        if (faults == null) {
            return;
        }
        Instant now = clock.instant();
        for (Fault f : faults) {
            FaultSpec s = f.spec();
            if (!now.isBefore(f.endsAt()) || s.kind() == FaultKind.STOP
                    || (s.probability() < 1 && ThreadLocalRandom.current().nextDouble() >= s.probability())) {
                continue;
            }
            if (s.kind() == FaultKind.EXCEPTION) {
                throw new InjectedFaultException("injected fault " + f.id() + ": " + bundleSymbolicName + " fails");
            }
            try {
                Thread.sleep(s.latencyMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Override
    public Fault inject(FaultSpec spec) throws InvalidFaultException {
        check(spec);
        synchronized (this) {
            if (closed) {
                throw new InvalidFaultException("fault injection is stopping", true);
            }
            if (active.size() >= MAX_ACTIVE) {
                throw new InvalidFaultException("there are already " + MAX_ACTIVE + " faults in force; end one first", true);
            }
            List<Long> stopped = List.of();
            if (spec.kind() == FaultKind.STOP) {
                for (Active a : active.values()) {
                    if (a.fault().spec().kind() == FaultKind.STOP && a.fault().spec().bundle().equals(spec.bundle())) {
                        throw new InvalidFaultException(spec.bundle() + " is already stopped by fault " + a.fault().id(), true);
                    }
                }
                stopped = bundles.active(spec.bundle());
                if (stopped.isEmpty()) {
                    throw new InvalidFaultException(spec.bundle() + " is not running, so it cannot be stopped", true);
                }
            }
            Instant now = clock.instant();
            Fault fault = new Fault("fault-" + (++next), spec, now, now.plus(spec.duration()));
            ScheduledFuture<?> expiry = scheduler.schedule(() -> end(fault.id(), "its time is up"), spec.duration().toMillis(),
                    TimeUnit.MILLISECONDS);
            active.put(fault.id(), new Active(fault, stopped, expiry));
            publish();
            LOG.warn("Fault injected: {} on {} ({}) until {}", spec.kind(), spec.bundle(), describe(spec), fault.endsAt());
            for (long id : stopped) {
                scheduler.execute(() -> {
                    try {
                        bundles.stop(id);
                    } catch (Exception e) {
                        LOG.warn("Fault {}: could not stop bundle {} ({}): {}", fault.id(), spec.bundle(), id, e.toString());
                    }
                });
            }
            return fault;
        }
    }

    private void check(FaultSpec spec) throws InvalidFaultException {
        if (spec.bundle() == null || spec.bundle().isBlank() || spec.bundle().length() > 200) {
            throw new InvalidFaultException("name the bundle (its symbolic name, for example io.dropwise.store)", false);
        }
        if (spec.kind() == null) {
            throw new InvalidFaultException("say which kind of fault: latency, exception or stop", false);
        }
        if (!bundles.installed(spec.bundle())) {
            throw new InvalidFaultException("no bundle named " + spec.bundle() + " is installed", false);
        }
        if (spec.kind() == FaultKind.STOP && (spec.bundle().equals(self) || spec.bundle().equals("org.apache.felix.framework")
                || spec.bundle().equals("system.bundle"))) {
            throw new InvalidFaultException(spec.bundle() + " cannot be stopped by a fault: nothing would start it again", false);
        }
        if (spec.kind() == FaultKind.LATENCY && (spec.latencyMillis() < 1 || spec.latencyMillis() > MAX_LATENCY_MILLIS)) {
            throw new InvalidFaultException("latencyMillis must be from 1 to " + MAX_LATENCY_MILLIS, false);
        }
        if (spec.kind() != FaultKind.LATENCY && spec.latencyMillis() != 0) {
            throw new InvalidFaultException("latencyMillis is only for latency faults", false);
        }
        if (!(spec.probability() > 0 && spec.probability() <= 1)) {
            throw new InvalidFaultException("probability must be more than 0 and at most 1", false);
        }
        Duration d = spec.duration();
        if (d == null || d.compareTo(Duration.ofSeconds(1)) < 0 || d.compareTo(maxDuration) > 0) {
            throw new InvalidFaultException("seconds must be from 1 to " + maxDuration.toSeconds() + " (a fault always ends by itself)", false);
        }
    }

    private static String describe(FaultSpec s) {
        String what = switch (s.kind()) {
            case LATENCY -> s.latencyMillis() + " ms per call";
            case EXCEPTION -> "calls fail";
            case STOP -> "stopped";
        };
        return s.probability() < 1 && s.kind() != FaultKind.STOP ? what + ", " + Math.round(s.probability() * 100) + "% of calls" : what;
    }

    @Override
    public synchronized List<Fault> active() {
        return active.values().stream().map(Active::fault).toList();
    }

    @Override
    public boolean end(String id) {
        return end(id, "ended by an operator");
    }

    private boolean end(String id, String why) {
        Active a;
        synchronized (this) {
            a = active.remove(id);
            if (a == null) {
                return false;
            }
            a.expiry().cancel(false);
            publish();
        }
        LOG.warn("Fault {} ended ({}): {} on {}", id, why, a.fault().spec().kind(), a.fault().spec().bundle());
        if (!a.stopped().isEmpty()) {
            Runnable restart = () -> restart(a);
            try {
                scheduler.execute(restart);
            } catch (RejectedExecutionException stopping) {
                restart.run();
            }
        }
        return true;
    }

    private void restart(Active a) {
        for (long id : a.stopped()) {
            try {
                bundles.start(id);
            } catch (Exception e) {
                LOG.error("Fault {}: could not start bundle {} ({}) again: {}", a.fault().id(), a.fault().spec().bundle(), id, e.toString());
            }
        }
    }

    /** Ends every fault (stopped bundles are started again, on the caller's thread). */
    void close() {
        List<Active> left;
        synchronized (this) {
            closed = true;
            left = new ArrayList<>(active.values());
            active.clear();
            publish();
        }
        for (Active a : left) {
            a.expiry().cancel(false);
            LOG.warn("Fault {} ended (fault injection stopping)", a.fault().id());
            restart(a);
        }
    }

    private void publish() {
        Map<String, List<Fault>> m = new HashMap<>();
        for (Active a : active.values()) {
            m.computeIfAbsent(a.fault().spec().bundle(), k -> new ArrayList<>()).add(a.fault());
        }
        m.replaceAll((k, v) -> List.copyOf(v));
        byBundle = Map.copyOf(m);
    }
}
