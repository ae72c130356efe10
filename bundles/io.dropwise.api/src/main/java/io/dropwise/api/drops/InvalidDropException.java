package io.dropwise.api.drops;

import java.util.Map;

/** A drop specification that cannot be created, with a message per field. */
public class InvalidDropException extends Exception {

    private static final long serialVersionUID = 1L;

    private final transient Map<String, String> errors;

    /** @param errors field name to what is wrong with it */
    public InvalidDropException(Map<String, String> errors) {
        super("invalid drop: " + errors);
        this.errors = Map.copyOf(errors);
    }

    /** @return field name to what is wrong with it */
    public Map<String, String> errors() {
        return errors;
    }
}
