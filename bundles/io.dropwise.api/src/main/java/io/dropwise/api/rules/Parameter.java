package io.dropwise.api.rules;

import java.util.Objects;

/**
 * A parameter a rule type takes, for operators (admin API, console) and for validation helpers.
 *
 * @param name the parameter's name in a drop's {@code params}
 * @param type its JSON shape
 * @param required whether a drop must give it
 * @param description what it means
 */
public record Parameter(String name, Type type, boolean required, String description) {

    /** JSON shapes of parameters. */
    public enum Type {
        STRING, STRING_LIST, INTEGER, NUMBER, BOOLEAN, DURATION, INSTANT
    }

    public Parameter {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
    }
}
