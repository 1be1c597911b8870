package dev.nbio.uring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.fail;

import dev.nbio.EventLoop;
import dev.nbio.IoHandle;
import dev.nbio.Operation;
import dev.nbio.TcpSocket;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * The base of the io_uring backend's own tests (the conformance suite in nbio-tests covers
 * what every backend shares): the test thread's loop on {@code uring}, released completely
 * after each test, with callback failures surfacing in {@link #tickUntil}.
 */
abstract class UringLoopTest {
    /** How long a test may tick before it is declared stuck. */
    static final Duration LIMIT = Duration.ofSeconds(10);
    /** The longest one tick of {@link #tickUntil} blocks. */
    static final Duration TICK = Duration.ofMillis(50);

    /** The test thread's loop on the uring backend. */
    EventLoop loop;
    /** What callbacks threw (assertions inside callbacks land here). */
    final List<Throwable> callbackErrors = new ArrayList<>();

    @BeforeEach
    void acquireUringLoop() {
        loop = EventLoop.acquire(UringNotifierProvider.NAME);
        loop.errorHandler((op, error) -> callbackErrors.add(error));
    }

    @AfterEach
    void releaseUringLoop() {
        if (loop == null) {
            return;
        }
        releaseCompletely();
        rethrowCallbackErrors();
    }

    /** Releases the test thread's loop until none is left, as LoopTest in nbio-tests does. */
    static void releaseCompletely() {
        while (true) {
            EventLoop current;
            try {
                current = EventLoop.current();
            } catch (IllegalStateException released) {
                return;
            }
            current.release();
        }
    }

    /** Fails the test with the first error a callback threw. */
    void rethrowCallbackErrors() {
        if (!callbackErrors.isEmpty()) {
            AssertionError error = new AssertionError(callbackErrors.size() + " callback(s) threw; the first is the cause",
                    callbackErrors.getFirst());
            callbackErrors.clear();
            throw error;
        }
    }

    /**
     * Ticks until the condition holds; fails after {@link #LIMIT}, or as soon as a callback threw.
     *
     * @param what      what is waited for, for the failure message
     * @param condition the condition
     */
    void tickUntil(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + LIMIT.toNanos();
        while (!condition.getAsBoolean()) {
            rethrowCallbackErrors();
            if (System.nanoTime() - deadline > 0) {
                fail("not reached within " + LIMIT + ": " + what + " (" + loop.numWaiting() + " operations waiting)");
            }
            loop.tick(TICK);
        }
        rethrowCallbackErrors();
    }

    /** An IPv4 loopback address with any free port. */
    static InetSocketAddress loopback() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    }

    /** A connected TCP pair made with the loop's own listen, accept and dial; close it to close all three. */
    record TcpPair(TcpSocket listener, TcpSocket server, TcpSocket client) implements AutoCloseable {
        @Override
        public void close() {
            for (TcpSocket socket : List.of(client, server, listener)) {
                try {
                    socket.handle().close();
                } catch (IOException | RuntimeException ignored) {
                    // The test is over; a socket that is already closed changes nothing.
                }
            }
        }
    }

    TcpPair tcpPair() throws IOException {
        TcpSocket listener = loop.listenTcp(loopback());
        TcpSocket[] sides = new TcpSocket[2];
        loop.accept(listener, (Operation op) -> {
            assertFalse(op.failed(), () -> "accept failed: " + op.error());
            sides[0] = op.accept().client();
        });
        loop.dial(listener.localAddress(), (Operation op) -> {
            assertFalse(op.failed(), () -> "dial failed: " + op.error());
            sides[1] = op.dial().socket();
        });
        tickUntil("accept and dial", () -> sides[0] != null && sides[1] != null);
        assertNotNull(sides[0]);
        return new TcpPair(listener, sides[0], sides[1]);
    }

    /** How many file descriptors this process has open now. */
    static long openDescriptors() {
        try (Stream<Path> entries = Files.list(Path.of("/proc/self/fd"))) {
            return entries.count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * How many sockets, io_uring instances and eventfds this process has open: the
     * descriptors the backend makes, without the files the JVM opens lazily (jars, for one).
     */
    static long openKernelObjects() {
        try (Stream<Path> entries = Files.list(Path.of("/proc/self/fd"))) {
            return entries.filter(UringLoopTest::isKernelObject).count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean isKernelObject(Path descriptor) {
        try {
            String target = Files.readSymbolicLink(descriptor).toString();
            return target.startsWith("socket:") || target.startsWith("anon_inode:");
        } catch (IOException closedMeanwhile) {
            return false;
        }
    }

    /** The soft limit on open files (ulimit -n) of this process, from /proc/self/limits. */
    static long openFileLimit() {
        try (Stream<String> lines = Files.lines(Path.of("/proc/self/limits"))) {
            String line = lines.filter(l -> l.startsWith("Max open files")).findFirst().orElseThrow();
            String soft = line.substring("Max open files".length()).trim().split("\\s+")[0];
            return soft.equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(soft);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Replaces the test's loop with one whose ring is set up while {@code property} has
     * {@code value} (the backend reads its setup properties when a loop's ring is created).
     */
    void reacquireWith(String property, String value) {
        reacquireWith(Map.of(property, value));
    }

    /** Replaces the test's loop with one whose ring is set up while the given system properties hold. */
    void reacquireWith(Map<String, String> properties) {
        releaseCompletely();
        Map<String, String> before = new HashMap<>();
        properties.forEach((name, value) -> {
            before.put(name, System.getProperty(name));
            System.setProperty(name, value);
        });
        try {
            loop = EventLoop.acquire(UringNotifierProvider.NAME);
            loop.errorHandler((op, error) -> callbackErrors.add(error));
        } finally {
            before.forEach((name, value) -> {
                if (value == null) {
                    System.clearProperty(name);
                } else {
                    System.setProperty(name, value);
                }
            });
        }
    }

    /** Closes every handle with the loop's close operation, all in one burst, and waits for every callback. */
    void closeThroughTheLoop(List<? extends IoHandle> handles) {
        int[] closed = {0};
        for (IoHandle handle : handles) {
            loop.close(handle, (Operation op) -> {
                assertNull(op.close().error(), () -> "close of " + handle + " failed: " + op.close().error());
                closed[0]++;
            });
        }
        tickUntil("close callbacks (" + closed[0] + " of " + handles.size() + ")", () -> closed[0] == handles.size());
    }

    /** Checks that the loop has nothing waiting and the backend holds no slot: nothing leaked. */
    void assertNothingHeld() {
        assertEquals(0, loop.numWaiting(), "operations still waiting");
        assertEquals(0, UringInternals.slotsInUse(loop), "the backend still holds slots (native scratch) of finished "
                + "operations");
    }
}
