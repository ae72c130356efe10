package io.dropwise.store.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.inject.Inject;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.util.tracker.ServiceTracker;

import io.dropwise.api.customer.Tier;
import io.dropwise.api.drops.Drop;
import io.dropwise.api.drops.DropKind;
import io.dropwise.api.drops.DropSpec;
import io.dropwise.api.drops.RuleFailurePolicy;
import io.dropwise.api.store.ClaimAttempt;
import io.dropwise.api.store.ClaimStore;
import io.dropwise.api.store.ClaimWrite;
import io.dropwise.testkit.DropwiseExam;

/**
 * The store bundle in a real framework: configured from the framework properties, on Aries
 * Transaction Control with the H2 bundle's DataSourceFactory; its data outlives a bundle restart.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class StoreIT {

    @Inject
    private BundleContext context;

    @Configuration
    public Option[] config() {
        return DropwiseExam.options();
    }

    /** Keep the tracker open while the service is used: a service nobody holds may be deactivated. */
    private ClaimStore store(ServiceTracker<ClaimStore, ClaimStore> tracker) throws InterruptedException {
        ClaimStore store = tracker.waitForService(10_000);
        assertNotNull("no ClaimStore service within 10 s", store);
        return store;
    }

    @Test
    public void writesClaimsDurablyAndKeepsThemAcrossABundleRestart() throws Exception {
        ServiceTracker<ClaimStore, ClaimStore> tracker = new ServiceTracker<>(context, ClaimStore.class, null);
        tracker.open();
        try {
            check(tracker);
        } finally {
            tracker.close();
        }
    }

    private void check(ServiceTracker<ClaimStore, ClaimStore> tracker) throws Exception {
        ClaimStore store = store(tracker);
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        String id = "d-it-" + UUID.randomUUID().toString().substring(0, 8);
        store.insertDrop(new Drop(id, new DropSpec("IT", "A prize", DropKind.STOCK, 1, null, now, Map.of(), null, 1, List.of(),
                RuleFailurePolicy.DENY), "00".repeat(32), now, null), "11".repeat(32));
        List<ClaimWrite> writes = store.commit(id, List.of(
                new ClaimAttempt("c-1", "alice", Tier.VIP, "k", now, ""),
                new ClaimAttempt("c-2", "bob", Tier.VIP, "k", now, "")));
        assertEquals(ClaimWrite.Outcome.CREATED, writes.get(0).outcome());
        assertEquals(ClaimWrite.Outcome.SOLD_OUT, writes.get(1).outcome());

        Bundle bundle = bundleOf("io.dropwise.store");
        bundle.stop();
        assertNull(context.getServiceReference(ClaimStore.class));
        bundle.start();

        ClaimStore again = store(tracker);
        assertEquals("c-1", again.claimByKey(id, "alice", "k").orElseThrow().claimId());
        assertEquals(Integer.valueOf(1), again.claimedCounts().get(id));
        assertTrue(again.claimByKey(id, "bob", "k").isEmpty());
    }

    private Bundle bundleOf(String symbolicName) {
        for (Bundle b : context.getBundles()) {
            if (symbolicName.equals(b.getSymbolicName())) {
                return b;
            }
        }
        throw new AssertionError(symbolicName + " is not installed");
    }
}
