package io.dropwise.api.operator;

import java.util.Objects;

/**
 * An authenticated operator.
 *
 * @param name the account name, for example {@code admin}
 * @param role what the operator may do
 */
public record Operator(String name, OperatorRole role) {

    public Operator {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(role, "role");
    }
}
