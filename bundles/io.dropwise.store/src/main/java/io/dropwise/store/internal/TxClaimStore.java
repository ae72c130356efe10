package io.dropwise.store.internal;

import java.sql.Connection;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.function.Function;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.jdbc.DataSourceFactory;
import org.osgi.service.transaction.control.TransactionControl;
import org.osgi.service.transaction.control.jdbc.JDBCConnectionProvider;
import org.osgi.service.transaction.control.jdbc.JDBCConnectionProviderFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.dropwise.api.drops.Claim;
import io.dropwise.api.drops.Drop;
import io.dropwise.api.faults.FaultInjection;
import io.dropwise.api.faults.InjectedFaultException;
import io.dropwise.api.store.ClaimAttempt;
import io.dropwise.api.store.ClaimStore;
import io.dropwise.api.store.ClaimWrite;
import io.dropwise.api.store.StoreUnavailableException;

/**
 * The {@link ClaimStore} service: {@link SqlClaimStore} on a pooled connection from Aries
 * Transaction Control. Configured by {@link StoreSettings}; migrates the schema when it activates.
 */
@Component(configurationPid = TxClaimStore.PID, configurationPolicy = ConfigurationPolicy.REQUIRE, immediate = true)
public final class TxClaimStore implements ClaimStore {

    static final String PID = "io.dropwise.store";
    /** This bundle's symbolic name, as faults name it. */
    static final String BUNDLE = "io.dropwise.store";

    /** Configuration written by {@link StoreSettings}. */
    public @interface Config {
        String url();

        String user() default "";

        String _password() default "";

        String dialect();

        int maxConnections() default 10;
    }

    private static final Logger LOG = LoggerFactory.getLogger(TxClaimStore.class);

    private final JDBCConnectionProviderFactory providers;
    private final TransactionControl txControl;
    private final DataSourceFactory dataSourceFactory;
    private final Config config;
    private final Dialect dialect;
    private JDBCConnectionProvider provider;
    private volatile SqlClaimStore store;

    /** Present only while fault injection is enabled: a game day may make the store slow or failing. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    private volatile FaultInjection faults;

    @Activate
    public TxClaimStore(Config config, @Reference TransactionControl txControl, @Reference JDBCConnectionProviderFactory providers,
            @Reference(name = "dataSourceFactory") DataSourceFactory dataSourceFactory) {
        this.config = config;
        this.txControl = txControl;
        this.providers = providers;
        this.dataSourceFactory = dataSourceFactory;
        this.dialect = Dialect.valueOf(config.dialect());
        try {
            store();
        } catch (StoreUnavailableException e) {
            LOG.warn("Store not available yet: {}; every call tries again", e.getMessage());
        }
    }

    /**
     * The store, connecting and migrating on first use: a database that is down when the server
     * starts (or a migration that raced another instance) is tried again at the next call, so the
     * service resumes by itself when the database is back.
     */
    private SqlClaimStore store() {
        FaultInjection f = faults;
        if (f != null) {
            try {
                f.cross(BUNDLE);
            } catch (InjectedFaultException e) {
                throw new StoreUnavailableException("database not available: " + e.getMessage(), e);
            }
        }
        SqlClaimStore s = store;
        if (s != null) {
            return s;
        }
        synchronized (this) {
            if (store == null) {
                JDBCConnectionProvider p = null;
                try {
                    Properties jdbc = new Properties();
                    jdbc.setProperty(DataSourceFactory.JDBC_URL, config.url());
                    jdbc.setProperty(DataSourceFactory.JDBC_USER, config.user());
                    jdbc.setProperty(DataSourceFactory.JDBC_PASSWORD, config._password());
                    Map<String, Object> pool = new HashMap<>();
                    pool.put(JDBCConnectionProviderFactory.CONNECTION_POOLING_ENABLED, true);
                    pool.put(JDBCConnectionProviderFactory.MAX_CONNECTIONS, config.maxConnections());
                    pool.put(JDBCConnectionProviderFactory.MIN_CONNECTIONS, 2);
                    pool.put(JDBCConnectionProviderFactory.CONNECTION_TIMEOUT, 5_000L);
                    p = providers.getProviderFor(dataSourceFactory, jdbc, pool);
                    Connection connection = p.getResource(txControl);
                    Transactions tx = new Transactions() {
                        @Override
                        public <T> T required(Callable<T> work) {
                            return txControl.required(work);
                        }

                        @Override
                        public <T> T notSupported(Callable<T> work) {
                            return txControl.notSupported(work);
                        }

                        @Override
                        public Connection connection() {
                            return connection;
                        }
                    };
                    int version = Migrations.migrate(tx, dialect);
                    provider = p;
                    store = new SqlClaimStore(tx, dialect);
                    LOG.info("Store ready: {}, schema version {}", dialect, version);
                } catch (RuntimeException e) {
                    if (p != null) {
                        try {
                            providers.releaseProvider(p);
                        } catch (RuntimeException ignored) {
                            // the failure that matters is the original one
                        }
                    }
                    Throwable cause = e.getCause() != null ? e.getCause() : e;
                    throw new StoreUnavailableException("database not available: " + cause.getMessage(), e);
                }
            }
            return store;
        }
    }

    @Deactivate
    synchronized void deactivate() {
        if (provider != null) {
            providers.releaseProvider(provider);
            provider = null;
        }
        store = null;
    }

    @Override
    public void insertDrop(Drop drop, String seed) {
        store().insertDrop(drop, seed);
    }

    @Override
    public List<Drop> drops() {
        return store().drops();
    }

    @Override
    public Optional<Drop> drop(String dropId) {
        return store().drop(dropId);
    }

    @Override
    public List<ClaimWrite> commit(String dropId, List<ClaimAttempt> attempts) {
        return store().commit(dropId, attempts);
    }

    @Override
    public Optional<Claim> claimByKey(String dropId, String customerId, String idempotencyKey) {
        return store().claimByKey(dropId, customerId, idempotencyKey);
    }

    @Override
    public List<Claim> claimsOf(String customerId) {
        return store().claimsOf(customerId);
    }

    @Override
    public Map<String, Integer> claimedCounts() {
        return store().claimedCounts();
    }

    @Override
    public Map<String, Integer> perTier(String dropId) {
        return store().perTier(dropId);
    }

    @Override
    public Optional<String> seed(String dropId) {
        return store().seed(dropId);
    }

    @Override
    public DrawRecord draw(String dropId, Function<List<String>, List<String>> chooseWinners, Instant at) {
        return store().draw(dropId, chooseWinners, at);
    }

    @Override
    public Optional<DrawRecord> drawRecord(String dropId) {
        return store().drawRecord(dropId);
    }

    @Override
    public List<Claim> heldClaims(int max) {
        return store().heldClaims(max);
    }

    @Override
    public Optional<Claim> settleHeld(String dropId, String claimId, boolean keep, String why) {
        return store().settleHeld(dropId, claimId, keep, why);
    }

    @Override
    public int releaseExpiredHolds(Instant now) {
        return store().releaseExpiredHolds(now);
    }

    @Override
    public List<Claim> claimsOfDrop(String dropId) {
        return store().claimsOfDrop(dropId);
    }
}
