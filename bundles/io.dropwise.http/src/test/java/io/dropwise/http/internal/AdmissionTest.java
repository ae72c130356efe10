package io.dropwise.http.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

class AdmissionTest {

    private final AtomicLong now = new AtomicLong();
    private final Admission admission = new Admission(new Admission.Settings(2, 5, 10), now::get);

    @Test
    void aCustomerHasABurstThenTheirRate() {
        for (int i = 0; i < 10; i++) {
            assertTrue(admission.customerMay("c"), "claim " + i + " of the burst");
        }
        assertFalse(admission.customerMay("c"), "the burst is spent");
        assertTrue(admission.customerMay("someone else"), "buckets are per customer");
        now.addAndGet(200_000_000L); // 0.2 s at 5 a second: one more
        assertTrue(admission.customerMay("c"));
        assertFalse(admission.customerMay("c"));
        now.addAndGet(60_000_000_000L);
        int allowed = 0;
        while (admission.customerMay("c")) {
            allowed++;
        }
        assertEquals(10, allowed, "a long pause refills the burst, never more");
        assertEquals(1, admission.customerRetryAfterSeconds());
    }

    @Test
    void atMostMaxInFlightClaimsAreDecidedAtOnce() {
        assertTrue(admission.enter());
        assertTrue(admission.enter());
        assertFalse(admission.enter(), "the third waits outside");
        admission.leave();
        assertTrue(admission.enter());
    }
}
