package io.dropwise.api.drops;

import java.time.Instant;

/**
 * How a rule plugin (one version of a bundle providing rule types) is doing, as the claims engine
 * that calls it sees it: its circuit breaker and its counts since that engine started.
 *
 * @param bundle the plugin bundle's symbolic name
 * @param version its version
 * @param circuit {@code closed} (called normally), {@code open} (failing fast after failures in a
 *        row: the drops that use it follow their {@code onRuleFailure} policy) or {@code half-open}
 *        (the next call is a trial)
 * @param openUntil when an open circuit lets a trial call through ({@code null} when closed)
 * @param calls calls made
 * @param failures calls that gave no decision (threw, too slow, no thread free, circuit open)
 * @param timeouts calls that overran the time budget
 * @param rejected calls refused because all of the plugin's threads and waiting places were taken
 * @param busyThreads the plugin's threads running a call now
 * @param lastFailure what went wrong last ({@code null} if nothing has)
 */
public record RulePluginStatus(String bundle, String version, String circuit, Instant openUntil, long calls, long failures,
        long timeouts, long rejected, int busyThreads, String lastFailure) {

    /** @return {@code bundle/version} */
    public String plugin() {
        return bundle + "/" + version;
    }
}
