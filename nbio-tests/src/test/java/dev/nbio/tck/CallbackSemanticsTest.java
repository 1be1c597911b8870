package dev.nbio.tck;

import static dev.nbio.tck.OpenHandles.closeNow;
import static dev.nbio.tck.SemanticsChecks.assertThrowsMentioning;
import static dev.nbio.tck.SemanticsChecks.leaveBytesWaitingAtServer;
import static dev.nbio.tck.Ticking.tickFor;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nbio.AttachmentCallback;
import dev.nbio.FileHandle;
import dev.nbio.Operation;
import dev.nbio.OperationKind;
import dev.nbio.RecvError;
import dev.nbio.TcpSocket;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * When callbacks run (never inside the call that started the operation, always in a later
 * tick), how often (exactly once, failure or not), what an operation is worth after its
 * callback (recycled unless detached), user data, the attachment form and the cached clock.
 * The prep-then-exec form of every kind is checked in {@link PrepExecTest}.
 */
@ParameterizedClass(name = "{0}")
@MethodSource("dev.nbio.tck.Backends#names")
class CallbackSemanticsTest extends LoopTest {
    private static final byte[] HELLO = "hello".getBytes(US_ASCII);

    @TempDir
    Path dir;

    /** The number of ticks run by {@link #countTicksUntil}, so callbacks can note which tick they ran in. */
    private int tickNumber;

    /** Ticks like {@link #tickUntil}, numbering each tick in {@link #tickNumber} before it runs. */
    private void countTicksUntil(BooleanSupplier condition) {
        tickUntil(() -> {
            if (condition.getAsBoolean()) {
                return true;
            }
            tickNumber++;
            return false;
        });
    }

    private FileHandle fileWith(byte[] contents) throws IOException {
        Path path = Files.write(dir.resolve("data"), contents);
        return loop.openSync(path);
    }

    @Test
    void noCallbackRunsInsideTheCallThatStartedItEvenWhenTheResultIsAtHand() throws IOException {
        try (SocketPair pair = SocketPair.open(loop, loopback())) {
            leaveBytesWaitingAtServer(loop, pair, HELLO);
            FileHandle file = fileWith(HELLO);
            List<String> ran = new ArrayList<>();
            TcpSocket[] dialed = new TcpSocket[1];

            loop.recv(pair.server(), ByteBuffer.allocate(16), op -> ran.add("recv of buffered bytes"));
            assertEquals(List.of(), ran, "recv of buffered bytes called back synchronously");
            loop.dial(addressOf(pair.listener()), op -> {
                dialed[0] = op.dial().socket();
                ran.add("dial on loopback");
            });
            assertEquals(List.of(), ran, "dial on loopback called back synchronously");
            loop.stat(file, op -> ran.add("stat"));
            assertEquals(List.of(), ran, "stat called back synchronously");
            loop.nextTick(op -> ran.add("nextTick"));
            assertEquals(List.of(), ran, "nextTick called back synchronously");
            loop.timeout(Duration.ZERO, op -> ran.add("zero timeout"));
            assertEquals(List.of(), ran, "a zero timeout called back synchronously");

            tickUntil(() -> ran.size() == 5);
            closeNow(dialed[0]);
            closeNow(file);
        }
    }

    @Test
    void operationsStartedInACallbackCallBackInALaterTickEvenWhenTheResultIsAtHand() throws IOException {
        try (SocketPair pair = SocketPair.open(loop, loopback())) {
            leaveBytesWaitingAtServer(loop, pair, HELLO);
            FileHandle file = fileWith(HELLO);
            Map<String, Integer> ranInTick = new TreeMap<>();
            int[] startedInTick = {-1};
            TcpSocket[] dialed = new TcpSocket[1];
            loop.nextTick(starter -> {
                startedInTick[0] = tickNumber;
                loop.recv(pair.server(), ByteBuffer.allocate(16),
                        op -> ranInTick.put("recv of buffered bytes", tickNumber));
                loop.dial(addressOf(pair.listener()), op -> {
                    dialed[0] = op.dial().socket();
                    ranInTick.put("dial on loopback", tickNumber);
                });
                loop.stat(file, op -> ranInTick.put("stat", tickNumber));
                loop.nextTick(op -> ranInTick.put("nextTick", tickNumber));
                loop.timeout(Duration.ZERO, op -> ranInTick.put("zero timeout", tickNumber));
            });

            countTicksUntil(() -> ranInTick.size() == 5);
            ranInTick.forEach((what, tick) -> assertTrue(tick > startedInTick[0],
                    what + " called back in tick " + tick + ", the tick it was started in"));
            closeNow(dialed[0]);
            closeNow(file);
        }
    }

