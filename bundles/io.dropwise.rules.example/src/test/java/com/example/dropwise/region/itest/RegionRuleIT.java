package com.example.dropwise.region.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;

import java.util.Collection;

import javax.inject.Inject;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.util.tracker.ServiceTracker;

import io.dropwise.api.rules.RuleType;
import io.dropwise.testkit.DropwiseExam;

/** The plugin in a framework, with the Pax Exam helper of the test kit: it registers its rule type. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class RegionRuleIT {

    @Inject
    private BundleContext context;

    @Configuration
    public Option[] config() {
        return DropwiseExam.options();
    }

    @Test
    public void registersTheRegionRuleType() throws Exception {
        ServiceTracker<RuleType, RuleType> tracker = new ServiceTracker<>(context, RuleType.class, null);
        tracker.open();
        try {
            assertNotNull("no RuleType within 10 s", tracker.waitForService(10_000));
            Collection<ServiceReference<RuleType>> refs = context.getServiceReferences(RuleType.class, "(dropwise.rule.type=region)");
            assertEquals(1, refs.size());
            RuleType type = context.getService(refs.iterator().next());
            assertEquals("region", type.name());
            assertEquals("io.dropwise.rules.example", refs.iterator().next().getBundle().getSymbolicName());
        } finally {
            tracker.close();
        }
    }
}
