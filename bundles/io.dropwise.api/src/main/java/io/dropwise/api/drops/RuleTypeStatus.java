package io.dropwise.api.drops;

import java.util.List;

import io.dropwise.api.rules.Parameter;

/**
 * A rule type as operators see it.
 *
 * @param name the rule type's name
 * @param present whether a bundle provides it now
 * @param description what it does ({@code null} when not present)
 * @param parameters the parameters it takes (empty when not present)
 * @param bundle the symbolic name of the bundle providing it ({@code null} when not present)
 * @param version that bundle's version ({@code null} when not present)
 * @param dropIds the drops that use it
 */
public record RuleTypeStatus(String name, boolean present, String description, List<Parameter> parameters, String bundle,
        String version, List<String> dropIds) {

    public RuleTypeStatus {
        parameters = parameters == null ? List.of() : List.copyOf(parameters);
        dropIds = dropIds == null ? List.of() : List.copyOf(dropIds);
    }
}
