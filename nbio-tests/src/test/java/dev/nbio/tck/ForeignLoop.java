package dev.nbio.tck;

import dev.nbio.EventLoop;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A second event loop, on a thread of its own, for tests that need something belonging to
 * another loop (an operation, a handle). Work for it runs on its thread through
 * {@link #call}; closing releases the loop on that thread and ends the thread.
 */
final class ForeignLoop implements AutoCloseable {
    private final ExecutorService thread;
    private final EventLoop loop;

    /**
     * Starts the thread and acquires a loop on it.
     *
     * @param backend the backend of the loop
     * @throws Exception when the loop cannot be acquired
     */
    ForeignLoop(String backend) throws Exception {
        thread = Executors.newSingleThreadExecutor(r -> new Thread(r, "foreign-loop"));
        try {
            loop = call(() -> EventLoop.acquire(backend));
        } catch (Exception | Error e) {
            thread.shutdownNow();
            throw e;
        }
    }

    /**
     * The other loop. Its loop-thread methods must go through {@link #call}.
     *
     * @return the loop
     */
    EventLoop loop() {
        return loop;
    }

    /**
     * Runs a step on the other loop's thread and waits for it.
     *
     * @param step what to do there
     * @param <T>  the result type
     * @return what the step returned
     * @throws Exception what the step threw
     */
    <T> T call(Callable<T> step) throws Exception {
        return OtherThreads.await(thread.submit(step), "the foreign loop's thread");
    }

    /** Releases the loop on its thread and stops the thread. */
    @Override
    public void close() {
        try {
            call(() -> {
                loop.release();
                return null;
            });
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("could not release the foreign loop", e);
        } finally {
            thread.shutdown();
        }
    }
}
