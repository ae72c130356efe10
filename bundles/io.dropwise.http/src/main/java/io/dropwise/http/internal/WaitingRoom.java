package io.dropwise.http.internal;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * The slots for claims being decided, and a fair waiting room in front of them: at most
 * {@code slots} claims are decided at once; past that a claim waits in line, first come first
 * served, at most {@code maxWaitNanos}, with at most {@code size} claims in line. A freed slot goes
 * to the head of the line (handed over, so a newcomer can never take it first); a newcomer takes a
 * free slot only when nobody waits.
 *
 * <p>Not a fair {@link java.util.concurrent.Semaphore}: it would give the same order (with
 * {@code tryAcquire(timeout)}; a plain {@code tryAcquire()} barges even on a fair one), but cannot
 * tell a refused claim its place in line. Here the line is a list, and the place is exact.
 *
 * <p>A refused claim is told its place and a {@code Retry-After} estimated from that place and the
 * rate at which claims were recently decided (the time the last {@value #RATE_SAMPLES} decisions
 * took). The room holds request threads, so its size must stay well below the HTTP thread pool;
 * {@link #close()} (the component stopping) sends every waiting claim away at once.
 */
final class WaitingRoom {

    static final int RATE_SAMPLES = 256;
    static final long MAX_RETRY_AFTER_SECONDS = 30;

    /** What became of a claim at the door. */
    sealed interface Entry {
    }

    /** Decide the claim, then call {@link WaitingRoom#leave()}. @param waitedNanos time spent in line */
    record Admitted(long waitedNanos) implements Entry {
    }

    /**
     * No slot: the line was full ({@code full}) or the wait ran out.
     *
     * @param position the claim's place in line (1: next) when it was turned away
     * @param retryAfterSeconds when to come back, from the position and the recent rate of decisions
     */
    record Refused(boolean full, int position, long retryAfterSeconds) implements Entry {
    }

    /** The component is stopping. */
    record Closed() implements Entry {
    }

    private static final Admitted AT_ONCE = new Admitted(0);

    private static final class Waiter {
        final Condition turn;
        boolean admitted;

        Waiter(Condition turn) {
            this.turn = turn;
        }
    }

    private final int size;
    private final long maxWaitNanos;
    private final LongSupplier nanos;
    private final ReentrantLock lock = new ReentrantLock();
    private final ArrayDeque<Waiter> line = new ArrayDeque<>();
    private int free;
    private boolean closed;

    /** When the last {@value #RATE_SAMPLES} decisions ended (a ring), and how many ended in all. */
    private final AtomicLongArray decidedAt = new AtomicLongArray(RATE_SAMPLES);
    private final AtomicLong decided = new AtomicLong();

    /**
     * @param slots claims decided at once (&ge; 1)
     * @param size claims waiting at most (0: no waiting room, a claim without a slot is refused at once)
     * @param maxWaitMillis longest wait in line (0: no waiting)
     */
    WaitingRoom(int slots, int size, long maxWaitMillis, LongSupplier nanos) {
        if (slots < 1 || size < 0 || maxWaitMillis < 0) {
            throw new IllegalArgumentException("slots " + slots + ", size " + size + ", maxWaitMillis " + maxWaitMillis);
        }
        this.free = slots;
        this.size = maxWaitMillis == 0 ? 0 : size;
        this.maxWaitNanos = TimeUnit.MILLISECONDS.toNanos(maxWaitMillis);
        this.nanos = nanos;
    }

    /**
     * Takes a slot, waiting in line for one if need be.
     *
     * @throws InterruptedException when the request thread is interrupted while it waits (it leaves the line)
     */
    Entry enter() throws InterruptedException {
        lock.lock();
        try {
            if (closed) {
                return new Closed();
            }
            if (line.isEmpty() && free > 0) {
                free--;
                return AT_ONCE;
            }
            if (line.size() >= size) {
                return refused(true, line.size() + 1);
            }
            long start = nanos.getAsLong();
            Waiter me = new Waiter(lock.newCondition());
            line.addLast(me);
            long left = maxWaitNanos;
            try {
                while (!me.admitted && !closed && left > 0) {
                    left = me.turn.awaitNanos(left);
                }
            } catch (InterruptedException e) {
                if (!me.admitted) {
                    line.remove(me);
                    throw e;
                }
                Thread.currentThread().interrupt(); // keep the slot it was given; the flag stays set
            }
            if (me.admitted) {
                return new Admitted(Math.max(0, nanos.getAsLong() - start));
            }
            int position = positionOf(me);
            line.remove(me);
            return closed ? new Closed() : refused(false, position);
        } finally {
            lock.unlock();
        }
    }

    /**
     * @return the refusal a claim would get now because every slot is taken and the line is full,
     *         or {@code null}: a cheap check before the costlier work of a claim (its token), so that
     *         turning claims away costs the server as little as possible when it is overloaded
     */
    Refused refusedAtOnce() {
        lock.lock();
        try {
            return !closed && free == 0 && line.size() >= size ? refused(true, line.size() + 1) : null;
        } finally {
            lock.unlock();
        }
    }

    /** Frees the slot taken by an admitted claim: the head of the line gets it, or it is free. */
    void leave() {
        long now = nanos.getAsLong();
        decidedAt.set((int) (decided.getAndIncrement() % RATE_SAMPLES), now);
        lock.lock();
        try {
            Waiter next = line.pollFirst();
            if (next == null) {
                free++;
            } else {
                next.admitted = true;
                next.turn.signal();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Sends every waiting claim away ({@link Closed}) and every later one. */
    void close() {
        lock.lock();
        try {
            closed = true;
            for (Waiter w : line) {
                w.turn.signal();
            }
        } finally {
            lock.unlock();
        }
    }

    /** @return claims waiting now */
    int waiting() {
        lock.lock();
        try {
            return line.size();
        } finally {
            lock.unlock();
        }
    }

    /** @return claims decided per second lately, or 0 when none was decided yet */
    double decidedPerSecond() {
        long n = decided.get();
        if (n < 2) {
            return 0;
        }
        long samples = Math.min(n, RATE_SAMPLES);
        long newest = decidedAt.get((int) ((n - 1) % RATE_SAMPLES));
        long oldest = decidedAt.get((int) ((n - samples) % RATE_SAMPLES));
        // the span until now, not until the newest: when decisions stop, the rate falls
        long span = Math.max(nanos.getAsLong(), newest) - oldest;
        return span <= 0 ? 0 : (samples - 1) * 1e9 / span;
    }

    private Refused refused(boolean full, int position) {
        double rate = decidedPerSecond();
        long seconds = rate <= 0 ? 1 : (long) Math.ceil(position / rate);
        return new Refused(full, position, Math.max(1, Math.min(MAX_RETRY_AFTER_SECONDS, seconds)));
    }

    private int positionOf(Waiter me) {
        int i = 1;
        for (Iterator<Waiter> it = line.iterator(); it.hasNext(); i++) {
            if (it.next() == me) {
                return i;
            }
        }
        return i;
    }
}
