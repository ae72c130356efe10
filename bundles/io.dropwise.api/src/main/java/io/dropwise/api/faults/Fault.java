package io.dropwise.api.faults;

import java.time.Instant;

/**
 * A fault being injected.
 *
 * @param id its identifier, to end it early
 * @param spec what was asked for
 * @param startedAt when it began
 * @param endsAt when it ends by itself
 */
public record Fault(String id, FaultSpec spec, Instant startedAt, Instant endsAt) {
}
