package dev.nbio.tck;

import static dev.nbio.tck.OtherThreads.onOtherThread;
import static dev.nbio.tck.OtherThreads.runOnOtherThread;
import static dev.nbio.tck.Ticking.tickFor;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nbio.Operation;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Operations from other threads: prepared on either thread and executed from another, they
 * are queued to the loop, counted as waiting, run on the loop's thread and can be removed
 * before they start; {@code wakeUp} and {@code exec(op, true)} end a blocked tick at once.
 */
@ParameterizedClass(name = "{0}")
@MethodSource("dev.nbio.tck.Backends#names")
class CrossThreadTest extends LoopTest {
    /** A tick this long must be cut short by a wake-up, far sooner than it would end by itself. */
    private static final Duration LONG_TICK = Duration.ofSeconds(5);
    /** How soon a woken tick must return: well before {@link #LONG_TICK}, with room for a slow machine. */
    private static final Duration PROMPTLY = Duration.ofSeconds(1);

    /** A callback that records the threads it runs on. */
    private static Recorder<Thread> threadRecorder() {
        return Recorder.of(op -> Thread.currentThread());
    }

    @Test
    void anOperationPreparedOnTheLoopThreadCanBeExecutedFromAnother() throws Exception {
        Recorder<Thread> callback = threadRecorder();
        Operation timeout = loop.prepTimeout(Duration.ZERO, callback);
        Operation returned = onOtherThread("worker", () -> loop.exec(timeout));
        assertSame(timeout, returned);
        tickUntil(callback::called);
        tickFor(loop, Duration.ofMillis(20));
        assertEquals(List.of(loop.thread()), callback.calls(), "the callback runs once, on the loop's thread");
    }

    @Test
    void anOperationPreparedAndExecutedOnAnotherThreadRunsOnTheLoopThread() throws Exception {
        List<Object> seen = new ArrayList<>();
        runOnOtherThread("worker", () -> loop.exec(loop.prepNextTick(op -> { })
                .userData("from the worker")
                .withAttachment(seen, (op, log) -> {
                    log.add(op.userData());
                    log.add(Thread.currentThread());
                })));
        tickUntil(() -> !seen.isEmpty());
        assertEquals(List.of("from the worker", loop.thread()), seen);
    }

    @Test
    void operationMethodsCalledFromAnotherThreadRunOnTheLoopThread() throws Exception {
        try (SocketPair pair = SocketPair.open(loop, loopback())) {
            byte[] message = "from a worker".getBytes(US_ASCII);
            Recorder<Thread> sent = threadRecorder();
            Recorder<Thread> ticked = threadRecorder();
            runOnOtherThread("worker", () -> {
                loop.send(pair.client(), ByteBuffer.wrap(message), sent);
                loop.nextTick(ticked);
            });
            ByteBuffer received = ByteBuffer.allocate(message.length);
            boolean[] done = {false};
            loop.recv(pair.server(), received, true, null, op -> done[0] = !op.failed());
            tickUntil(() -> done[0] && sent.called() && ticked.called());
            assertArrayEquals(message, received.array());
            assertEquals(List.of(loop.thread()), sent.calls());
            assertEquals(List.of(loop.thread()), ticked.calls());
        }
    }

    @Test
    void numWaitingCountsOperationsQueuedFromOtherThreads() throws Exception {
        runOnOtherThread("worker", () -> loop.timeout(Duration.ofMillis(20), op -> { }));
        assertEquals(1, loop.numWaiting(), "an operation queued from another thread is waiting");
        runToCompletion();
    }

    @Test
    void runDoesNotReturnBeforeOperationsQueuedFromOtherThreadsFinish() throws Exception {
        Recorder<Thread> timedOut = threadRecorder();
        Recorder<Thread> ticked = threadRecorder();
        runOnOtherThread("worker", () -> {
            loop.timeout(Duration.ofMillis(20), timedOut);
            loop.nextTick(ticked);
        });
        loop.run();
        assertEquals(List.of(loop.thread()), ticked.calls(), "run() returned before the queued nextTick ran");
        assertEquals(List.of(loop.thread()), timedOut.calls(), "run() returned before the queued timeout ran");
        assertEquals(0, loop.numWaiting());
    }

