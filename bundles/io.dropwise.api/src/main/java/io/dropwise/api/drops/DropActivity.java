package io.dropwise.api.drops;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What is happening on a drop, for the operators' live view.
 *
 * @param dropId the drop
 * @param perSecond the seconds in which units were claimed (or entries made), oldest first, from the
 *        store: every instance's claims count
 * @param outcomes per tier ({@code employee}, {@code vip}, {@code standard}), how many claim
 *        requests ended how ({@code claimed}, {@code sold-out}, {@code not-eligible}, {@code early},
 *        {@code already-claimed}, {@code closed}, {@code failed}): counted in memory by the engine
 *        that answered them, since {@code since}; replays of an earlier claim are not counted
 * @param since when this engine started counting outcomes
 */
public record DropActivity(String dropId, List<Second> perSecond, Map<String, Map<String, Long>> outcomes, Instant since) {

    /**
     * @param second the start of the second
     * @param claimed units claimed (or entries made) in it
     */
    public record Second(Instant second, int claimed) {
    }
}
