package dev.nbio.tck;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.nbio.EventLoop;
import dev.nbio.IoHandle;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.BooleanSupplier;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.function.Executable;

/**
 * Helpers shared by the loop-semantics tests (callbacks, removal, detach, threads, misuse,
 * lifecycle): message checks for misuse exceptions, running a step on another thread, and
 * ticking for a span of time.
 */
final class SemanticsChecks {
    private static final Duration TICK = Duration.ofMillis(10);

    private SemanticsChecks() {
    }

    /**
     * Asserts that {@code call} throws {@code type} and that the message names the problem:
     * it must contain at least one of {@code words}, ignoring case.
     *
     * @param type  the expected exception type
     * @param call  the misuse
     * @param words what the message may say; one is enough
     * @param <T>   the exception type
     * @return the exception
     */
    static <T extends Throwable> T assertThrowsMentioning(Class<T> type, Executable call, String... words) {
        return assertThrowsMentioning("the call", type, call, words);
    }

    /**
     * As {@link #assertThrowsMentioning(Class, Executable, String...)}, naming the misuse in
     * the failure message.
     *
     * @param what  the misuse, for the failure message
     * @param type  the expected exception type
     * @param call  the misuse
     * @param words what the message may say; one is enough
     * @param <T>   the exception type
     * @return the exception
     */
    static <T extends Throwable> T assertThrowsMentioning(String what, Class<T> type, Executable call,
                                                          String... words) {
        T thrown = assertThrows(type, call, () -> what + " should throw " + type.getSimpleName());
        String message = String.valueOf(thrown.getMessage()).toLowerCase(Locale.ROOT);
        for (String word : words) {
            if (message.contains(word.toLowerCase(Locale.ROOT))) {
                return thrown;
            }
        }
        return fail(what + ": the " + type.getSimpleName() + "'s message should mention one of "
                + Arrays.toString(words) + " but was: " + thrown.getMessage(), thrown);
    }

    /**
     * Runs {@code task} on a new platform thread and waits for it (at most {@link LoopTest#LIMIT}),
     * passing on what it returned or threw.
     *
     * @param name the thread's name, which exceptions about the wrong thread may quote
     * @param task the work
     * @param <T>  the result type
     * @return what the task returned
     * @throws Exception what the task threw
     */
    static <T> T onOtherThread(String name, Callable<T> task) throws Exception {
        FutureTask<T> future = new FutureTask<>(task);
        Thread thread = Thread.ofPlatform().name(name).start(future);
        try {
            return future.get(LoopTest.LIMIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw e;
        } catch (TimeoutException e) {
            thread.interrupt();
            return fail("the step on thread " + name + " did not finish within " + LoopTest.LIMIT);
        }
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
     * Ticks {@code loop} until {@code span} has passed, so that anything due in that span
     * (a callback that should not come, for instance) had its chance to run.
     *
     * @param loop the loop of the calling thread
     * @param span how long to keep ticking
     */
    static void tickFor(EventLoop loop, Duration span) {
        long end = System.nanoTime() + span.toNanos();
        while (end - System.nanoTime() > 0) {
            loop.tick(TICK);
        }
    }

    /**
     * Ticks {@code loop} until the condition holds; fails after {@link LoopTest#LIMIT}.
     *
     * @param loop      the loop of the calling thread
     * @param condition what to wait for
     */
    static void tickUntil(EventLoop loop, BooleanSupplier condition) {
        long deadline = System.nanoTime() + LoopTest.LIMIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail("condition not reached within " + LoopTest.LIMIT
                        + " (" + loop.numWaiting() + " operations waiting)");
            }
            loop.tick(TICK);
        }
    }

    /**
     * Leaves all but the first of {@code bytes} waiting in the server side's receive buffer:
     * the client sends them in one piece and the server receives exactly one byte, so the
     * rest has certainly arrived. A receive started afterwards has its data at hand at once.
     *
     * @param loop  the loop of the calling thread
     * @param pair  the connection
     * @param bytes at least two bytes
     */
    static void leaveBytesWaitingAtServer(EventLoop loop, SocketPair pair, byte[] bytes) {
        boolean[] sent = {false};
        ByteBuffer first = ByteBuffer.allocate(1);
        int[] received = {-1};
        loop.send(pair.client(), ByteBuffer.wrap(bytes), op -> {
            assertFalse(op.failed(), () -> "send failed: " + op.error());
            sent[0] = true;
        });
        loop.recv(pair.server(), first, op -> {
            assertFalse(op.failed(), () -> "recv failed: " + op.error());
            received[0] = op.recv().received();
        });
        tickUntil(loop, () -> sent[0] && received[0] >= 0);
        assertEquals(1, received[0], "a 1-byte buffer receives 1 byte");
        assertEquals(bytes[0], first.get(0));
    }

    /**
     * Closes a handle at once, outside the loop, ignoring failures: for cleaning up after a test.
     *
     * @param handle the handle, or {@code null}
     */
    static void closeNow(IoHandle handle) {
        if (handle == null) {
            return;
        }
        try {
            handle.handle().close();
        } catch (IOException | RuntimeException ignored) {
            // cleanup only: a handle that is already closed changes nothing
        }
    }
}
