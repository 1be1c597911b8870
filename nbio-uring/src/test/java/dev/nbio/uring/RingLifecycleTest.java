package dev.nbio.uring;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nbio.EventLoop;
import dev.nbio.Operation;
import dev.nbio.UdpSocket;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A ring per loop, owned by the loop's thread: loops come and go without leaving
 * descriptors behind, even when released with operations still in the kernel, and loops on
 * several threads at once each use their own ring (set up SINGLE_ISSUER, so entering another
 * thread's ring would fail).
 */
class RingLifecycleTest extends UringLoopTest {

    @Test
    void acquiringAndReleasingLoopsLeavesNoDescriptorOpen() {
        releaseCompletely();
        long before = openKernelObjects();
        for (int i = 0; i < 50; i++) {
            EventLoop.acquire(UringNotifierProvider.NAME);
            releaseCompletely();
        }
        assertEquals(before, openKernelObjects(), "descriptors left by 50 loops (each has a ring and an eventfd)");
        loop = EventLoop.acquire(UringNotifierProvider.NAME);
    }

    @Test
    void releasingALoopWithReceivesInTheKernelClosesItsRing() throws IOException {
        releaseCompletely();
        long before = openKernelObjects();
        loop = EventLoop.acquire(UringNotifierProvider.NAME);
        List<UdpSocket> sockets = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            UdpSocket socket = loop.bindUdp(loopback());
            sockets.add(socket);
            loop.recv(socket, ByteBuffer.allocate(32), (Operation op) -> { });
        }
        loop.tick(Duration.ZERO);
        assertEquals(1000, UringInternals.slotsInUse(loop));
        releaseCompletely();
        for (UdpSocket socket : sockets) {
            socket.handle().close();
        }
        assertEquals(before, openKernelObjects(), "descriptors left after releasing a busy loop and closing its sockets");
        loop = EventLoop.acquire(UringNotifierProvider.NAME);
    }

    @Test
    void fourThreadsEachRunTheirOwnLoop() throws InterruptedException {
        List<Thread> threads = new ArrayList<>();
        List<AtomicReference<Throwable>> failures = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            AtomicReference<Throwable> failure = new AtomicReference<>();
            failures.add(failure);
            long seed = t;
            threads.add(Thread.ofPlatform().name("own-loop-" + t).start(() -> {
                try {
                    runOneLoop(seed);
                } catch (Throwable e) {
                    failure.set(e);
                } finally {
                    releaseCompletely();
                }
            }));
        }
        for (Thread thread : threads) {
            thread.join(LIMIT.toMillis());
        }
        for (AtomicReference<Throwable> failure : failures) {
            assertNull(failure.get(), () -> "a loop thread failed: " + failure.get());
        }
    }

    /** On the calling thread: its own loop, 50 datagrams (few enough to fit the receive buffer) and 50 timers. */
    private static void runOneLoop(long seed) throws IOException {
        EventLoop own = EventLoop.acquire(UringNotifierProvider.NAME);
        UdpSocket a = own.bindUdp(loopback());
        UdpSocket b = own.bindUdp(loopback());
        byte[] data = new byte[1000];
        new Random(seed).nextBytes(data);
        int[] done = {0};
        List<String> wrong = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            ByteBuffer in = ByteBuffer.allocate(2000);
            own.recv(b, in, (Operation op) -> {
                byte[] got = new byte[op.recv().received()];
                in.flip().get(got);
                if (!java.util.Arrays.equals(data, got)) {
                    wrong.add("datagram of " + got.length + " bytes differs");
                }
                done[0]++;
            });
            own.sendTo(a, ByteBuffer.wrap(data), b.localAddress(), (Operation op) -> done[0]++);
            own.timeout(Duration.ofMillis(i % 10), (Operation op) -> done[0]++);
        }
        long deadline = System.nanoTime() + LIMIT.toNanos();
        while (done[0] < 150 && System.nanoTime() - deadline < 0) {
            own.tick(TICK);
        }
        assertEquals(150, done[0], "callbacks on " + Thread.currentThread().getName());
        assertTrue(wrong.isEmpty(), () -> wrong.getFirst());
        assertArrayEquals(new int[] {0, 0}, new int[] {own.numWaiting(), UringInternals.slotsInUse(own)});
        a.handle().close();
        b.handle().close();
    }
}
