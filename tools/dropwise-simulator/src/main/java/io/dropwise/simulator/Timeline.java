package io.dropwise.simulator;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What happened in each second of the run, counted from the first tier's opening: answers, units granted,
 * requests without an answer, and the latencies of the answers (for p50/p99). Thread-safe.
 */
final class Timeline {

    /** One second of the run. */
    static final class Second {
        int answers;
        int created;
        int noAnswer;
        /** customers due to arrive in this second by the arrival curve */
        int offered;
        /** first attempts sent in this second (fewer than offered while every connection is busy) */
        int sent;
        private int[] latencies = new int[64];
        private int count;

        void latency(int micros) {
            if (count == latencies.length) {
                latencies = Arrays.copyOf(latencies, count * 2);
            }
            latencies[count++] = micros;
        }

        /** @return the latencies of this second's answers in microseconds, sorted */
        int[] sortedLatencies() {
            int[] copy = Arrays.copyOf(latencies, count);
            Arrays.sort(copy);
            return copy;
        }
    }

    private final List<Second> seconds = new ArrayList<>();

    private Second at(long millis) {
        int index = (int) Math.max(0, millis / 1000);
        while (seconds.size() <= index) {
            seconds.add(new Second());
        }
        return seconds.get(index);
    }

    /** An HTTP answer at {@code millis} after the opening, that took {@code micros}. */
    synchronized void answer(long millis, int micros, boolean created) {
        Second s = at(millis);
        s.answers++;
        if (created) {
            s.created++;
        }
        s.latency(micros);
    }

    /** A request that got no answer (timeout, connection error) at {@code millis}. */
    synchronized void noAnswer(long millis) {
        at(millis).noAnswer++;
    }

    /** A customer due at {@code millis} by the arrival curve. */
    synchronized void offered(long millis) {
        at(millis).offered++;
    }

    /** A customer's first claim sent at {@code millis}. */
    synchronized void sent(long millis) {
        at(millis).sent++;
    }

    /** @return a copy of the seconds so far (the counters are read under the lock) */
    synchronized List<Second> seconds() {
        List<Second> copy = new ArrayList<>();
        for (Second s : seconds) {
            Second c = new Second();
            c.answers = s.answers;
            c.created = s.created;
            c.noAnswer = s.noAnswer;
            c.offered = s.offered;
            c.sent = s.sent;
            c.latencies = s.sortedLatencies();
            c.count = c.latencies.length;
            copy.add(c);
        }
        return copy;
    }

    /** @return the {@code p}-th percentile (0-100) of sorted values, nearest rank; 0 when empty */
    static int percentile(int[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        int rank = (int) Math.ceil(p / 100 * sorted.length);
        return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
    }

    /** @return every latency of the run, sorted */
    synchronized int[] allLatencies() {
        int total = 0;
        for (Second s : seconds) {
            total += s.count;
        }
        int[] all = new int[total];
        int i = 0;
        for (Second s : seconds) {
            System.arraycopy(s.latencies, 0, all, i, s.count);
            i += s.count;
        }
        Arrays.sort(all);
        return all;
    }
}
