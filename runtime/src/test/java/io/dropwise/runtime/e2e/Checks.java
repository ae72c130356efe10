package io.dropwise.runtime.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

/**
 * The invariants a game day checks: each is recorded and printed ({@code OK ...} or
 * {@code PROBLEM ...}), and {@link #assertAllHold()} fails the test with every problem at once.
 */
final class Checks {

    private final String tag;
    private final List<String> results = new ArrayList<>();

    /** @param tag the prefix of every printed line, e.g. {@code StoreOutageGameDayIT} */
    Checks(String tag) {
        this.tag = tag;
    }

    void check(boolean holds, String invariant) {
        results.add((holds ? "OK " : "PROBLEM ") + invariant);
    }

    void assertAllHold() {
        results.forEach(r -> System.out.println(tag + ": " + r));
        List<String> problems = results.stream().filter(r -> r.startsWith("PROBLEM")).toList();
        assertTrue(problems.isEmpty(), problems.size() + " invariant(s) broken:\n" + String.join("\n", problems));
    }
}
