package io.dropwise.store.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Versioned schema migrations, applied in order at start, each once, each in its own transaction.
 * A migration is never edited after release: a change is a new file {@code V<n>__<what>.sql}.
 */
final class Migrations {

    /** Every migration, in order. */
    static final List<String> SCRIPTS = List.of("V1__drops_and_claims.sql", "V2__claim_decided_by.sql", "V3__held_claims.sql",
            "V4__leaner_claim_indexes.sql");

    private static final Logger LOG = LoggerFactory.getLogger(Migrations.class);

    private Migrations() {
    }

    /** @return the schema version after migrating */
    static int migrate(Transactions tx, Dialect dialect) {
        return migrate(tx, dialect, SCRIPTS.size());
    }

    /** Migrates up to a version (tests: a database as an older release left it). @return the version after */
    static int migrate(Transactions tx, Dialect dialect, int upTo) {
        tx.required(() -> {
            try (Statement s = tx.connection().createStatement()) {
                // under the lock: two PostgreSQL sessions creating the same table at once fail
                dialect.lockForMigration(s);
                s.execute("CREATE TABLE IF NOT EXISTS dropwise_schema (version INTEGER PRIMARY KEY, "
                        + "script VARCHAR(200) NOT NULL, applied_at BIGINT NOT NULL)");
            }
            return null;
        });
        int version = 0;
        for (int i = 0; i < upTo; i++) {
            int target = i + 1;
            String script = SCRIPTS.get(i);
            boolean applied = tx.required(() -> {
                Connection c = tx.connection();
                try (Statement s = c.createStatement()) {
                    dialect.lockForMigration(s);
                }
                if (current(c) >= target) {
                    return false;
                }
                try (Statement s = c.createStatement()) {
                    for (String sql : statements(script, dialect)) {
                        s.execute(sql);
                    }
                }
                try (PreparedStatement p = c.prepareStatement("INSERT INTO dropwise_schema (version, script, applied_at) VALUES (?, ?, ?)")) {
                    p.setInt(1, target);
                    p.setString(2, script);
                    p.setLong(3, System.currentTimeMillis());
                    p.executeUpdate();
                }
                return true;
            });
            if (applied) {
                LOG.info("Database schema migrated to version {} ({})", target, script);
            }
            version = target;
        }
        return version;
    }

    private static int current(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT MAX(version) FROM dropwise_schema")) {
            return r.next() ? r.getInt(1) : 0;
        }
    }

    /**
     * The statements of a migration for a database: its own version of the script if it has one
     * ({@code V4__x.postgresql.sql} beside {@code V4__x.sql}), else the portable one.
     */
    static List<String> statements(String script, Dialect dialect) {
        String own = script.replace(".sql", "." + dialect.name().toLowerCase(java.util.Locale.ROOT) + ".sql");
        return statements(Migrations.class.getResource(own) != null ? own : script);
    }

    static List<String> statements(String script) {
        String text;
        try (InputStream in = Migrations.class.getResourceAsStream(script)) {
            if (in == null) {
                throw new IllegalStateException("migration " + script + " is missing from the bundle");
            }
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> statements = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : text.split("\n")) {
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("--")) {
                continue;
            }
            current.append(line).append('\n');
            if (trimmed.endsWith(";")) {
                String sql = current.toString().strip();
                statements.add(sql.substring(0, sql.length() - 1));
                current.setLength(0);
            }
        }
        return statements;
    }
}
