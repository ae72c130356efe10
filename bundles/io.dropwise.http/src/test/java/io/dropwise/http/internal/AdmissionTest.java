package io.dropwise.http.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

class AdmissionTest {

    private final AtomicLong now = new AtomicLong();
    private final Admission admission = new Admission(new Admission.Settings(2, 5, 10, 0, 0, 0, 0), now::get);

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
    void atMostMaxInFlightClaimsAreDecidedAtOnce() throws InterruptedException {
        assertInstanceOf(WaitingRoom.Admitted.class, admission.enter());
        assertInstanceOf(WaitingRoom.Admitted.class, admission.enter());
        assertInstanceOf(WaitingRoom.Refused.class, admission.enter(), "the third is turned away (no waiting room here)");
        admission.leave();
        assertInstanceOf(WaitingRoom.Admitted.class, admission.enter());
    }

    @Test
    void byDefaultClaimsNeverTakeAllOfJettysRequestThreads() {
        // Felix HTTP leaves Jetty's pool at its default of 200 threads; listings, the admin API and health need some
        Admission.Settings d = Admission.Settings.DEFAULT;
        assertTrue(d.maxInFlight() + d.waitingRoom() <= 160, d.toString());
    }

    @Test
    void addressesAreNotLimitedByDefault() {
        Admission defaults = new Admission(Admission.Settings.DEFAULT, now::get);
        assertFalse(defaults.limitsAddresses());
        for (int i = 0; i < 10_000; i++) {
            assertTrue(defaults.addressMay("10.0.0.1"));
        }
    }

    @Test
    void anAddressHasABurstThenItsRate() {
        Admission limited = new Admission(new Admission.Settings(2, 5, 10, 0.5, 3, 0, 0), now::get);
        assertTrue(limited.limitsAddresses());
        for (int i = 0; i < 3; i++) {
            assertTrue(limited.addressMay("203.0.113.9"), "claim " + i + " of the burst");
        }
        assertFalse(limited.addressMay("203.0.113.9"));
        assertTrue(limited.addressMay("203.0.113.10"), "buckets are per address");
        assertEquals(2, limited.addressRetryAfterSeconds(), "half a claim a second: come back in 2 s");
        now.addAndGet(2_000_000_000L);
        assertTrue(limited.addressMay("203.0.113.9"));
        assertFalse(limited.addressMay("203.0.113.9"));
    }

    @Test
    void bucketsStayBoundedUnderAFloodOfNewKeys() {
        TokenBuckets buckets = new TokenBuckets(1, 2, 100, now::get);
        for (int i = 0; i < 1_000; i++) {
            assertTrue(buckets.take("flood-" + i), "a new key gets its burst");
        }
        assertTrue(buckets.size() <= 100, "kept " + buckets.size());
        assertTrue(buckets.take("hammer") && buckets.take("flood-5"), "still answering");
        now.addAndGet(10_000_000_000L); // the flood's buckets are full again: idle, dropped when room is needed
        assertTrue(buckets.take("late-comer"));
        assertTrue(buckets.size() <= 100, "kept " + buckets.size());
        for (int i = 0; i < 2; i++) {
            buckets.take("late-comer");
        }
        assertFalse(buckets.take("late-comer"), "a key that was kept is limited");
    }
}
