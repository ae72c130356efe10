package io.dropwise.api.drops;

/** What a drop does when one of its rules cannot decide (missing, failing, too slow). */
public enum RuleFailurePolicy {
    /** Refuse the claim (503, nothing taken). */
    DENY,
    /** Count the rule as passed. */
    SKIP,
    /** Accept the claim as held, decided when the rule recovers. */
    HOLD
}
