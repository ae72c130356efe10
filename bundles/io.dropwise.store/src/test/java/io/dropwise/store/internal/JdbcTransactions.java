package io.dropwise.store.internal;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.concurrent.Callable;

/** Plain-JDBC {@link Transactions} for unit tests: one connection per thread, like Tx Control's scoping. */
final class JdbcTransactions implements Transactions, AutoCloseable {

    private final String url;
    private final String user;
    private final String password;
    private final ThreadLocal<Connection> connections = new ThreadLocal<>();
    private final java.util.List<Connection> all = new java.util.concurrent.CopyOnWriteArrayList<>();

    JdbcTransactions(String url) {
        this(url, "dropwise", "");
    }

    JdbcTransactions(String url, String user, String password) {
        this.url = url;
        this.user = user;
        this.password = password;
    }

    @Override
    public Connection connection() {
        Connection c = connections.get();
        if (c == null) {
            try {
                c = DriverManager.getConnection(url, user, password);
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
            connections.set(c);
            all.add(c);
        }
        return c;
    }

    @Override
    public <T> T required(Callable<T> work) {
        Connection c = connection();
        try {
            c.setAutoCommit(false);
            T result = work.call();
            c.commit();
            return result;
        } catch (Exception e) {
            try {
                c.rollback();
            } catch (SQLException ignored) {
                // the original failure matters
            }
            throw new IllegalStateException(e);
        }
    }

    @Override
    public <T> T notSupported(Callable<T> work) {
        Connection c = connection();
        try {
            c.setAutoCommit(true);
            return work.call();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() throws SQLException {
        for (Connection c : all) {
            c.close();
        }
    }
}
