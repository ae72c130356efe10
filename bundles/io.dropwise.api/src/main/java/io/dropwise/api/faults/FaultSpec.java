package io.dropwise.api.faults;

import java.time.Duration;

/**
 * A fault to inject.
 *
 * @param bundle the symbolic name of the bundle whose services misbehave (or that is stopped)
 * @param kind what happens
 * @param latencyMillis for {@link FaultKind#LATENCY}: how long each call waits; otherwise 0
 * @param probability share of the calls affected, in (0, 1] (ignored by {@link FaultKind#STOP})
 * @param duration how long the fault lasts; it ends by itself afterwards
 */
public record FaultSpec(String bundle, FaultKind kind, long latencyMillis, double probability, Duration duration) {
}
