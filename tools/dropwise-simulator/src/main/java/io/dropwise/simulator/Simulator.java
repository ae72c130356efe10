package io.dropwise.simulator;

import java.io.IOException;
import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;

/**
 * The drop simulator's entry point: {@code java -jar dropwise-simulator.jar --help}. {@link #run} is the same
 * thing as a Java call (for tests), returning the exit code instead of exiting.
 */
public final class Simulator {

    /** The invariants hold. */
    public static final int OK = 0;
    /** The run was made and an invariant does not hold. */
    public static final int INVARIANT_FAILED = 1;
    /** Bad command line. */
    public static final int USAGE = 2;
    /** The run could not be made: a server unreachable, a password or token refused, the drop refused. */
    public static final int CANNOT_RUN = 3;

    private Simulator() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.getenv(), System.out, System.err));
    }

    /**
     * Runs the simulator.
     *
     * @param args the command line
     * @param env the environment, for the defaults of {@code --admin-password} and {@code --token-secret}
     * @param out where the summary and the invariants go
     * @param err where the progress and the errors go
     * @return the exit code: {@link #OK}, {@link #INVARIANT_FAILED}, {@link #USAGE} or {@link #CANNOT_RUN}
     */
    public static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
        Options options;
        try {
            options = Options.parse(args, env);
        } catch (Options.UsageException e) {
            err.println("dropwise-simulator: " + e.getMessage());
            err.println("Run with --help for the options.");
            return USAGE;
        }
        if (options.help) {
            out.print(Options.USAGE);
            return OK;
        }
        try {
            Simulation simulation = new Simulation(options, out);
            Result result = simulation.run(new Progress(options.progress, err));
            Invariants.check(simulation, result);
            summary(result, out);
            Report.write(result, options.report);
            out.println("report: " + options.report.toAbsolutePath());
            return result.invariantsHold() ? OK : INVARIANT_FAILED;
        } catch (Servers.CannotRun e) {
            err.println("dropwise-simulator: " + e.getMessage());
            return CANNOT_RUN;
        } catch (IOException e) {
            err.println("dropwise-simulator: cannot write the report " + options.report + ": " + e);
            return CANNOT_RUN;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("dropwise-simulator: interrupted");
            return CANNOT_RUN;
        }
    }

    private static void summary(Result r, PrintStream out) {
        long answers = r.seconds.stream().mapToLong(s -> s.answers).sum();
        int peak = r.seconds.stream().mapToInt(s -> s.created).max().orElse(0);
        out.printf(Locale.ROOT, "drop %s over in %.1f s: %,d requests (%,d retries), %,.0f answers/s on average, %,d units granted in the "
                + "busiest second; latency p50 %s, p99 %s, max %s; largest delay behind the arrival curve %d ms%n", r.dropId, r.durationSeconds(),
                r.requests, r.retries, answers / r.durationSeconds(), peak, Report.ms(r.p50Micros), Report.ms(r.p99Micros), Report.ms(r.maxMicros),
                r.maxLagMillis);
        out.println("answers: " + r.answers);
        r.outcomes.forEach((tier, counts) -> {
            StringBuilder line = new StringBuilder("  " + tier + ":");
            counts.forEach((k, v) -> {
                if (v > 0) {
                    line.append(String.format(Locale.ROOT, " %s %,d", k, v));
                }
            });
            out.println(line);
        });
        for (Result.Check c : r.checks) {
            out.printf("invariant %-40s %s  %s%n", c.name(), c.ok() ? "holds" : "FAILS", c.detail());
        }
        out.println(r.invariantsHold() ? "all invariants hold" : "AN INVARIANT DOES NOT HOLD");
    }
}
