package io.dropwise.simulator;

import java.time.Duration;

/**
 * When the customers of one tier arrive, relative to that tier's opening: a spike at the opening that decays
 * exponentially with time constant {@code decay} (63 % of the tier within one {@code decay}, 95 % within three),
 * cut off at {@code window} (the exponential is truncated there and renormalised, so that every customer
 * arrives within the window).
 *
 * <p>The curve is deterministic: customer {@code i} of {@code n} arrives at the quantile {@code (i + 0.5) / n}
 * of the truncated distribution, so the same run has the same arrivals, and the arrivals are sorted by
 * {@code i}. Who is customer {@code i} is the caller's (seeded) shuffle.
 */
public final class ArrivalCurve {

    private final double decayNanos;
    private final double windowNanos;
    private final double mass;

    /**
     * @param decay the time constant of the decay, more than zero
     * @param window every arrival is before the opening plus this, more than zero
     */
    public ArrivalCurve(Duration decay, Duration window) {
        if (decay.isNegative() || decay.isZero() || window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("decay and window must be more than zero");
        }
        this.decayNanos = decay.toNanos();
        this.windowNanos = window.toNanos();
        this.mass = 1 - Math.exp(-windowNanos / decayNanos);
    }

    /**
     * @param i the customer's rank, 0 to {@code n - 1}
     * @param n the customers of the tier
     * @return the customer's arrival, after the tier's opening, in nanoseconds (0 &le; offset &lt; window)
     */
    public long offsetNanos(int i, int n) {
        if (i < 0 || i >= n) {
            throw new IndexOutOfBoundsException(i + " of " + n);
        }
        double q = (i + 0.5) / n;
        double t = -decayNanos * Math.log(1 - q * mass);
        return (long) Math.min(t, windowNanos - 1);
    }

    /** @return the share of a tier's customers that arrive within {@code after} of the opening (the curve's CDF) */
    public double shareWithin(Duration after) {
        double t = Math.min(after.toNanos(), windowNanos);
        return (1 - Math.exp(-t / decayNanos)) / mass;
    }
}
