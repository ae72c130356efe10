package io.dropwise.rules.builtin.internal;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.osgi.service.component.annotations.Component;

import io.dropwise.api.rules.Decision;
import io.dropwise.api.rules.InvalidParametersException;
import io.dropwise.api.rules.Parameter;
import io.dropwise.api.rules.Rule;
import io.dropwise.api.rules.RuleType;

/**
 * {@code tier-window}: a customer may claim once the drop has opened for their tier (the drop's
 * {@code opensAt} plus the tier's offset). The engine applies it to every drop, first.
 */
@Component(property = RuleType.NAME_PROPERTY + "=" + TierWindowRule.NAME)
public final class TierWindowRule implements RuleType {

    static final String NAME = "tier-window";
    static final String PROBLEM = "not-open-for-tier";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Claims open per tier: employees at opensAt, VIP and standard customers after their offsets.";
    }

    @Override
    public List<Parameter> parameters() {
        return List.of();
    }

    @Override
    public Rule create(Map<String, Object> params) throws InvalidParametersException {
        new Params(params).check();
        return context -> {
            Instant opensAt = context.drop().opensAt(context.customer().tier());
            if (context.now().isBefore(opensAt)) {
                String tier = context.customer().tier().wireName();
                return new Decision.Deny("This drop opens for " + tier + " customers at " + opensAt + ".",
                        "tier " + tier + " opens at " + opensAt + ", now " + context.now(), PROBLEM, Map.of("opensAt", opensAt.toString()));
            }
            return Decision.allow();
        };
    }
}
