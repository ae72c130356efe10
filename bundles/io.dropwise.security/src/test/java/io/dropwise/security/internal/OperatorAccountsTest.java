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

    private OperatorAccounts accounts(String admin, String viewer) throws IOException {
        return new OperatorAccounts(data, admin, viewer, new SecureRandom());
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
