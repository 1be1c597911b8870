package dev.nbio.tck;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.function.Executable;

/** Running a step of a test on another thread and waiting for it, passing on what it returned or threw. */
final class OtherThreads {
    private OtherThreads() {
    }

    /**
     * Runs {@code task} on a new platform thread and waits for it.
     *
     * @param name the thread's name, which exceptions about the wrong thread may quote
     * @param task the work
     * @param <T>  the result type
     * @return what the task returned
     * @throws Exception what the task threw
     */
    static <T> T onOtherThread(String name, Callable<T> task) throws Exception {
        FutureTask<T> future = new FutureTask<>(task);
        Thread.ofPlatform().name(name).start(future);
        return await(future, "thread " + name);
    }

    /**
     * Runs {@code step} on a new platform thread and waits for it.
     *
     * @param name the thread's name
     * @param step the work
     * @throws Exception what the step threw
     */
    static void runOnOtherThread(String name, Executable step) throws Exception {
        onOtherThread(name, () -> {
            try {
                step.execute();
            } catch (Exception | Error e) {
                throw e;
            } catch (Throwable t) {
                throw new AssertionError(t);
            }
            return null;
        });
    }

    /**
     * Waits at most {@link LoopTest#LIMIT} for a step running on another thread, passing on
     * what it returned or threw; a step that takes longer is interrupted and fails the test.
     *
     * @param step  the step's future
     * @param where the thread it runs on, for the failure message
     * @param <T>   the result type
     * @return what the step returned
     * @throws Exception what the step threw
     */
    static <T> T await(Future<T> step, String where) throws Exception {
        try {
            return step.get(LoopTest.LIMIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw e;
        } catch (TimeoutException e) {
            step.cancel(true);
            return fail("the step on " + where + " did not finish within " + LoopTest.LIMIT, e);
        }
    }
}