    @Test
    void anOperationQueuedFromAnotherThreadCanBeRemovedBeforeItStarts() throws Exception {
        Recorder<Thread> callback = threadRecorder();
        Operation timeout = loop.prepTimeout(Duration.ZERO, callback);
        runOnOtherThread("worker", () -> loop.exec(timeout));
        loop.remove(timeout);
        assertEquals(0, loop.numWaiting());
        tickFor(loop, Duration.ofMillis(50));
        assertEquals(List.of(), callback.calls(), "the removed operation called back");
        assertEquals(0, loop.numWaiting());
    }

    @Test
    void anOperationPreparedAndQueuedByAnotherThreadCanBeRemovedBeforeItStarts() throws Exception {
        Recorder<Thread> callback = threadRecorder();
        Operation nextTick = onOtherThread("worker", () -> loop.nextTick(callback));
        loop.remove(nextTick);
        tickFor(loop, Duration.ofMillis(50));
        assertEquals(List.of(), callback.calls(), "the removed operation called back");
        assertEquals(0, loop.numWaiting());
    }

    @Test
    void execWithoutWakeUpStillRunsInALaterTick() throws Exception {
        Recorder<Thread> callback = threadRecorder();
        runOnOtherThread("worker", () -> loop.exec(loop.prepNextTick(callback), false));
        tickUntil(callback::called);
        assertEquals(List.of(loop.thread()), callback.calls());
    }

    @Test
    void wakeUpFromAnotherThreadEndsABlockedTickPromptly() throws Exception {
        assertEndsABlockedTickPromptly(loop::wakeUp);
    }

    @Test
    void execWithWakeUpFromAnotherThreadEndsABlockedTickPromptly() throws Exception {
        Recorder<Thread> callback = threadRecorder();
        assertEndsABlockedTickPromptly(() -> loop.exec(loop.prepNextTick(callback), true));
        tickUntil(callback::called);
        assertEquals(List.of(loop.thread()), callback.calls());
    }

    @Test
    void anOperationWhoseExecEndedTheWaitIsCalledBackInThatTick() throws Exception {
        // The woken tick starts the queued next-tick and runs its callback: no second tick
        // (and on uring no second io_uring_enter) per hop between loops.
        Recorder<Thread> callback = threadRecorder();
        assertEndsABlockedTickPromptly(() -> loop.exec(loop.prepNextTick(callback), true));
        assertEquals(List.of(loop.thread()), callback.calls(), "the callback did not run in the woken tick");
    }

    @Test
    void operationsQueuedWhileTheLoopFallsAsleepAndWakesAreNeverLeftWaiting() throws Exception {
        // Another thread wakes the loop only when it may be blocked. Queued at every moment of
        // the loop's ticks, no operation may wait for a long tick to run out.
        int hops = 20_000;
        Relay relay = new Relay();
        Thread sender = Thread.ofPlatform().daemon().name("sender").start(() -> {
            SplittableRandom random = new SplittableRandom(5);
            for (int i = 1; i <= hops; i++) {
                // Each hop waits for the one before and then a few microseconds more or less,
                // so the queueing meets the loop at every point of its way into the wait.
                long expected = i - 1;
                while (relay.calls != expected) {
                    Thread.onSpinWait();
                }
                long until = System.nanoTime() + random.nextInt(20_000);
                while (System.nanoTime() - until < 0) {
                    Thread.onSpinWait();
                }
                loop.nextTick(relay, CrossThreadTest::onHop);
            }
        });
        long slowest = 0;
        long end = System.nanoTime() + LIMIT.toNanos();
        while (relay.calls < hops && System.nanoTime() - end < 0) {
            long start = System.nanoTime();
            loop.tick(LONG_TICK);
            slowest = Math.max(slowest, System.nanoTime() - start);
        }
        sender.join(LIMIT.toMillis());
        assertEquals(hops, relay.calls, "callbacks run");
        assertTrue(slowest < PROMPTLY.toNanos(), "a tick waited " + slowest / 1_000_000
                + " ms with an operation queued by another thread");
        assertEquals(0, loop.numWaiting());
    }

    /** Counts callbacks; written on the loop's thread, read by the sender. */
    private static final class Relay {
        volatile long calls;
    }

    private static void onHop(Operation op, Relay relay) {
        relay.calls++;
    }

