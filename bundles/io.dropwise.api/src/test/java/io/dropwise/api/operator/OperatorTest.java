package io.dropwise.api.operator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class OperatorTest {

    @Test
    void onlyAdministratorsMayChangeThings() {
        assertTrue(OperatorRole.ADMIN.mayChange());
        assertFalse(OperatorRole.VIEWER.mayChange());
    }

    @Test
    void anOperatorHasANameAndARole() {
        assertThrows(NullPointerException.class, () -> new Operator(null, OperatorRole.ADMIN));
        assertThrows(NullPointerException.class, () -> new Operator("admin", null));
        assertEquals(new Operator("viewer", OperatorRole.VIEWER), new Operator("viewer", OperatorRole.VIEWER));
    }
}
