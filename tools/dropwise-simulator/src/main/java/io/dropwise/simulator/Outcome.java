package io.dropwise.simulator;

/** How a customer's claim ended, as the customer was finally told. */
enum Outcome {
    /** still waiting for a definite answer */
    PENDING("pending"),
    /** 201: a unit (or the replay of it) */
    CLAIMED("claimed"),
    /** 409 sold-out */
    SOLD_OUT("sold-out"),
    /** 409 already-claimed */
    ALREADY_CLAIMED("already-claimed"),
    /** 403 not-eligible */
    NOT_ELIGIBLE("not-eligible"),
    /** 403 not-open-for-tier, and no retry left */
    EARLY("early"),
    /** 409 closed */
    CLOSED("closed"),
    /** no definite answer: every try timed out or was answered 429/5xx, or the run's time was up */
    GAVE_UP("gave-up"),
    /** any other answer (401, 404, 400...) */
    OTHER("other");

    final String label;

    Outcome(String label) {
        this.label = label;
    }

    /** @return whether the customer knows where they stand (a unit or a refusal), as opposed to waiting or giving up */
    boolean definite() {
        return this != PENDING && this != GAVE_UP;
    }
}
