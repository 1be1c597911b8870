package dev.nbio.spi;

import dev.nbio.EventLoop;

/**
 * What the loop core offers a backend. Every method MUST be called on the loop's thread.
 */
public interface LoopContext {
    /**
     * The loop this backend serves.
     *
     * @return the loop
     */
    EventLoop loop();

    /**
     * Reports that an operation has finished (its results or failure are set). The core runs
     * its callback in this tick when called while the notifier waits, else in the next tick.
     *
     * @param op the finished operation; the backend no longer holds it
     */
    void complete(OperationRecord op);

    /**
     * Reports progress of an operation that stays pending (sendfile with progress updates):
     * the callback runs with the current counts, the operation goes on.
     *
     * @param op the operation
     */
    void progress(OperationRecord op);

    /**
     * Gives back an operation for which {@link Notifier#cancel} returned false, once the
     * backend (or the kernel) no longer uses it or its buffers.
     *
     * @param op the operation
     */
    void release(OperationRecord op);

    /**
     * The monotonic time read at the start of this tick.
     *
     * @return nanoseconds, as {@link System#nanoTime()}
     */
    long nanoTime();
}
