package io.dropwise.claims.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.dropwise.api.drops.Claim;
import io.dropwise.api.drops.ClaimStatus;

class KnownClaimsTest {

    private static Claim claim(String drop, String customer, String key, ClaimStatus status) {
        return new Claim("c-" + customer + "-" + key, drop, customer, status, key, Instant.parse("2026-11-27T09:00:00Z"), "tier-window");
    }

    @Test
    void keepsOnlyClaimsAcceptedForGood() {
        KnownClaims known = new KnownClaims(10);
        Claim a = claim("d", "a", "k", ClaimStatus.CLAIMED);
        known.remember(a);
        known.remember(claim("d", "h", "k", ClaimStatus.HELD));
        known.remember(claim("d", "e", "k", ClaimStatus.ENTERED));
        assertEquals(a, known.find("d", "a", "k"));
        assertFalse(known.surelyNone("d", "a", "k"));
        assertNull(known.find("d", "a", "other"), "the key matters");
        assertNull(known.find("other", "a", "k"), "and the drop");
        assertNull(known.find("d", "h", "k"), "held may still be released");
        assertFalse(known.surelyNone("d", "h", "k"));
        assertNull(known.find("d", "e", "k"), "an entry may still win or lose");
        assertFalse(known.surelyNone("d", "nobody", "k"), "not complete: the store may know more");
        assertEquals(1, known.size());
    }

    @Test
    void aCompleteDropKnowsWhoHasNoClaim() {
        KnownClaims known = new KnownClaims(10);
        Claim a = claim("d", "a", "k", ClaimStatus.CLAIMED);
        known.remember(a);
        assertTrue(known.complete("d", List.of(a, claim("d", "b", "k", ClaimStatus.CLAIMED), claim("d", "r", "k", ClaimStatus.RELEASED))));
        assertTrue(known.isComplete("d"));
        assertFalse(known.surelyNone("d", "b", "k"));
        assertEquals("c-b-k", known.find("d", "b", "k").claimId());
        assertTrue(known.surelyNone("d", "nobody", "k"));
        assertTrue(known.surelyNone("d", "a", "another key"));
        assertFalse(known.surelyNone("d", "r", "k"), "a released claim answers hold-released: the store says so");
        assertNull(known.find("d", "r", "k"));
        assertEquals(3, known.size(), "a claim known before is counted once");
        assertFalse(known.surelyNone("other", "a", "k"));
        known.forget("d");
        assertEquals(0, known.size());
        assertFalse(known.isComplete("d"));
        assertFalse(known.surelyNone("d", "nobody", "k"));
    }

    @Test
    void staysWithinItsBound() {
        KnownClaims known = new KnownClaims(3);
        for (int i = 0; i < 5; i++) {
            known.remember(claim("d", "c" + i, "k", ClaimStatus.CLAIMED));
        }
        assertEquals(3, known.size());
        assertNull(known.find("d", "c4", "k"), "past the bound, claims are not kept (the store answers)");
        assertFalse(known.complete("e", List.of(claim("e", "x", "k", ClaimStatus.CLAIMED))), "a drop that does not fit is not made complete");
        assertFalse(known.isComplete("e"));
        assertFalse(known.surelyNone("e", "y", "k"));
        assertTrue(known.complete("d", List.of(claim("d", "c0", "k", ClaimStatus.CLAIMED), claim("d", "c1", "k", ClaimStatus.CLAIMED),
                claim("d", "c2", "k", ClaimStatus.CLAIMED))), "the claims already kept fit again");
    }
}
