package io.dropwise.supervisor.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * OTP's restart intensity for one child: at most {@code maxRestarts} restarts within any
 * {@code period}; one more failure inside the period means the restarts are not helping, and the
 * supervisor escalates instead of looping.
 */
final class RestartIntensity {

    private final int maxRestarts;
    private final Duration period;
    private final Deque<Instant> restarts = new ArrayDeque<>();

    RestartIntensity(int maxRestarts, Duration period) {
        this.maxRestarts = maxRestarts;
        this.period = period;
    }

    /**
     * A failure was seen at {@code now}.
     *
     * @return {@code true} when the child may be restarted (and the restart is counted), {@code false}
     *         when the intensity is exceeded: escalate
     */
    boolean mayRestart(Instant now) {
        while (!restarts.isEmpty() && !restarts.peekFirst().isAfter(now.minus(period))) {
            restarts.removeFirst();
        }
        if (restarts.size() >= maxRestarts) {
            return false;
        }
        restarts.addLast(now);
        return true;
    }

    /** @return restarts counted within the period ending now */
    int recent(Instant now) {
        return (int) restarts.stream().filter(t -> t.isAfter(now.minus(period))).count();
    }
}
