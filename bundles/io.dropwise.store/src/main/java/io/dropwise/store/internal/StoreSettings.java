package io.dropwise.store.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.osgi.framework.BundleContext;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.apache.felix.hc.api.HealthCheck;
import org.apache.felix.hc.api.Result;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.dropwise.api.ServerProperties;
import io.dropwise.api.store.ClaimStore;

/**
 * Turns the operator's database settings ({@code DROPWISE_JDBC_URL}, {@code DROPWISE_JDBC_USER},
 * {@code DROPWISE_JDBC_PASSWORD}; embedded H2 in the data folder when no URL is set) into the
 * configuration of the {@link TxClaimStore} component, including which {@code DataSourceFactory}
 * it binds (H2's or PostgreSQL's driver). Switching databases is configuration only.
 */
@Component(immediate = true, service = HealthCheck.class, property = {
        HealthCheck.NAME + "=Dropwise store", HealthCheck.TAGS + "=ready"
})
public final class StoreSettings implements HealthCheck {

    static final String URL = "dropwise.jdbc.url";
    static final String USER = "dropwise.jdbc.user";
    static final String PASSWORD = "dropwise.jdbc.password";

    /** How often the store is probed (and, when down, tried again). */
    static final long RETRY_SECONDS = 5;

    private static final Logger LOG = LoggerFactory.getLogger(StoreSettings.class);

    private final BundleContext context;
    private final ScheduledExecutorService retries = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "dropwise-store-retry"));
    private volatile String problem = "the store has not started yet";

    @Activate
    public StoreSettings(BundleContext context, @Reference ConfigurationAdmin configAdmin) throws IOException {
        this.context = context;
        String url = context.getProperty(URL);
        String user = context.getProperty(USER);
        String password = context.getProperty(PASSWORD);
        if (url == null || url.isBlank()) {
            String data = context.getProperty(ServerProperties.DATA_DIR);
            Path dir = data != null ? Path.of(data) : context.getDataFile("").toPath();
            url = "jdbc:h2:file:" + dir.resolve("db").resolve("dropwise").toAbsolutePath() + ";DB_CLOSE_ON_EXIT=FALSE;QUERY_CACHE_SIZE=32";
            user = user == null ? "dropwise" : user;
            password = password == null ? "" : password;
        }
        Optional<Dialect> dialect = Dialect.forUrl(url);
        if (dialect.isEmpty()) {
            problem = "DROPWISE_JDBC_URL names no supported database (jdbc:h2:... or jdbc:postgresql://...)";
            LOG.error("DROPWISE_JDBC_URL {} names no supported database (jdbc:h2:... or jdbc:postgresql://...); "
                    + "drops and claims are unavailable", url);
            return;
        }
        Dictionary<String, Object> props = new Hashtable<>();
        props.put("url", url);
        props.put("user", user == null ? "" : user);
        props.put(".password", password == null ? "" : password);
        props.put("dialect", dialect.get().name());
        props.put("dataSourceFactory.target", "(osgi.jdbc.driver.class=" + dialect.get().driverClass() + ")");
        Configuration config = configAdmin.getConfiguration(TxClaimStore.PID, "?");
        config.updateIfDifferent(props);
        LOG.info("Store: {} at {}", dialect.get(), url.replaceAll("password=[^;&]*", "password=***"));
        retries.scheduleWithFixedDelay(this::probe, RETRY_SECONDS, RETRY_SECONDS, TimeUnit.SECONDS);
    }

    @Deactivate
    void deactivate() {
        retries.shutdownNow();
    }

    /** Probes the store every few seconds: a store that could not connect connects as soon as the database is back. */
    private void probe() {
        boolean wasDown = problem != null;
        if (available()) {
            if (wasDown) {
                LOG.info("Store available again");
            }
            problem = null;
        } else if (!wasDown) {
            LOG.warn("Store not available: {}", problem);
        }
    }

    /** @return whether the store answers a query now; otherwise {@link #problem} says why */
    private boolean available() {
        org.osgi.framework.ServiceReference<ClaimStore> ref = context.getServiceReference(ClaimStore.class);
        if (ref == null) {
            problem = "the store is not running";
            return false;
        }
        try {
            ClaimStore store = context.getService(ref);
            if (store == null) {
                problem = "the store could not be started (see the log)";
                return false;
            }
            store.claimedCounts();
            return true;
        } catch (RuntimeException e) {
            problem = e.getMessage();
            return false;
        } finally {
            context.ungetService(ref);
        }
    }

    @Override
    public Result execute() {
        if (available()) {
            return new Result(Result.Status.OK, "the store is available");
        }
        return new Result(Result.Status.CRITICAL, "the store is not available: " + problem);
    }
}
