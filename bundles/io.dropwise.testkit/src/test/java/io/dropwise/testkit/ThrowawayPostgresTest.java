package io.dropwise.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Starts real PostgreSQL servers; skipped (with the install command as the reason) where none is installed. */
class ThrowawayPostgresTest {

    @BeforeEach // not @BeforeAll: Surefire reports a class aborted there as 0 tests run, 0 skipped, no reason
    void requirePostgres() {
        ThrowawayPostgres.assumeAvailable();
    }

    @Test
    void availabilityHasNoReasonWhenAvailable() {
        assertTrue(ThrowawayPostgres.available());
        assertNull(ThrowawayPostgres.unavailableReason());
    }

    @Test
    void startsAServerThatStoresRowsAndCloseStopsItAndDeletesItsFolder() {
        ThrowawayPostgres pg = ThrowawayPostgres.start();
        Path directory = pg.directory();
        int port = pg.port();
        long pid = pg.serverPid();
        try {
            assertEquals("jdbc:postgresql://127.0.0.1:" + port + "/dropwise", pg.jdbcUrl());
            assertTrue(Files.isDirectory(directory));
            assertTrue(acceptsConnections(port), "server listens on 127.0.0.1:" + port);
            assertTrue(ThrowawayPostgres.processRunning(pid), "postmaster " + pid + " runs");

            pg.psql("CREATE TABLE drops (id int PRIMARY KEY, title text NOT NULL)");
            pg.psql("INSERT INTO drops VALUES (1, 'movie tickets'), (2, 'prize draw')");
            assertEquals("2|prize draw", pg.psql("SELECT id, title FROM drops WHERE id = 2"));
            assertEquals("dropwise|dropwise", pg.psql("SELECT current_database(), current_user"));

            // the durability and network settings the product relies on
            assertEquals("on", pg.psql("SHOW fsync"));
            assertEquals("on", pg.psql("SHOW synchronous_commit"));
            assertEquals("127.0.0.1", pg.psql("SHOW listen_addresses"));
            assertEquals("100", pg.psql("SHOW max_connections"));
            assertEquals(directory.toString(), pg.psql("SHOW unix_socket_directories"));

            // TCP clients authenticate: the password matters
            IllegalStateException refused = assertThrows(IllegalStateException.class,
                    () -> pg.psqlAs(pg.user(), pg.password() + "x", "dropwise", "SELECT 1"));
            assertTrue(refused.getMessage().contains("password authentication failed"), refused.getMessage());

            String url = pg.createDatabase("claims");
            assertEquals("jdbc:postgresql://127.0.0.1:" + port + "/claims", url);
            assertEquals("claims", pg.psql("claims", "SELECT current_database()"));
            assertEquals("", pg.psql("claims", "SELECT to_regclass('drops')"), "a fresh database is empty");
            assertThrows(IllegalArgumentException.class, () -> pg.createDatabase("x; DROP DATABASE dropwise"));
        } finally {
            pg.close();
        }

        assertFalse(acceptsConnections(port), "nothing listens on " + port + " after close()");
        assertFalse(ThrowawayPostgres.processRunning(pid), "postmaster " + pid + " ended");
        assertFalse(Files.exists(directory), directory + " deleted");
        assertFalse(Runtime.getRuntime().removeShutdownHook(pg.shutdownHook()), "shutdown hook removed by close()");

        pg.close(); // idempotent
        assertThrows(IllegalStateException.class, () -> pg.psql("SELECT 1"));
    }

    @Test
    void serversRunSideBySideOnTheirOwnPortsAndFolders() {
        try (ThrowawayPostgres first = ThrowawayPostgres.start(); ThrowawayPostgres second = ThrowawayPostgres.start()) {
            assertNotEquals(first.port(), second.port());
            assertNotEquals(first.directory(), second.directory());
            assertNotEquals(first.password(), second.password());
            first.psql("CREATE TABLE only_in_first (id int)");
            assertEquals("only_in_first", first.psql("SELECT to_regclass('only_in_first')"));
            assertEquals("", second.psql("SELECT to_regclass('only_in_first')"));
            assertEquals("1", second.psql("SELECT 1"));
        }
    }

    private static boolean acceptsConnections(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