    @Test
    void everyExecutedOperationCallsBackExactlyOnceWhetherItSucceedsOrFails() throws IOException {
        Map<String, Integer> calls = new LinkedHashMap<>();
        Map<String, Boolean> failed = new LinkedHashMap<>();
        AttachedCounter count = (op, what) -> {
            calls.merge(what, 1, Integer::sum);
            failed.put(what, op.failed());
        };
        InetSocketAddress refusing = SocketTestKit.closedPort(InetAddress.getLoopbackAddress());
        try (SocketPair pair = SocketPair.open(loop, loopback())) {
            FileHandle file = fileWith(HELLO);
            loop.nextTick("nextTick", count);
            loop.timeout(Duration.ZERO, "zero timeout", count);
            loop.timeout(Duration.ofMillis(10), "10 ms timeout", count);
            loop.send(pair.client(), ByteBuffer.wrap(HELLO), "send", count);
            loop.recv(pair.server(), ByteBuffer.allocate(HELLO.length), true, null, "recv all", count);
            loop.stat(file, "stat", count);
            loop.read(file, 0, ByteBuffer.allocate(64), true, null, "read past the end", count);
            loop.recv(pair.client(), ByteBuffer.allocate(1), false, Duration.ofMillis(20), "recv timing out", count);
            loop.accept(pair.listener(), Duration.ofMillis(20), "accept timing out", count);
            loop.dial(refusing, "dial refused", count);
            runToCompletion();
            tickFor(loop, Duration.ofMillis(50));

            Map<String, Integer> once = new LinkedHashMap<>();
            calls.keySet().forEach(what -> once.put(what, 1));
            assertEquals(10, calls.size(), () -> "callbacks seen: " + calls);
            assertEquals(once, calls, "each callback must run exactly once");
            assertEquals(Map.of("nextTick", false, "zero timeout", false, "10 ms timeout", false, "send", false,
                    "recv all", false, "stat", false, "read past the end", true, "recv timing out", true,
                    "accept timing out", true, "dial refused", true), failed);
            assertEquals(0, loop.numWaiting());
            closeNow(file);
        }
    }

    /** The attachment-form callback used to count calls by name. */
    private interface AttachedCounter extends AttachmentCallback<String> {
    }

    @Test
    void anOperationUsedAfterItsCallbackThrowsThatItWasRecycled() throws IOException {
        try (SocketPair pair = SocketPair.open(loop, loopback())) {
            boolean[] called = {false};
            loop.send(pair.client(), ByteBuffer.wrap(HELLO), op -> { });
            Operation recv = loop.recv(pair.server(), ByteBuffer.allocate(16), op -> called[0] = true);
            tickUntil(() -> called[0]);

            String[] says = {"recycled", "completed", "callback"};
            assertThrowsMentioning(IllegalStateException.class, recv::recv, says);
            assertThrowsMentioning(IllegalStateException.class, recv::kind, says);
            assertThrowsMentioning(IllegalStateException.class, recv::userData, says);
            assertThrowsMentioning(IllegalStateException.class, () -> loop.remove(recv), says);
            assertThrowsMentioning(IllegalStateException.class, () -> loop.exec(recv), says);
            assertEquals(0, loop.numWaiting());
        }
    }

    @Test
    void aTimeoutUsedAfterItsCallbackThrowsThatItWasRecycled() {
        boolean[] called = {false};
        Operation timeout = loop.timeout(Duration.ZERO, op -> called[0] = true);
        tickUntil(() -> called[0]);
        assertThrowsMentioning(IllegalStateException.class, timeout::failed, "recycled", "completed", "callback");
    }

    @Test
    void aDetachedOperationIsNotRecycledAfterItsCallback() throws IOException {
        try (SocketPair pair = SocketPair.open(loop, loopback())) {
            boolean[] called = {false};
            loop.send(pair.client(), ByteBuffer.wrap(HELLO), op -> { });
            Operation recv = loop.recv(pair.server(), ByteBuffer.allocate(16), op -> called[0] = true);
            loop.detach(recv);
            tickUntil(() -> called[0]);

            assertEquals(OperationKind.RECV, recv.kind());
            assertFalse(recv.failed());
            assertTrue(recv.recv().received() > 0, "the results stay readable");
            loop.reattach(recv);
        }
    }

    @Test
    void userDataSetAfterTheStartReachesTheCallback() {
        Object data = new Object();
        Object[] seen = {null};
        boolean[] called = {false};
        Operation op = loop.timeout(Duration.ZERO, done -> {
            seen[0] = done.userData();
            called[0] = true;
        });
        assertNull(op.userData(), "user data starts out empty");
        assertSame(op, op.userData(data), "userData(Object) returns the operation, for chaining");
        assertSame(data, op.userData());
        tickUntil(() -> called[0]);
        assertSame(data, seen[0]);
    }

