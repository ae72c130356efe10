package io.dropwise.simulator;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Everything a run produced, for the summary, the invariants and the report. */
final class Result {

    /** A swap or fault done during the run ({@code millis} after the first opening), or one not done. */
    record Event(String kind, long startMillis, long endMillis, String label, boolean ok, String detail) {
    }

    /** The server's count of units left, read at {@code millis} after the first opening. */
    record Remaining(long millis, long remaining) {
    }

    /** One invariant, checked at the end. */
    record Check(String name, boolean ok, String detail) {
    }

    Options options;
    String dropId;
    Instant createdAt;
    /** the first tier's opening: the zero of every time in the run */
    Instant opensAt;
    final Map<String, Long> tierOpeningMillis = new LinkedHashMap<>();
    long endMillis;
    long mainPhaseEndMillis;
    final List<Timeline.Second> seconds = new ArrayList<>();
    final List<Event> events = new ArrayList<>();
    final List<Remaining> remaining = new ArrayList<>();
    /** tier -> outcome label -> customers */
    final Map<String, Map<String, Integer>> outcomes = new LinkedHashMap<>();
    /** "201", "409 sold-out", "timeout"... -> requests */
    final Map<String, Long> answers = new LinkedHashMap<>();
    final List<Check> checks = new ArrayList<>();
    long requests;
    long retries;
    int settledAfterRun;
    long maxLagMillis;
    int p50Micros;
    int p99Micros;
    int maxMicros;
    int granted;

    boolean invariantsHold() {
        return !checks.isEmpty() && checks.stream().allMatch(Check::ok);
    }

    double durationSeconds() {
        return Math.max(0.001, endMillis / 1000.0);
    }
}
