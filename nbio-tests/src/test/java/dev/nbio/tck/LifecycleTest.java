package dev.nbio.tck;

import static dev.nbio.tck.OpenHandles.closeNow;
import static dev.nbio.tck.OtherThreads.onOtherThread;
import static dev.nbio.tck.OtherThreads.runOnOtherThread;
import static dev.nbio.tck.SemanticsChecks.assertThrowsMentioning;
import static dev.nbio.tck.Ticking.tickFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nbio.BackendInfo;
import dev.nbio.BackendUnavailableException;
import dev.nbio.Callback;
import dev.nbio.EventLoop;
import dev.nbio.Operation;
import dev.nbio.OperationKind;
import dev.nbio.TcpSocket;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The life of a loop: per-thread reference counting, {@code current()}, running until
 * nothing waits or a condition holds, callbacks that throw, and choosing a backend (by
 * name, by the {@code nbio.backend} property, or automatically).
 */
@ParameterizedClass(name = "{0}")
@MethodSource("dev.nbio.tck.Backends#names")
class LifecycleTest extends LoopTest {
    private static final String UNKNOWN = "no-such-backend";

    @Test
    void acquireIsReferenceCountedPerThread() {
        EventLoop first = loop;
        assertSame(first, EventLoop.acquire(backend), "a second acquire on the same thread returns the same loop");
        assertSame(first, EventLoop.acquire(), "acquire() without a name returns the thread's loop too");
        assertSame(first, EventLoop.current());
        first.release();
        first.release();
        assertSame(first, EventLoop.current(), "the loop was closed while a reference was left");
        first.release();
        assertThrowsMentioning(IllegalStateException.class, EventLoop::current, "acquire");

        loop = EventLoop.acquire(backend);
        assertNotSame(first, loop, "after the last release the thread gets a fresh loop");
    }

    @Test
    void tryWithResourcesDropsOneReference() {
        try (EventLoop again = EventLoop.acquire(backend)) {
            assertSame(loop, again);
        }
        assertSame(loop, EventLoop.current(), "closing the inner reference closed the loop");
    }

    @Test
    void currentWithoutAcquireThrowsSayingToAcquire() throws Exception {
        runOnOtherThread("no-loop", () ->
                assertThrowsMentioning(IllegalStateException.class, EventLoop::current, "acquire"));
    }

    @Test
    void eachThreadHasItsOwnLoop() throws Exception {
        assertSame(Thread.currentThread(), loop.thread());
        try (ForeignLoop other = new ForeignLoop(backend)) {
            assertNotSame(loop, other.loop());
            assertSame(other.loop(), other.call(EventLoop::current));
            assertNotSame(Thread.currentThread(), other.loop().thread());
        }
        assertSame(loop, EventLoop.current());
    }

    @Test
    void acquiringAnotherBackendWhileTheThreadHasALoopNamesTheLoopItHas() {
        String other = Backends.names().stream().filter(name -> !name.equals(backend)).findFirst().orElse(UNKNOWN);
        IllegalStateException thrown = assertThrowsMentioning(IllegalStateException.class,
                () -> EventLoop.acquire(other), backend);
        assertTrue(thrown.getMessage().contains(other), thrown.getMessage());
        assertSame(loop, EventLoop.current());
    }

    @Test
    void numWaitingCountsExecutedOperationsAndIsZeroAfterRun() throws IOException {
        try (SocketPair pair = SocketPair.open(loop, loopback())) {
            List<OperationKind> ran = new ArrayList<>();
            loop.timeout(Duration.ofMillis(10), op -> ran.add(op.kind()));
            loop.nextTick(op -> ran.add(op.kind()));
            loop.send(pair.client(), ByteBuffer.wrap(new byte[] {1, 2, 3}), op -> ran.add(op.kind()));
            loop.recv(pair.server(), ByteBuffer.allocate(3), true, null, op -> ran.add(op.kind()));
            assertEquals(4, loop.numWaiting());
            loop.run();
            assertEquals(0, loop.numWaiting());
            assertEquals(4, ran.size(), () -> "run() returned after " + ran);
        }
    }

