package com.example.dropwise.region;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.dropwise.api.customer.Tier;
import io.dropwise.testkit.RuleTester;

/** Testing a rule with no framework, with the Dropwise test kit. */
class RegionRuleTest {

    private final RuleTester north = RuleTester.of(new RegionRule()).params(Map.of("regions", List.of("north", "east")));

    @Test
    void allowsListedRegions() throws Exception {
        assertTrue(north.customer("c-1", Tier.STANDARD).attribute("region", "north").allows());
        assertTrue(north.customer("c-2", Tier.VIP).attribute("region", "east").allows());
    }

    @Test
    void deniesOthersWithAReasonForTheCustomer() throws Exception {
        assertEquals("This perk is for customers in east, north.", north.customer("c-3", Tier.STANDARD).attribute("region", "south").denied().reason());
        String trace = north.customer("c-4", Tier.STANDARD).denied().trace();
        assertTrue(trace.startsWith("region null not in ["), trace);
    }

    @Test
    void refusesBadParameters() {
        assertEquals(Map.of("regions", "required: a non-empty list of region names"),
                RuleTester.of(new RegionRule()).params(Map.of()).parameterErrors());
        assertTrue(RuleTester.of(new RegionRule()).params(Map.of("regions", List.of("north"), "colour", "red"))
                .parameterErrors().containsKey("colour"));
    }
}