    @Test
    void userDataSetOnAPreparedOperationReachesTheCallback() throws IOException {
        try (SocketPair pair = SocketPair.open(loop, loopback())) {
            Object[] seen = {null};
            boolean[] called = {false};
            Operation recv = loop.prepRecv(pair.server(), ByteBuffer.allocate(16), false, null, done -> {
                seen[0] = done.userData();
                called[0] = true;
            }).userData("connection 7");
            loop.exec(recv);
            loop.send(pair.client(), ByteBuffer.wrap(HELLO), op -> { });
            tickUntil(() -> called[0]);
            assertEquals("connection 7", seen[0]);
        }
    }

    /** The attachment-form callback: a static method, so no lambda captures anything. */
    private static void onTimer(Operation op, List<Object> log) {
        log.add(op.attachment());
        log.add(op.kind());
    }

    @Test
    void theAttachmentFormHandsEachOperationItsOwnAttachmentToOneSharedCallback() {
        List<Object> first = new ArrayList<>();
        List<Object> second = new ArrayList<>();
        List<Object> third = new ArrayList<>();
        loop.timeout(Duration.ZERO, first, CallbackSemanticsTest::onTimer);
        loop.nextTick(second, CallbackSemanticsTest::onTimer);
        loop.exec(loop.prepTimeout(Duration.ofMillis(1), op -> { })
                .withAttachment(third, CallbackSemanticsTest::onTimer));
        runToCompletion();

        // Each list receives itself (via op.attachment()) and the kind: the callback found its
        // state through the attachment, not through anything it captured.
        assertEquals(List.of(first, OperationKind.TIMEOUT), first);
        assertEquals(List.of(second, OperationKind.NEXT_TICK), second);
        assertEquals(List.of(third, OperationKind.TIMEOUT), third);
    }

    @Test
    void anOperationStartedWithAPlainCallbackHasNoAttachment() {
        Object[] attachment = {"not read"};
        boolean[] called = {false};
        loop.nextTick(op -> {
            attachment[0] = op.attachment();
            called[0] = true;
        });
        tickUntil(() -> called[0]);
        assertNull(attachment[0]);
    }

    @Test
    void nowIsReadOncePerTickAndAdvancesBetweenTicks() {
        Instant[] seen = new Instant[4];
        long[] nanos = new long[4];
        loop.nextTick(op -> {
            seen[0] = loop.now();
            nanos[0] = loop.nanoTime();
            spinFor(Duration.ofMillis(3));
            seen[1] = loop.now();
            nanos[1] = loop.nanoTime();
        });
        loop.nextTick(op -> {
            seen[2] = loop.now();
            nanos[2] = loop.nanoTime();
        });
        Duration later = Duration.ofMillis(20);
        long started = System.nanoTime();
        loop.timeout(later, op -> {
            seen[3] = loop.now();
            nanos[3] = loop.nanoTime();
        });
        runToCompletion();

        assertNotNull(seen[3]);
        assertEquals(seen[0], seen[1], "now() changed within one callback although 3 ms passed");
        assertEquals(seen[0], seen[2], "now() differs between callbacks of the same tick");
        assertEquals(nanos[0], nanos[1], "nanoTime() changed within one tick");
        assertEquals(nanos[0], nanos[2], "nanoTime() differs between callbacks of the same tick");
        assertTrue(nanos[3] - started >= later.toNanos(), "nanoTime() in the timeout's tick is before its deadline");
        assertTrue(seen[3].isAfter(seen[0]), "now() did not advance between ticks");
    }

    @Test
    void aFailedOperationNamesItsErrorInTheCallback() throws IOException {
        try (SocketPair pair = SocketPair.open(loop, loopback())) {
            Object[] error = {null};
            boolean[] called = {false};
            loop.recv(pair.client(), ByteBuffer.allocate(1), false, Duration.ofMillis(10), op -> {
                error[0] = op.error();
                called[0] = op.failed();
            });
            tickUntil(() -> error[0] != null);
            assertTrue(called[0], "failed() is true when error() is set");
            assertEquals(RecvError.TIMEOUT, error[0]);
        }
    }

    /** Lets time pass inside a callback without giving the loop a chance to tick. */
    private static void spinFor(Duration span) {
        long end = System.nanoTime() + span.toNanos();
        while (end - System.nanoTime() > 0) {
            Thread.onSpinWait();
        }
    }
}
