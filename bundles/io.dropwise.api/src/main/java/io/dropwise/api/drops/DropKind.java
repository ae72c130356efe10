package io.dropwise.api.drops;

/** How a drop hands out its reward. */
public enum DropKind {
    /** First come, first served, until the stock is gone. */
    STOCK,
    /** Customers enter; winners are drawn later. */
    DRAW
}
