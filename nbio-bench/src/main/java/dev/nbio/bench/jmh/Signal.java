package dev.nbio.bench.jmh;

import java.util.concurrent.locks.LockSupport;

/**
 * A one-waiter, reusable completion flag between two threads: the benchmark thread arms it,
 * hands work to a loop thread, and parks until the loop thread fires it. Parking (not
 * spinning) matters: the benchmarks run pinned to one core, where a spinning waiter would
 * take the core from the thread it waits for.
 */
final class Signal {
    private volatile boolean fired;
    private volatile Thread waiter;
    private volatile Throwable failure;

    /** Arms the flag; call before handing out the work that fires it. */
    void arm() {
        fired = false;
        failure = null;
        waiter = Thread.currentThread();
    }

    /** Fires the flag and wakes the waiter. Any thread. */
    void fire() {
        fired = true;
        Thread parked = waiter;
        if (parked != null) {
            LockSupport.unpark(parked);
        }
    }

    /**
     * Fires the flag with a failure, which {@link #await} then throws.
     *
     * @param cause what went wrong on the loop thread
     */
    void fail(Throwable cause) {
        failure = cause;
        fire();
    }

    /** Parks until fired; throws what {@link #fail} was given. */
    void await() {
        while (!fired) {
            LockSupport.park(this);
        }
        waiter = null;
        Throwable cause = failure;
        if (cause != null) {
            throw new IllegalStateException("the loop thread failed: " + cause, cause);
        }
    }
}
