package io.dropwise.rules.builtin.internal;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.osgi.service.component.annotations.Component;

import io.dropwise.api.rules.Decision;
import io.dropwise.api.rules.InvalidParametersException;
import io.dropwise.api.rules.Parameter;
import io.dropwise.api.rules.Rule;
import io.dropwise.api.rules.RuleType;

/** {@code deny-list}: everyone but the listed customers. */
@Component(property = RuleType.NAME_PROPERTY + "=" + DenyListRule.NAME)
public final class DenyListRule implements RuleType {

    static final String NAME = "deny-list";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Everyone except the listed customer ids.";
    }

    @Override
    public List<Parameter> parameters() {
        return List.of(new Parameter("customers", Parameter.Type.STRING_LIST, true, "customer ids excluded"));
    }

    @Override
    public Rule create(Map<String, Object> params) throws InvalidParametersException {
        Params p = new Params(params);
        Set<String> excluded = Set.copyOf(p.strings("customers", true));
        p.check("customers");
        return context -> excluded.contains(context.customer().id())
                ? Decision.deny("This perk is not available to you.", "customer " + context.customer().id() + " is on the deny list")
                : Decision.allow();
    }
}
