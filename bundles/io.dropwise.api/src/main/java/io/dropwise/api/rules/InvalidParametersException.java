package io.dropwise.api.rules;

import java.util.Map;

/** Parameters a rule type refuses, with a message per parameter. */
public class InvalidParametersException extends Exception {

    private static final long serialVersionUID = 1L;

    private final transient Map<String, String> errors;

    /** @param errors parameter name to what is wrong with it */
    public InvalidParametersException(Map<String, String> errors) {
        super("invalid parameters: " + errors);
        this.errors = Map.copyOf(errors);
    }

    /** @return parameter name to what is wrong with it */
    public Map<String, String> errors() {
        return errors;
    }
}
