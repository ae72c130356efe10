package io.dropwise.store.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Optional;

import org.osgi.framework.BundleContext;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.dropwise.api.ServerProperties;

/**
 * Turns the operator's database settings ({@code DROPWISE_JDBC_URL}, {@code DROPWISE_JDBC_USER},
 * {@code DROPWISE_JDBC_PASSWORD}; embedded H2 in the data folder when no URL is set) into the
 * configuration of the {@link TxClaimStore} component, including which {@code DataSourceFactory}
 * it binds (H2's or PostgreSQL's driver). Switching databases is configuration only.
 */
@Component(immediate = true)
public final class StoreSettings {

    static final String URL = "dropwise.jdbc.url";
    static final String USER = "dropwise.jdbc.user";
    static final String PASSWORD = "dropwise.jdbc.password";

    private static final Logger LOG = LoggerFactory.getLogger(StoreSettings.class);

    @Activate
    public StoreSettings(BundleContext context, @Reference ConfigurationAdmin configAdmin) throws IOException {
        String url = context.getProperty(URL);
        String user = context.getProperty(USER);
        String password = context.getProperty(PASSWORD);
        if (url == null || url.isBlank()) {
            String data = context.getProperty(ServerProperties.DATA_DIR);
            Path dir = data != null ? Path.of(data) : context.getDataFile("").toPath();
            url = "jdbc:h2:file:" + dir.resolve("db").resolve("dropwise").toAbsolutePath() + ";DB_CLOSE_ON_EXIT=FALSE";
            user = user == null ? "dropwise" : user;
            password = password == null ? "" : password;
        }
        Optional<Dialect> dialect = Dialect.forUrl(url);
        if (dialect.isEmpty()) {
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
    }
}
