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

/** {@code card-product}: only holders of any of the listed card products. */
@Component(property = RuleType.NAME_PROPERTY + "=" + CardProductRule.NAME)
public final class CardProductRule implements RuleType {

    static final String NAME = "card-product";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Only customers who hold at least one of the listed card products.";
    }

    @Override
    public List<Parameter> parameters() {
        return List.of(new Parameter("cards", Parameter.Type.STRING_LIST, true, "card-product codes, e.g. [\"GOLD\", \"PLATINUM\"]"));
    }

    @Override
    public Rule create(Map<String, Object> params) throws InvalidParametersException {
        Params p = new Params(params);
        Set<String> cards = Set.copyOf(p.strings("cards", true));
        p.check("cards");
        return context -> context.customer().cards().stream().anyMatch(cards::contains)
                ? Decision.allow()
                : Decision.deny("This perk is for holders of " + String.join(", ", cards.stream().sorted().toList()) + " cards.",
                        "cards " + context.customer().cards() + " hold none of " + cards);
    }
}
