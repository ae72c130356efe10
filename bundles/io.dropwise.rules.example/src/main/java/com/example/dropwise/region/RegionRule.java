package com.example.dropwise.region;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.osgi.service.component.annotations.Component;

import io.dropwise.api.rules.Decision;
import io.dropwise.api.rules.InvalidParametersException;
import io.dropwise.api.rules.Parameter;
import io.dropwise.api.rules.Rule;
import io.dropwise.api.rules.RuleType;

/**
 * {@code region}: only customers whose token says they live in one of the listed regions (the
 * bank puts a {@code region} claim in the token, e.g. {@code "region": "north"}).
 */
@Component(property = RuleType.NAME_PROPERTY + "=" + RegionRule.NAME)
public final class RegionRule implements RuleType {

    static final String NAME = "region";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Only customers whose token's region claim is one of the listed regions.";
    }

    @Override
    public List<Parameter> parameters() {
        return List.of(new Parameter("regions", Parameter.Type.STRING_LIST, true, "regions allowed, e.g. [\"north\", \"east\"]"));
    }

    @Override
    public Rule create(Map<String, Object> params) throws InvalidParametersException {
        Object value = params.get("regions");
        if (!(value instanceof List<?> list) || list.isEmpty() || !list.stream().allMatch(e -> e instanceof String s && !s.isBlank())) {
            throw new InvalidParametersException(Map.of("regions", "required: a non-empty list of region names"));
        }
        for (String name : params.keySet()) {
            if (!name.equals("regions")) {
                throw new InvalidParametersException(Map.of(name, "unknown parameter; this rule takes regions"));
            }
        }
        Set<String> regions = list.stream().map(String.class::cast).collect(java.util.stream.Collectors.toUnmodifiableSet());
        String names = String.join(", ", regions.stream().sorted().toList());
        return context -> {
            Object region = context.customer().attributes().get("region");
            if (region instanceof String r && regions.contains(r)) {
                return Decision.allow();
            }
            return Decision.deny("This perk is for customers in " + names + ".",
                    "region " + region + " not in " + regions);
        };
    }
}
