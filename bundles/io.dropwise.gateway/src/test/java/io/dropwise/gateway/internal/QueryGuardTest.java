package io.dropwise.gateway.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class QueryGuardTest {

    @Test
    void validUtf8QueriesPassAndBrokenOnesDoNot() {
        assertTrue(QueryGuard.isValid("tags=ready&format=json"));
        assertTrue(QueryGuard.isValid("q=%C3%A9t%C3%A9&x=%20"));
        assertTrue(QueryGuard.isValid("q=é"));
        assertFalse(QueryGuard.isValid("%ff%fe=%E2%80%AE"), "not UTF-8");
        assertFalse(QueryGuard.isValid("a=%zz"), "not hex");
        assertFalse(QueryGuard.isValid("a=%2"), "cut short");
    }

    @Test
    void problemsAreValidJsonStrings() {
        assertEquals("\"a\\\"b\\\\c\\u000a\"", ProblemResponses.quote("a\"b\\c\n"));
    }
}
