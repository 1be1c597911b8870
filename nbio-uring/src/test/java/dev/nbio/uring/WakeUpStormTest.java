package dev.nbio.uring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.nbio.AttachmentCallback;
import dev.nbio.EventLoop;
import dev.nbio.Operation;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Wake-ups through the eventfd poll the ring keeps armed: other threads waking the loop and
 * handing it operations while it blocks in long ticks, an idle loop that still sleeps after
 * the storm, and wake-ups that race the loop's release.
 */
class WakeUpStormTest extends UringLoopTest {
    private static final int THREADS = 4;
    private static final int PER_THREAD = 10_000;
    /** Longer than the whole test may take: a tick that lasts this long slept through a wake-up. */
    private static final Duration LONG_TICK = Duration.ofSeconds(5);
    private static final long LOST_WAKE_UP_NANOS = Duration.ofSeconds(2).toNanos();

    @TempDir
    Path dir;

    @Test
    void operationsFromFourThreadsDuringLongTicksEachRunOnce() throws InterruptedException {
        int[][] calls = new int[THREADS][PER_THREAD];
        int[] done = {0};
        AttachmentCallback<int[]> onRun = (op, id) -> {
            calls[id[0]][id[1]]++;
            done[0]++;
        };
        EventLoop target = loop;
        AtomicReference<Throwable> workerFailure = new AtomicReference<>();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            int thread = t;
            workers.add(Thread.ofPlatform().name("waker-" + t).start(() -> {
                try {
                    start.await();
                    for (int i = 0; i < PER_THREAD; i++) {
                        target.wakeUp();
                        Operation op = i % 2 == 0
                                ? target.prepNextTick(ignored -> { })
                                : target.prepTimeout(Duration.ofNanos(i % 3 * 500_000L), ignored -> { });
                        target.exec(op.withAttachment(new int[] {thread, i}, onRun), i % 4 != 3);
                    }
                } catch (Throwable e) {
                    workerFailure.compareAndSet(null, e);
                }
            }));
        }
        start.countDown();
        int total = THREADS * PER_THREAD;
        long deadline = System.nanoTime() + LIMIT.toNanos();
        while (done[0] < total) {
            rethrowCallbackErrors();
            assertNull(workerFailure.get(), () -> "a worker failed: " + workerFailure.get());
            long before = System.nanoTime();
            loop.tick(LONG_TICK);
            long took = System.nanoTime() - before;
            if (took > LOST_WAKE_UP_NANOS) {
                fail("a tick slept " + took / 1_000_000 + " ms with work queued: a wake-up was lost (" + done[0]
                        + " of " + total + " callbacks, " + loop.numWaiting() + " waiting)");
            }
            if (System.nanoTime() - deadline > 0) {
                fail("only " + done[0] + " of " + total + " callbacks within " + LIMIT);
            }
        }
        for (Thread worker : workers) {
            worker.join(LIMIT.toMillis());
        }
        assertNull(workerFailure.get(), () -> "a worker failed: " + workerFailure.get());
        loop.tick(Duration.ZERO);
        for (int t = 0; t < THREADS; t++) {
            for (int i = 0; i < PER_THREAD; i++) {
                assertEquals(1, calls[t][i], "callbacks of operation " + i + " of thread " + t);
            }
        }
        assertNothingHeld();
    }

    /**
     * After ten thousand wake-ups, an idle tick still blocks for its timeout (the multishot
     * poll of the eventfd is not left firing), and one wake-up from another thread ends a
     * long tick.
     */
    @Test
    void afterAStormAnIdleTickSleepsAndOneWakeUpEndsIt() throws InterruptedException {
        EventLoop target = loop;
        List<Thread> wakers = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            wakers.add(Thread.ofPlatform().start(() -> {
                for (int i = 0; i < PER_THREAD / 4; i++) {
                    target.wakeUp();
                }
            }));
        }
        long stormDeadline = System.nanoTime() + LIMIT.toNanos();
        while (wakers.stream().anyMatch(Thread::isAlive)) {
            loop.tick(TICK);
            assertTrue(System.nanoTime() - stormDeadline < 0, "the wakers did not finish");
        }
        for (Thread waker : wakers) {
            waker.join();
        }
        // The last writes may still have completions to come: the kernel posts them only when
        // the loop next waits in io_uring_enter (a tick of zero with nothing in flight does not
        // enter the kernel at all), and it posts every one it owes in that call. A tick that
        // waits takes them; after it, nothing more is owed.
        loop.tick(Duration.ofMillis(1));
        for (int i = 0; i < 3; i++) {
            long before = System.nanoTime();
            loop.tick(Duration.ofMillis(40));
            long took = System.nanoTime() - before;
            int idleTick = i + 1;
            assertTrue(took >= Duration.ofMillis(35).toNanos(),
                    () -> "idle tick " + idleTick + " of 3 returned after " + took / 1000 + " us");
        }
        Thread single = Thread.ofPlatform().start(target::wakeUp);
        long before = System.nanoTime();
        loop.tick(LONG_TICK);
        long took = System.nanoTime() - before;
        single.join();
        assertTrue(took < LOST_WAKE_UP_NANOS, "one wake-up did not end the tick: it lasted " + took / 1_000_000 + " ms");
    }

    /**
     * wakeUp() is safe from any thread, also while the loop is being released: it neither
     * throws on the waking thread nor makes release() throw, and it does not write into a
     * descriptor that the release freed and a new file took over.
     */
    @Test
    void wakeUpRacingTheReleaseIsHarmless() throws Exception {
        List<Throwable> releaseFailures = new ArrayList<>();
        List<Throwable> wakerFailures = new ArrayList<>();
        List<String> overwritten = new ArrayList<>();
        int rounds = 50;
        for (int round = 0; round < rounds; round++) {
            EventLoop raced = loop;
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong wakeUps = new AtomicLong();
            AtomicReference<Throwable> wakerFailure = new AtomicReference<>();
            Thread waker = Thread.ofPlatform().name("release-racer").start(() -> {
                while (!stop.get()) {
                    try {
                        raced.wakeUp();
                    } catch (Throwable e) {
                        wakerFailure.compareAndSet(null, e);
                        return;
                    }
                    wakeUps.incrementAndGet();
                }
            });
            while (wakeUps.get() < 100 && waker.isAlive()) {
                Thread.onSpinWait();
            }
            try {
                raced.release();
            } catch (Throwable e) {
                releaseFailures.add(e);
            }
            // New files take the lowest free descriptors: those of the ring and the eventfd just closed.
            List<Path> reused = List.of(dir.resolve("reuse-" + round + "-a"), dir.resolve("reuse-" + round + "-b"));
            List<FileChannel> channels = new ArrayList<>();
            for (Path path : reused) {
                channels.add(FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE));
            }
            long after = wakeUps.get();
            while (wakeUps.get() < after + 100 && waker.isAlive()) {
                Thread.onSpinWait();
            }
            stop.set(true);
            waker.join(LIMIT.toMillis());
            for (FileChannel channel : channels) {
                channel.close();
            }
            if (wakerFailure.get() != null) {
                wakerFailures.add(wakerFailure.get());
            }
            for (Path path : reused) {
                if (Files.size(path) != 0) {
                    overwritten.add(path.getFileName().toString());
                }
            }
            releaseCompletely();
            loop = EventLoop.acquire(UringNotifierProvider.NAME);
            loop.errorHandler((op, error) -> callbackErrors.add(error));
        }
        String summary = "of " + rounds + " releases raced by wakeUp(): release() threw in " + releaseFailures.size()
                + ", wakeUp() threw in " + wakerFailures.size() + ", a wake-up wrote into a file that took over a "
                + "closed descriptor in " + overwritten.size() + " " + overwritten;
        AssertionError failure = null;
        if (!releaseFailures.isEmpty()) {
            failure = new AssertionError(summary + "; first release() failure is the cause", releaseFailures.getFirst());
        } else if (!wakerFailures.isEmpty()) {
            failure = new AssertionError(summary + "; first wakeUp() failure is the cause", wakerFailures.getFirst());
        } else if (!overwritten.isEmpty()) {
            failure = new AssertionError(summary);
        }
        if (failure != null) {
            if (!wakerFailures.isEmpty()) {
                failure.addSuppressed(wakerFailures.getFirst());
            }
            throw failure;
        }
    }
}
