package io.dropwise.rules.builtin.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.dropwise.api.customer.Tier;
import io.dropwise.api.drops.ClaimStatus;
import io.dropwise.api.rules.Decision;
import io.dropwise.testkit.RuleTester;

class BuiltinRulesTest {

    private static final Instant OPENS = Instant.parse("2026-11-27T09:00:00Z");

    @Test
    void tierWindowOpensEachTierInTurnAndSaysWhen() throws Exception {
        RuleTester t = RuleTester.of(new TierWindowRule()).dropOpening(OPENS, Map.of(Tier.VIP, Duration.ofMinutes(15)));
        assertTrue(t.customer("e", Tier.EMPLOYEE).now(OPENS).allows());
        Decision.Deny early = t.customer("v", Tier.VIP).now(OPENS.plusSeconds(60)).denied();
        assertEquals("not-open-for-tier", early.problemType());
        assertEquals(OPENS.plus(Duration.ofMinutes(15)).toString(), early.details().get("opensAt"));
        assertTrue(t.now(OPENS.plus(Duration.ofMinutes(15))).allows());
        assertFalse(t.customer("s", Tier.STANDARD).allows());
        assertEquals(Set.of("x"), t.params(Map.of("x", 1)).parameterErrors().keySet());
    }

    @Test
    void cardProductNeedsOneOfTheCards() throws Exception {
        RuleTester t = RuleTester.of(new CardProductRule()).params(Map.of("cards", List.of("GOLD", "PLATINUM")));
        assertTrue(t.customer("a", Tier.STANDARD, "SILVER", "GOLD").allows());
        Decision.Deny no = t.customer("b", Tier.STANDARD, "SILVER").denied();
        assertEquals("This perk is for holders of GOLD, PLATINUM cards.", no.reason());
        assertEquals("not-eligible", no.problemType());
        assertFalse(t.customer("c", Tier.VIP).allows());
        assertEquals(Set.of("cards"), RuleTester.of(new CardProductRule()).params(Map.of()).parameterErrors().keySet());
        assertEquals(Set.of("cards"), RuleTester.of(new CardProductRule()).params(Map.of("cards", "GOLD")).parameterErrors().keySet());
        assertEquals(Set.of("cards"), RuleTester.of(new CardProductRule()).params(Map.of("cards", List.of())).parameterErrors().keySet());
    }

    @Test
    void claimsPerPeriodCountsPerksOfTheCalendarPeriod() throws Exception {
        Instant now = Instant.parse("2026-11-27T12:00:00Z");
        RuleTester t = RuleTester.of(new ClaimsPerPeriodRule()).params(Map.of("max", 2, "period", "month")).now(now)
                .earlierClaim("d1", ClaimStatus.CLAIMED, Instant.parse("2026-10-31T23:59:59Z"))
                .earlierClaim("d2", ClaimStatus.CLAIMED, Instant.parse("2026-11-01T00:00:00Z"))
                .earlierClaim("d3", ClaimStatus.LOST, Instant.parse("2026-11-10T00:00:00Z"))
                .earlierClaim("d4", ClaimStatus.ENTERED, Instant.parse("2026-11-11T00:00:00Z"));
        assertTrue(t.allows(), "one perk this month (October's, lost and pending entries do not count)");
        t.earlierClaim("d5", ClaimStatus.WON, Instant.parse("2026-11-20T00:00:00Z"));
        assertEquals("You have already received 2 perks this month.", t.denied().reason());
        assertEquals(Instant.parse("2026-11-23T00:00:00Z"), ClaimsPerPeriodRule.periodStart("week", now));
        assertEquals(Instant.parse("2026-11-27T00:00:00Z"), ClaimsPerPeriodRule.periodStart("day", now));
        assertEquals(Set.of("max", "period"), RuleTester.of(new ClaimsPerPeriodRule()).params(Map.of("max", 0, "period", "year"))
                .parameterErrors().keySet());
    }

    @Test
    void allowAndDenyLists() throws Exception {
        RuleTester employees = RuleTester.of(new AllowListRule()).params(Map.of("tiers", List.of("employee"), "customers", List.of("vip-friend")));
        assertTrue(employees.customer("e1", Tier.EMPLOYEE).allows());
        assertTrue(employees.customer("vip-friend", Tier.VIP).allows());
        assertFalse(employees.customer("v1", Tier.VIP).allows());
        assertEquals(Set.of("tiers"), RuleTester.of(new AllowListRule()).params(Map.of("tiers", List.of("gold"))).parameterErrors().keySet());
        assertEquals(Set.of("customers"), RuleTester.of(new AllowListRule()).params(Map.of()).parameterErrors().keySet());

        RuleTester excluded = RuleTester.of(new DenyListRule()).params(Map.of("customers", List.of("fraudster")));
        assertEquals("This perk is not available to you.", excluded.customer("fraudster", Tier.STANDARD).denied().reason());
        assertTrue(excluded.customer("honest", Tier.STANDARD).allows());
    }

    @Test
    void spendThresholdReadsTheTokenAttribute() throws Exception {
        RuleTester t = RuleTester.of(new SpendThresholdRule()).params(Map.of("min", 500));
        assertTrue(t.customer("a", Tier.STANDARD).attribute("monthlySpend", 500).allows());
        assertTrue(t.attribute("monthlySpend", "750.5").allows());
        assertEquals("monthlySpend 499.99 < 500", t.attribute("monthlySpend", 499.99).denied().trace());
        assertEquals("token has no monthlySpend", t.customer("b", Tier.STANDARD).denied().trace());
        RuleTester custom = RuleTester.of(new SpendThresholdRule()).params(Map.of("min", 100, "attribute", "travelSpend"))
                .attribute("travelSpend", 120);
        assertTrue(custom.allows());
        assertEquals(Set.of("min"), RuleTester.of(new SpendThresholdRule()).params(Map.of("min", -1)).parameterErrors().keySet());
    }
}
