package io.dropwise.api.drops;

/** Where a drop stands, for one customer tier at one moment. */
public enum DropState {
    UPCOMING, OPEN, SOLD_OUT, CLOSED, DRAWN
}