    @Test
    void runReturnsAtOnceWhenNothingWaits() {
        long start = System.nanoTime();
        loop.run();
        assertTrue(System.nanoTime() - start < Duration.ofSeconds(1).toNanos(), "run() waited with nothing to do");
    }

    @Test
    void runUntilStopsWhenTheConditionHolds() throws IOException {
        TcpSocket listener = loop.listenTcp(loopback());
        // An accept nobody connects to keeps the loop busy, so only the condition can stop it.
        Operation accept = loop.accept(listener, op -> { });
        int[] count = {0};
        loop.nextTick(new CountingChain(count, 10));
        loop.runUntil(() -> count[0] >= 3);
        assertEquals(3, count[0], "the condition is checked before every tick");
        assertTrue(loop.numWaiting() > 0);
        loop.remove(accept);
        loop.run();
        assertEquals(10, count[0]);
        closeNow(listener);
    }

    /** A callback that counts and schedules itself on the next tick until it reached its limit. */
    private final class CountingChain implements Callback {
        private final int[] count;
        private final int limit;

        CountingChain(int[] count, int limit) {
            this.count = count;
            this.limit = limit;
        }

        @Override
        public void onComplete(Operation op) {
            if (++count[0] < limit) {
                loop.nextTick(this);
            }
        }
    }

    @Test
    void runUntilChecksTheConditionBeforeTheFirstTick() {
        boolean[] called = {false};
        loop.nextTick(op -> called[0] = true);
        loop.runUntil(() -> true);
        assertFalse(called[0], "runUntil ticked although the condition already held");
        loop.run();
        assertTrue(called[0]);
    }

    @Test
    void aCallbackThatThrowsDoesNotStopTheLoop() {
        List<String> ran = new ArrayList<>();
        IllegalStateException boom = new IllegalStateException("boom");
        loop.nextTick(op -> ran.add("first"));
        loop.nextTick(op -> {
            throw boom;
        });
        loop.nextTick(op -> ran.add("third"));
        loop.timeout(Duration.ofMillis(10), op -> ran.add("later"));
        loop.run();
        assertEquals(List.of("first", "third", "later"), ran);
        assertEquals(List.of(boom), callbackErrors);
        callbackErrors.clear(); // thrown on purpose and checked, so the end-of-test check must not count it
        assertEquals(0, loop.numWaiting());
    }

    @Test
    void theErrorHandlerReceivesTheOperationWhoseCallbackThrew() {
        List<Object> seen = new ArrayList<>();
        loop.errorHandler((op, error) -> {
            seen.add(op.kind());
            seen.add(op.userData());
            seen.add(error.getMessage());
        });
        loop.timeout(Duration.ZERO, "state", (op, attachment) -> {
            throw new IllegalArgumentException("from the attachment form");
        }).userData("marker");
        loop.run();
        assertEquals(List.of(OperationKind.TIMEOUT, "marker", "from the attachment form"), seen);
    }

    @Test
    void anErrorHandlerThatThrowsDoesNotStopTheLoop() {
        boolean[] laterRan = {false};
        loop.errorHandler((op, error) -> {
            throw new IllegalStateException("the handler fails too");
        });
        loop.nextTick(op -> {
            throw new IllegalStateException("the callback fails");
        });
        loop.nextTick(op -> laterRan[0] = true);
        loop.run();
        assertTrue(laterRan[0], "a throwing error handler stopped the other callbacks");
        assertEquals(0, loop.numWaiting());
    }

    @Test
    void theLoopNamesItsBackend() {
        assertEquals(backend, loop.backend());
    }

