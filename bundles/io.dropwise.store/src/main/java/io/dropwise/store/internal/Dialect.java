package io.dropwise.store.internal;

import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;

/** What differs between the databases Dropwise runs on. */
enum Dialect {

    /**
     * Embedded H2. Its MVStore does not force a commit to disk: after every write transaction the
     * store runs {@code CHECKPOINT SYNC} (MVStore commit + fsync) before it answers.
     */
    H2("org.h2.Driver") {
        @Override
        void makeDurable(Statement statement) throws SQLException {
            statement.execute("CHECKPOINT SYNC");
        }

        @Override
        void lockForMigration(Statement statement) {
            // an H2 file database has one process at a time (file lock)
        }
    },

    /** PostgreSQL: durable at commit ({@code synchronous_commit} on); several instances share it. */
    POSTGRESQL("org.postgresql.Driver") {
        @Override
        void makeDurable(Statement statement) {
            // durable at commit
        }

        @Override
        void lockForMigration(Statement statement) throws SQLException {
            statement.execute("SELECT pg_advisory_xact_lock(7384501)");
        }
    };

    private final String driverClass;

    Dialect(String driverClass) {
        this.driverClass = driverClass;
    }

    String driverClass() {
        return driverClass;
    }

    /** Runs after a write transaction committed, before the caller is told it is done. */
    abstract void makeDurable(Statement statement) throws SQLException;

    /** Serialises schema migrations between instances starting at once. */
    abstract void lockForMigration(Statement statement) throws SQLException;

    static Optional<Dialect> forUrl(String jdbcUrl) {
        if (jdbcUrl == null) {
            return Optional.empty();
        }
        if (jdbcUrl.startsWith("jdbc:h2:")) {
            return Optional.of(H2);
        }
        if (jdbcUrl.startsWith("jdbc:postgresql:")) {
            return Optional.of(POSTGRESQL);
        }
        return Optional.empty();
    }
}
