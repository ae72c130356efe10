package io.dropwise.rules.builtin.internal;

import java.util.List;
import java.util.Map;

import org.osgi.service.component.annotations.Component;

import io.dropwise.api.rules.Decision;
import io.dropwise.api.rules.InvalidParametersException;
import io.dropwise.api.rules.Parameter;
import io.dropwise.api.rules.Rule;
import io.dropwise.api.rules.RuleType;

/**
 * {@code spend-threshold}: only customers whose token carries a spend attribute (default
 * {@code monthlySpend}) of at least {@code min}.
 */
@Component(property = RuleType.NAME_PROPERTY + "=" + SpendThresholdRule.NAME)
public final class SpendThresholdRule implements RuleType {

    static final String NAME = "spend-threshold";
    static final String DEFAULT_ATTRIBUTE = "monthlySpend";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Only customers whose token says they spent at least min (attribute monthlySpend unless named).";
    }

    @Override
    public List<Parameter> parameters() {
        return List.of(new Parameter("min", Parameter.Type.NUMBER, true, "the least spend, e.g. 500"),
                new Parameter("attribute", Parameter.Type.STRING, false, "the token claim holding the spend; default " + DEFAULT_ATTRIBUTE));
    }

    @Override
    public Rule create(Map<String, Object> params) throws InvalidParametersException {
        Params p = new Params(params);
        Double min = p.number("min", 0);
        String attribute = p.string("attribute", DEFAULT_ATTRIBUTE);
        p.check("min", "attribute");
        return context -> {
            Object value = context.customer().attributes().get(attribute);
            double spend;
            if (value instanceof Number n) {
                spend = n.doubleValue();
            } else if (value instanceof String s) {
                try {
                    spend = Double.parseDouble(s);
                } catch (NumberFormatException e) {
                    return Decision.deny("This perk needs a spend of at least " + format(min) + ".", attribute + " is not a number: " + s);
                }
            } else {
                return Decision.deny("This perk needs a spend of at least " + format(min) + ".", "token has no " + attribute);
            }
            return spend >= min ? Decision.allow()
                    : Decision.deny("This perk needs a spend of at least " + format(min) + ".", attribute + " " + format(spend) + " < " + format(min));
        };
    }

    private static String format(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }
}