    @Test
    void backendsListsThisBackendAsAvailableAndTheNioFallbackAlways() {
        List<BackendInfo> backends = EventLoop.backends();
        BackendInfo mine = backends.stream().filter(b -> b.name().equals(backend)).findFirst().orElse(null);
        assertNotNull(mine, () -> backend + " is missing from " + backends);
        assertTrue(mine.available());
        assertNull(mine.cause(), "an available backend has no cause");

        BackendInfo nio = backends.stream().filter(b -> b.name().equals("nio")).findFirst().orElse(null);
        assertNotNull(nio, "the NIO fallback is always listed");
        assertTrue(nio.available(), "the NIO fallback is always available");
        assertFalse(nio.isNative());

        assertEquals(backends.size(), new HashSet<>(backends.stream().map(BackendInfo::name).toList()).size(),
                "backend names are unique");
        for (int i = 1; i < backends.size(); i++) {
            assertTrue(backends.get(i - 1).priority() >= backends.get(i).priority(), "backends are listed by priority");
        }
        for (BackendInfo info : backends) {
            assertTrue(info.available() || (info.cause() != null && !info.cause().isBlank()),
                    () -> "unavailable backend " + info.name() + " gives no cause");
        }
    }

    @Test
    void fullySupportedMeansANativeBackendIsAvailable() {
        boolean nativeAvailable = EventLoop.backends().stream().anyMatch(b -> b.isNative() && b.available());
        assertEquals(nativeAvailable, EventLoop.fullySupported());
    }

    @Test
    void anUnknownBackendNameIsRefusedNamingTheKnownOnes() throws Exception {
        runOnOtherThread("no-loop", () -> {
            BackendUnavailableException thrown = assertThrowsMentioning(BackendUnavailableException.class,
                    () -> EventLoop.acquire(UNKNOWN), UNKNOWN);
            for (String known : Backends.names()) {
                assertTrue(thrown.getMessage().contains(known), () -> "the message does not name " + known
                        + ": " + thrown.getMessage());
            }
            assertThrows(IllegalStateException.class, EventLoop::current, "a failed acquire left a loop behind");
        });
    }

    // The two tests below set the nbio.backend system property. Surefire runs this suite's
    // classes one after another in one JVM, and every other test picks its backend by
    // name, so the property is only read by the acquire() on the helper thread here; it
    // is restored before the test ends.

    @Test
    void theBackendPropertyForcesTheBackend() throws Exception {
        String chosen = withBackendProperty(backend, () -> {
            try (EventLoop forced = EventLoop.acquire()) {
                return forced.backend();
            }
        });
        assertEquals(backend, chosen);
    }

    @Test
    void anUnknownBackendInThePropertyIsRefusedNamingThePropertyAndTheKnownBackends() throws Exception {
        String message = withBackendProperty(UNKNOWN, () -> assertThrowsMentioning(
                BackendUnavailableException.class, EventLoop::acquire, UNKNOWN).getMessage());
        assertTrue(message.contains("nbio.backend"), message);
        for (String known : Backends.names()) {
            assertTrue(message.contains(known), () -> "the message does not name " + known + ": " + message);
        }
    }

    /** Runs {@code step} on a thread without a loop while {@code nbio.backend} is {@code value}. */
    private static <T> T withBackendProperty(String value, Callable<T> step) throws Exception {
        String previous = System.getProperty("nbio.backend");
        System.setProperty("nbio.backend", value);
        try {
            return onOtherThread("property-acquire", step);
        } finally {
            if (previous == null) {
                System.clearProperty("nbio.backend");
            } else {
                System.setProperty("nbio.backend", previous);
            }
        }
    }

    @Test
    void theCachedClockIsAvailableBeforeTheFirstTick() {
        assertNotNull(loop.now());
        long before = loop.nanoTime();
        tickFor(loop, Duration.ofMillis(15));
        assertTrue(loop.nanoTime() - before >= Duration.ofMillis(10).toNanos(), "nanoTime() does not follow the ticks");
    }
}
