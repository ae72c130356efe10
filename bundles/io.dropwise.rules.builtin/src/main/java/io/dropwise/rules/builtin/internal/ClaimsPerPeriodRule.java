package io.dropwise.rules.builtin.internal;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.TemporalAdjusters;
import java.util.List;
import java.util.Map;

import org.osgi.service.component.annotations.Component;

import io.dropwise.api.drops.ClaimStatus;
import io.dropwise.api.rules.Decision;
import io.dropwise.api.rules.InvalidParametersException;
import io.dropwise.api.rules.Parameter;
import io.dropwise.api.rules.Rule;
import io.dropwise.api.rules.RuleType;

/**
 * {@code claims-per-period}: at most {@code max} perks (units claimed or draws won) per calendar
 * {@code period} (day, week from Monday, month; UTC), across all drops.
 */
@Component(property = RuleType.NAME_PROPERTY + "=" + ClaimsPerPeriodRule.NAME)
public final class ClaimsPerPeriodRule implements RuleType {

    static final String NAME = "claims-per-period";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "At most max perks (units claimed or draws won) per calendar day, week or month (UTC), across drops.";
    }

    @Override
    public List<Parameter> parameters() {
        return List.of(new Parameter("max", Parameter.Type.INTEGER, true, "perks allowed in one period, at least 1"),
                new Parameter("period", Parameter.Type.STRING, true, "day, week or month"));
    }

    @Override
    public Rule create(Map<String, Object> params) throws InvalidParametersException {
        Params p = new Params(params);
        Integer max = p.integer("max", 1);
        String period = p.string("period", null);
        if (period == null || !List.of("day", "week", "month").contains(period)) {
            p.error("period", "required: day, week or month");
        }
        p.check("max", "period");
        return context -> {
            Instant start = periodStart(period, context.now());
            long held = context.earlierClaims().stream()
                    .filter(c -> c.status() == ClaimStatus.CLAIMED || c.status() == ClaimStatus.WON)
                    .filter(c -> !c.createdAt().isBefore(start))
                    .count();
            return held < max ? Decision.allow()
                    : Decision.deny("You have already received " + max + " perk" + (max == 1 ? "" : "s") + " this " + period + ".",
                            held + " perks since " + start + ", max " + max);
        };
    }

    static Instant periodStart(String period, Instant now) {
        LocalDate day = now.atZone(ZoneOffset.UTC).toLocalDate();
        LocalDate start = switch (period) {
            case "day" -> day;
            case "week" -> day.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
            default -> day.withDayOfMonth(1);
        };
        return start.atStartOfDay(ZoneOffset.UTC).toInstant();
    }
}
