package io.dropwise.api.operator;

/** What an operator may do. */
public enum OperatorRole {
    /** Sees everything and may change everything: drops, deployments, configuration. */
    ADMIN,
    /** Sees everything and changes nothing. */
    VIEWER;

    /** @return whether this role may make state-changing requests */
    public boolean mayChange() {
        return this == ADMIN;
    }
}
