package io.dropwise.security.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.dropwise.api.operator.Operator;
import io.dropwise.api.operator.OperatorRole;

class OperatorAccountsTest {

    private static final String STRONG = "a-strong-admin-password";

    @TempDir
    Path data;

    private final java.util.concurrent.atomic.AtomicReference<java.time.Instant> now =
            new java.util.concurrent.atomic.AtomicReference<>(java.time.Instant.parse("2026-11-27T09:00:00Z"));
    private final java.time.Clock clock = new java.time.Clock() {
        @Override
        public java.time.ZoneId getZone() {
            return java.time.ZoneOffset.UTC;
        }

        @Override
        public java.time.Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public java.time.Instant instant() {
            return now.get();
        }
    };

    private OperatorAccounts accounts(String admin, String viewer) throws IOException {
        return new OperatorAccounts(data, admin, viewer, new SecureRandom(), clock);
    }

    @Test
    void guessingPausesTheAccountForAMinute() throws IOException {
        OperatorAccounts accounts = accounts(STRONG, null);
        for (int i = 0; i < OperatorAccounts.MAX_FAILURES - 1; i++) {
            assertTrue(accounts.authenticate("admin", "guess-" + i).isEmpty());
        }
        assertTrue(accounts.authenticate("admin", STRONG).isPresent(), "9 wrong guesses: the right password still works (and resets)");
        for (int i = 0; i < OperatorAccounts.MAX_FAILURES; i++) {
            assertTrue(accounts.authenticate("admin", "guess-" + i).isEmpty());
        }
        assertTrue(accounts.authenticate("admin", STRONG).isEmpty(), "after 10 wrong guesses sign-in is paused, the right password too");
        now.set(now.get().plus(OperatorAccounts.LOCK).plusSeconds(1));
        assertTrue(accounts.authenticate("admin", STRONG).isPresent(), "a minute later it works again");
        assertTrue(accounts.authenticate("nobody", "x").isEmpty());
    }

    @Test
    void sessionsEndWhenIdleAtTheirMaximumAgeAndAtSignOut() throws IOException {
        OperatorAccounts accounts = accounts(STRONG, null);
        Operator admin = accounts.authenticate("admin", STRONG).orElseThrow();
        io.dropwise.api.operator.OperatorSession s = accounts.openSession(admin);
        assertTrue(s.id().length() >= 40 && s.csrfToken().length() >= 40, "unguessable: 256 random bits each");
        assertNotEquals(s.id(), s.csrfToken());
        assertEquals(admin, accounts.session(s.id()).orElseThrow().operator());
        assertTrue(accounts.session("not-" + s.id()).isEmpty());
        assertTrue(accounts.session(null).isEmpty());

        // used every 20 minutes: stays open (idle limit 30 min) ... until 12 h after sign-in
        for (int i = 0; i < 35; i++) {
            now.set(now.get().plus(java.time.Duration.ofMinutes(20)));
            assertTrue(accounts.session(s.id()).isPresent(), "still open after " + (i + 1) * 20 + " min");
        }
        now.set(now.get().plus(java.time.Duration.ofMinutes(20))); // 12 h
        assertTrue(accounts.session(s.id()).isEmpty(), "ended at its maximum age");

        io.dropwise.api.operator.OperatorSession idle = accounts.openSession(admin);
        now.set(now.get().plus(java.time.Duration.ofMinutes(31)));
        assertTrue(accounts.session(idle.id()).isEmpty(), "ended after 30 idle minutes");

        io.dropwise.api.operator.OperatorSession out = accounts.openSession(admin);
        accounts.closeSession(out.id());
        assertTrue(accounts.session(out.id()).isEmpty(), "signed out");
    }

    private Path passwordFile() {
        return data.resolve(OperatorAccounts.INITIAL_PASSWORD_FILE);
    }

    @Test
    void theConfiguredAdminPasswordSignsIn() throws IOException {
        OperatorAccounts accounts = accounts(STRONG, null);
        assertEquals(new Operator("admin", OperatorRole.ADMIN), accounts.authenticate("admin", STRONG).orElseThrow());
        assertTrue(accounts.authenticate("admin", STRONG + "x").isEmpty());
        assertTrue(accounts.authenticate("admin", "admin").isEmpty());
        assertTrue(accounts.authenticate("root", STRONG).isEmpty());
        assertTrue(accounts.authenticate(null, null).isEmpty());
        assertFalse(Files.exists(passwordFile()), "no file is written when the operator chose a password");
    }

    @Test
    void withoutAPasswordOneIsGeneratedIntoAnOwnerOnlyFileAndReused() throws IOException {
        OperatorAccounts first = accounts(null, null);
        String generated = Files.readString(passwordFile()).trim();
        assertTrue(generated.length() >= 20);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(passwordFile())));
        assertTrue(first.authenticate("admin", generated).isPresent());

        OperatorAccounts second = accounts(null, null);
        assertEquals(generated, Files.readString(passwordFile()).trim(), "a restart keeps the same password");
        assertTrue(second.authenticate("admin", generated).isPresent());
    }

    @Test
    void aWeakConfiguredPasswordIsRefusedAndTheGeneratedOneIsUsed() throws IOException {
        OperatorAccounts accounts = accounts("admin", null);
        assertTrue(accounts.authenticate("admin", "admin").isEmpty(), "admin/admin never works");
        String generated = Files.readString(passwordFile()).trim();
        assertTrue(accounts.authenticate("admin", generated).isPresent());
    }

    @Test
    void aTamperedWeakPasswordFileIsReplaced() throws IOException {
        Files.writeString(passwordFile(), "admin\n");
        OperatorAccounts accounts = accounts(null, null);
        String replaced = Files.readString(passwordFile()).trim();
        assertNotEquals("admin", replaced);
        assertTrue(accounts.authenticate("admin", "admin").isEmpty());
        assertTrue(accounts.authenticate("admin", replaced).isPresent());
    }

    @Test
    void theViewerExistsOnlyWithAnAcceptablePasswordOfItsOwn() throws IOException {
        OperatorAccounts withViewer = accounts(STRONG, "a-strong-viewer-password");
        assertEquals(OperatorRole.VIEWER, withViewer.authenticate("viewer", "a-strong-viewer-password").orElseThrow().role());

        assertTrue(accounts(STRONG, null).authenticate("viewer", "").isEmpty());
        assertTrue(accounts(STRONG, "viewer").authenticate("viewer", "viewer").isEmpty());
        assertTrue(accounts(STRONG, STRONG).authenticate("viewer", STRONG).isEmpty(), "the viewer may not share the admin password");
    }
}
