package io.dropwise.faults.internal;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.apache.felix.hc.api.HealthCheck;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.dropwise.api.faults.FaultInjection;
import io.dropwise.api.faults.Faults;

/**
 * Fault injection, off unless the server was started with {@code DROPWISE_FAULTS_ENABLED=true}
 * ({@value #ENABLED}). When on, registers {@link Faults} (for {@code /admin/v1/faults}),
 * {@link FaultInjection} (asked where one bundle calls another) and a health check that warns while
 * a fault is in force. When off, registers nothing: the callers' optional references stay empty and
 * cost nothing.
 */
@Component(immediate = true)
public final class FaultInjector {

    static final String ENABLED = "dropwise.faults.enabled";
    static final String MAX_SECONDS = "dropwise.faults.max.seconds";
    static final long DEFAULT_MAX_SECONDS = 600;

    private static final Logger LOG = LoggerFactory.getLogger(FaultInjector.class);

    private final List<ServiceRegistration<?>> registrations = new ArrayList<>();
    private ScheduledThreadPoolExecutor scheduler;
    private FaultBook book;

    @Activate
    void activate(BundleContext context) {
        String enabled = context.getProperty(ENABLED);
        if (enabled == null || enabled.equalsIgnoreCase("false")) {
            LOG.debug("Fault injection is off");
            return;
        }
        if (!enabled.equalsIgnoreCase("true")) {
            LOG.error("{} (DROPWISE_FAULTS_ENABLED) must be true or false, not '{}': fault injection stays off", ENABLED, enabled);
            return;
        }
        long maxSeconds = DEFAULT_MAX_SECONDS;
        String max = context.getProperty(MAX_SECONDS);
        if (max != null) {
            try {
                maxSeconds = Long.parseLong(max.strip());
            } catch (NumberFormatException e) {
                maxSeconds = -1;
            }
            if (maxSeconds < 1 || maxSeconds > 86_400) {
                LOG.error("{} (DROPWISE_FAULTS_MAX_SECONDS) must be from 1 to 86400, not '{}': {} s is used", MAX_SECONDS, max,
                        DEFAULT_MAX_SECONDS);
                maxSeconds = DEFAULT_MAX_SECONDS;
            }
        }
        scheduler = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "dropwise-faults");
            t.setDaemon(true);
            return t;
        });
        scheduler.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        scheduler.setRemoveOnCancelPolicy(true);
        book = new FaultBook(Clock.systemUTC(), Duration.ofSeconds(maxSeconds), new FrameworkBundles(context),
                context.getBundle().getSymbolicName(), scheduler);
        registrations.add(context.registerService(new String[] {Faults.class.getName(), FaultInjection.class.getName()}, book, null));
        Dictionary<String, Object> hc = new Hashtable<>();
        hc.put(HealthCheck.NAME, "Dropwise fault injection");
        hc.put(HealthCheck.TAGS, new String[] {"ready", "faults"});
        registrations.add(context.registerService(HealthCheck.class, new FaultsHealthCheck(book), hc));
        LOG.warn("Fault injection is ENABLED ({}=true): operators can make this server fail on purpose through /admin/v1/faults, "
                + "for at most {} s per fault. Never enable it on a server customers use.", ENABLED, maxSeconds);
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        for (ServiceRegistration<?> r : registrations) {
            try {
                r.unregister();
            } catch (IllegalStateException alreadyGone) {
                // unregistered with the bundle
            }
        }
        registrations.clear();
        if (scheduler != null) {
            scheduler.shutdown(); // stops that were asked for still happen, before the bundles are started again below
            if (!scheduler.awaitTermination(10, TimeUnit.SECONDS)) {
                scheduler.shutdownNow();
            }
            book.close();
            scheduler = null;
            book = null;
        }
    }

    /** The framework's bundles. */
    private static final class FrameworkBundles implements FaultBook.Bundles {
        private final BundleContext context;

        FrameworkBundles(BundleContext context) {
            this.context = context;
        }

        @Override
        public boolean installed(String symbolicName) {
            for (Bundle b : context.getBundles()) {
                if (symbolicName.equals(b.getSymbolicName())) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public List<Long> active(String symbolicName) {
            List<Long> ids = new ArrayList<>();
            for (Bundle b : context.getBundles()) {
                if (symbolicName.equals(b.getSymbolicName()) && b.getBundleId() != 0
                        && (b.getState() == Bundle.ACTIVE || b.getState() == Bundle.STARTING)) {
                    ids.add(b.getBundleId());
                }
            }
            return ids;
        }

        @Override
        public void stop(long bundleId) throws Exception {
            Bundle b = context.getBundle(bundleId);
            if (b != null) {
                b.stop(Bundle.STOP_TRANSIENT);
            }
        }

        @Override
        public void start(long bundleId) throws Exception {
            Bundle b = context.getBundle(bundleId);
            if (b != null && b.getState() != Bundle.UNINSTALLED) {
                b.start(Bundle.START_TRANSIENT);
            }
        }
    }
}
