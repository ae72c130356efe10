package io.dropwise.runtime.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.dropwise.testkit.ThrowawayPostgres;

/**
 * Keeps the load generator (this test JVM) and the server under test (with its database) on
 * different cores while a throughput comparison runs, so that the figure measures the server
 * rather than how the scheduler shared two cores between the client and the server that run
 * here side by side. Linux {@code taskset}: the server started while this is open runs on CPU 0
 * ({@link DropwiseServer#SERVER_CPUS_PROPERTY}), every thread of this JVM and PostgreSQL
 * ({@link ThrowawayPostgres#CPUS_PROPERTY}) on the other CPUs: with the database on the server's
 * one core, the refusals' CPU came out of the database's share and admitted claims were decided
 * 10x slower at twice the load (p99 611-668 ms against 78-128 ms with the database beside the
 * generator).
 * {@link #close()} gives this JVM its former CPUs back.
 *
 * <p>Where it cannot split (one CPU, no {@code taskset}, or the properties already set by a
 * benchmark run that pins on its own), it changes nothing and {@link #split()} says so.
 */
final class CpuSplit implements AutoCloseable {

    private final long pid = ProcessHandle.current().pid();
    private final String formerCpus;
    private final boolean split;

    private CpuSplit(String formerCpus, boolean split) {
        this.formerCpus = formerCpus;
        this.split = split;
    }

    /** Splits when it can; never throws for a machine that cannot. */
    static CpuSplit apart() {
        if (!System.getProperty(DropwiseServer.SERVER_CPUS_PROPERTY, "").isBlank()
                || !System.getProperty(ThrowawayPostgres.CPUS_PROPERTY, "").isBlank()) {
            return new CpuSplit(null, false); // pinned by whoever runs the benchmark
        }
        long pid = ProcessHandle.current().pid();
        String former = run(List.of("taskset", "-c", "-p", Long.toString(pid)));
        int cpus = Runtime.getRuntime().availableProcessors();
        if (former == null || !former.contains(":") || cpus < 2) {
            return new CpuSplit(null, false);
        }
        String list = former.substring(former.lastIndexOf(':') + 1).strip();
        if (!list.startsWith("0")) {
            return new CpuSplit(null, false); // an unusual mask: leave it alone
        }
        String generator = cpus == 2 ? "1" : "1-" + (cpus - 1);
        if (run(List.of("taskset", "-a", "-c", "-p", generator, Long.toString(pid))) == null) {
            return new CpuSplit(null, false);
        }
        System.setProperty(DropwiseServer.SERVER_CPUS_PROPERTY, "0");
        System.setProperty(ThrowawayPostgres.CPUS_PROPERTY, generator);
        return new CpuSplit(list, true);
    }

    /** @return whether the server runs on CPU 0 and this JVM on the others */
    boolean split() {
        return split;
    }

    @Override
    public String toString() {
        return split ? "server on CPU 0, load generator (and PostgreSQL, if any) on the others" : "not pinned (server, database and load generator share the cores)";
    }

    @Override
    public void close() {
        if (split) {
            System.clearProperty(DropwiseServer.SERVER_CPUS_PROPERTY);
            System.clearProperty(ThrowawayPostgres.CPUS_PROPERTY);
            run(List.of("taskset", "-a", "-c", "-p", formerCpus, Long.toString(pid)));
        }
    }

    /** @return what the command printed, or null when it failed or is missing */
    private static String run(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return null;
            }
            return p.exitValue() == 0 ? out : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
