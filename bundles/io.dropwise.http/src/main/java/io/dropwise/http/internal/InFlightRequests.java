package io.dropwise.http.internal;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Counts the requests running in a servlet so that, when it is taken out of service, it can wait
 * for them to finish (bounded) and turn new ones away.
 */
final class InFlightRequests {

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition idle = lock.newCondition();
    private int running;
    private boolean draining;

    /** @return {@code true} when the request may run; it must then call {@link #exit()} */
    boolean enter() {
        lock.lock();
        try {
            if (draining) {
                return false;
            }
            running++;
            return true;
        } finally {
            lock.unlock();
        }
    }

    void exit() {
        lock.lock();
        try {
            if (--running == 0) {
                idle.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Turns new requests away and waits for the running ones.
     *
     * @param timeout how long to wait at most
     * @param unit the unit of the timeout
     * @return the number of requests still running when the wait ended (0 when all finished)
     */
    int drain(long timeout, TimeUnit unit) throws InterruptedException {
        lock.lock();
        try {
            draining = true;
            long nanos = unit.toNanos(timeout);
            while (running > 0 && nanos > 0) {
                nanos = idle.awaitNanos(nanos);
            }
            return running;
        } finally {
            lock.unlock();
        }
    }

    int running() {
        lock.lock();
        try {
            return running;
        } finally {
            lock.unlock();
        }
    }
}
