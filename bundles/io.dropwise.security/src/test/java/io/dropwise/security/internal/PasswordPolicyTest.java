package io.dropwise.security.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;

import org.junit.jupiter.api.Test;

class PasswordPolicyTest {

    @Test
    void refusesShortAndWellKnownPasswords() {
        assertTrue(PasswordPolicy.whyRefused("admin", "admin").isPresent());
        assertTrue(PasswordPolicy.whyRefused("admin", "short").get().contains("shorter than 12"));
        assertTrue(PasswordPolicy.whyRefused("administrator", "ADMINISTRATOR").get().contains("well-known"));
        assertTrue(PasswordPolicy.whyRefused("viewer", "Viewer").isPresent());
    }

    @Test
    void acceptsALongUnusualPassword() {
        assertEquals(Optional.empty(), PasswordPolicy.whyRefused("admin", "correct-horse-battery"));
    }
}
