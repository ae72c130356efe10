package io.dropwise.simulator;

import java.io.PrintStream;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The progress of a run on stderr: on a terminal a bar redrawn in place five times a second, otherwise (a
 * pipe, a CI log) one line every five seconds; or nothing.
 */
final class Progress {

    private static final int WIDTH = 30;

    private final PrintStream err;
    private final boolean bar;
    private final boolean quiet;
    private volatile boolean running;
    private Thread thread;
    private Supplier<Simulation.Snapshot> source;
    private long lastRequests;
    private long lastMillis;
    private int lastLength;

    /** @param mode {@code auto} (a bar when there is a terminal), {@code bar}, {@code lines} or {@code none} */
    Progress(String mode, PrintStream err) {
        this.err = err;
        this.quiet = mode.equals("none");
        this.bar = mode.equals("bar") || (mode.equals("auto") && System.console() != null);
    }

    void start(Supplier<Simulation.Snapshot> snapshots) {
        if (quiet) {
            return;
        }
        this.source = snapshots;
        running = true;
        thread = new Thread(() -> {
            long every = bar ? 200 : 5_000;
            while (running) {
                try {
                    Thread.sleep(every);
                } catch (InterruptedException e) {
                    return;
                }
                if (running) {
                    show(source.get(), false);
                }
            }
        }, "simulator-progress");
        thread.setDaemon(true);
        thread.start();
    }

    void stop() throws InterruptedException {
        if (quiet || thread == null) {
            return;
        }
        running = false;
        thread.interrupt();
        thread.join(1_000);
        show(source.get(), true);
    }

    private synchronized void show(Simulation.Snapshot s, boolean last) {
        long dt = s.elapsedMillis() - lastMillis;
        double rate = dt > 0 ? (s.requests() - lastRequests) * 1000.0 / dt : 0;
        lastMillis = s.elapsedMillis();
        lastRequests = s.requests();
        double share = s.customers() == 0 ? 1 : (double) s.settled() / s.customers();
        StringBuilder line = new StringBuilder();
        if (bar) {
            int filled = (int) Math.round(share * WIDTH);
            line.append('[').append("#".repeat(filled)).append(".".repeat(WIDTH - filled)).append("] ");
        }
        line.append(String.format("%3.0f%% %,d/%,d customers  %,.0f claims/s  %,d of %,d units  %d in flight  t%s%.0fs",
                share * 100, s.settled(), s.customers(), rate, s.granted(), s.stock(), s.inFlight(), s.elapsedMillis() < 0 ? "" : "+",
                s.elapsedMillis() / 1000.0));
        for (Map.Entry<String, Integer> e : s.outcomes().entrySet()) {
            line.append(String.format("  %s %,d", e.getKey(), e.getValue()));
        }
        if (bar) {
            String text = line.toString();
            int pad = Math.max(0, lastLength - text.length());
            err.print("\r" + text + " ".repeat(pad) + (last ? "\n" : ""));
            lastLength = text.length();
        } else {
            err.println(line);
        }
        err.flush();
    }
}