    @Test
    void aWakeUpJustBeforeTheTickBlocksIsNotLost() throws Exception {
        // Another thread cannot know whether the loop is already waiting: a wake-up that
        // comes just before the wait must end it too, or cross-thread exec could stall.
        runOnOtherThread("waker", loop::wakeUp);
        long start = System.nanoTime();
        loop.tick(LONG_TICK);
        long elapsed = System.nanoTime() - start;
        assertTrue(elapsed < PROMPTLY.toNanos(),
                "the tick ignored an earlier wake-up and took " + elapsed / 1_000_000 + " ms");
    }

    /**
     * Blocks the loop in a long tick with nothing to do while another thread, once it sees
     * the loop waiting in its backend, runs {@code wake}; the tick must return promptly.
     */
    private void assertEndsABlockedTickPromptly(Runnable wake) throws Exception {
        Thread loopThread = Thread.currentThread();
        boolean[] sawItWaiting = {false};
        Throwable[] failure = {null};
        Thread waker = Thread.ofPlatform().daemon().name("waker").start(() -> {
            try {
                sawItWaiting[0] = waitUntilWaitingInBackend(loopThread);
                wake.run();
            } catch (RuntimeException | Error e) {
                failure[0] = e;
            }
        });
        long start = System.nanoTime();
        loop.tick(LONG_TICK);
        long elapsed = System.nanoTime() - start;
        waker.join(LIMIT.toMillis());
        assertFalse(waker.isAlive(), "the waking thread did not finish");
        assertEquals(null, failure[0], "waking from another thread threw");
        assertTrue(sawItWaiting[0], "the loop never waited in its backend during a 5 s tick with nothing to do");
        assertTrue(elapsed < PROMPTLY.toNanos(), "the woken tick returned after " + elapsed / 1_000_000 + " ms");
    }

    /**
     * Waits, up to {@link #PROMPTLY}, until the loop thread is inside its backend's wait:
     * a frame named {@code await} of an nbio class other than the loop core.
     *
     * @return whether it was seen there
     */
    private static boolean waitUntilWaitingInBackend(Thread loopThread) {
        long end = System.nanoTime() + PROMPTLY.toNanos();
        while (end - System.nanoTime() > 0) {
            for (StackTraceElement frame : loopThread.getStackTrace()) {
                if (frame.getMethodName().equals("await") && frame.getClassName().startsWith("dev.nbio.")
                        && !frame.getClassName().startsWith("dev.nbio.internal.Loop")) {
                    return true;
                }
            }
            Thread.onSpinWait();
        }
        return false;
    }

    @Test
    void operationsQueuedByManyThreadsAtOnceEachRunOnceOnTheLoopThread() throws Exception {
        int threads = 4;
        int perThread = 250;
        int[] calls = new int[threads * perThread];
        List<Thread> wrongThreads = new ArrayList<>();
        int[] total = {0};
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int first = t * perThread;
            workers.add(Thread.ofPlatform().daemon().name("worker-" + t).start(() -> {
                awaitQuietly(go);
                for (int i = first; i < first + perThread; i++) {
                    loop.nextTick(i, (op, id) -> {
                        calls[id]++;
                        total[0]++;
                        if (Thread.currentThread() != loop.thread()) {
                            wrongThreads.add(Thread.currentThread());
                        }
                    });
                }
            }));
        }
        go.countDown();
        // The loop ticks while the workers are still queueing.
        tickUntil(() -> total[0] == calls.length);
        for (Thread worker : workers) {
            worker.join(LIMIT.toMillis());
        }
        tickFor(loop, Duration.ofMillis(20));
        for (int id = 0; id < calls.length; id++) {
            assertEquals(1, calls[id], "callback " + id + " ran " + calls[id] + " times");
        }
        assertEquals(List.of(), wrongThreads);
        assertEquals(0, loop.numWaiting());
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void sendsQueuedByOneThreadRunInOrder() throws Exception {
        try (SocketPair pair = SocketPair.open(loop, loopback())) {
            int messages = 50;
            runOnOtherThread("worker", () -> {
                for (int i = 0; i < messages; i++) {
                    loop.send(pair.client(), ByteBuffer.wrap(new byte[] {(byte) i}), op -> { });
                }
            });
            ByteBuffer received = ByteBuffer.allocate(messages);
            boolean[] done = {false};
            loop.recv(pair.server(), received, true, null, op -> done[0] = true);
            tickUntil(() -> done[0]);
            for (int i = 0; i < messages; i++) {
                assertEquals(i, received.get(i), "sends queued by one thread ran out of order");
            }
        }
    }
}
