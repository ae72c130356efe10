package io.dropwise.rules.builtin.internal;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.osgi.service.component.annotations.Component;

import io.dropwise.api.customer.Tier;
import io.dropwise.api.rules.Decision;
import io.dropwise.api.rules.InvalidParametersException;
import io.dropwise.api.rules.Parameter;
import io.dropwise.api.rules.Rule;
import io.dropwise.api.rules.RuleType;

/** {@code allow-list}: only the listed customers and/or tiers (e.g. an employees-only drop). */
@Component(property = RuleType.NAME_PROPERTY + "=" + AllowListRule.NAME)
public final class AllowListRule implements RuleType {

    static final String NAME = "allow-list";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Only the listed customer ids and/or tiers, e.g. {\"tiers\": [\"employee\"]} for an employees-only drop.";
    }

    @Override
    public List<Parameter> parameters() {
        return List.of(new Parameter("customers", Parameter.Type.STRING_LIST, false, "customer ids allowed"),
                new Parameter("tiers", Parameter.Type.STRING_LIST, false, "tiers allowed: employee, vip, standard"));
    }

    @Override
    public Rule create(Map<String, Object> params) throws InvalidParametersException {
        Params p = new Params(params);
        Set<String> customers = Set.copyOf(p.strings("customers", false));
        List<String> tierNames = p.strings("tiers", false);
        for (String t : tierNames) {
            if (Tier.fromWireName(t).isEmpty()) {
                p.error("tiers", "unknown tier '" + t + "'; use employee, vip or standard");
            }
        }
        if (customers.isEmpty() && tierNames.isEmpty()) {
            p.error("customers", "give customers, tiers or both");
        }
        p.check("customers", "tiers");
        Set<Tier> tiers = tierNames.stream().map(t -> Tier.fromWireName(t).orElseThrow()).collect(java.util.stream.Collectors.toSet());
        return context -> customers.contains(context.customer().id()) || tiers.contains(context.customer().tier())
                ? Decision.allow()
                : Decision.deny("This perk is reserved for selected customers.",
                        "customer " + context.customer().id() + " (" + context.customer().tier().wireName() + ") is not on the allow list");
    }
}
