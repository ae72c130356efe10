package io.dropwise.api.rules;

import java.util.List;
import java.util.Map;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A kind of eligibility rule, provided by a plugin bundle as an OSGi service.
 */
@ConsumerType
public interface RuleType {

    /** Service property naming the type, the same as {@link #name()}; lets operators and the engine find it. */
    String NAME_PROPERTY = "dropwise.rule.type";

    /** @return the stable name drops use, lower-case with dashes, e.g. {@code card-product} */
    String name();

    /** @return one sentence for operators */
    String description();

    /** @return the parameters this type takes */
    List<Parameter> parameters();

    /**
     * Checks the parameters of one use of this type and returns the rule that decides claims.
     * Called when a drop is created (a refusal becomes a 400 naming the bad parameters) and when
     * the engine (re)loads a drop.
     *
     * @param params the parameters from the drop, as JSON values (String, Number, Boolean, List, Map)
     * @throws InvalidParametersException with a message per bad parameter
     */
    Rule create(Map<String, Object> params) throws InvalidParametersException;
}
