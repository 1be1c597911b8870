package dev.nbio.tck;

import static dev.nbio.tck.OpenHandles.closeNow;
import static dev.nbio.tck.SemanticsChecks.assertThrowsMentioning;
import static dev.nbio.tck.SemanticsChecks.leaveBytesWaitingAtServer;
import static dev.nbio.tck.Ticking.QUIET;
import static dev.nbio.tck.Ticking.tickFor;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nbio.Callback;
import dev.nbio.OpError;
import dev.nbio.Operation;
import dev.nbio.OperationKind;
import dev.nbio.TcpSocket;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Removal is silent and final: a removed operation never calls back, stops counting as
 * waiting, and cannot be removed or executed again; removing from a callback also stops an
 * operation that completed in the same tick; and a removed accept or dial does not leave a
 * connection open behind it.
 */
@ParameterizedClass(name = "{0}")
@MethodSource("dev.nbio.tck.Backends#names")
class RemovalTest extends LoopTest {
    private static final byte[] HELLO = "hello".getBytes(US_ASCII);
    private static final String[] GONE = {"removed", "recycled"};

    @Test
    void aRemovedTimeoutNeverCallsBack() {
        boolean[] called = {false};
        Operation timeout = loop.timeout(Duration.ofMillis(20), op -> called[0] = true);
        assertEquals(1, loop.numWaiting());
        loop.remove(timeout);
        assertEquals(0, loop.numWaiting(), "a removed operation still counts as waiting");
        tickFor(loop, QUIET);
        assertFalse(called[0], "the removed timeout called back");
        assertEquals(0, loop.numWaiting());
    }

    @Test
    void aRemovedNextTickNeverCallsBack() {
        boolean[] called = {false};
        Operation nextTick = loop.nextTick(op -> called[0] = true);
        loop.remove(nextTick);
        assertEquals(0, loop.numWaiting());
        tickFor(loop, QUIET);
        assertFalse(called[0], "the removed nextTick called back");
    }

    @Test
    void aRemovedZeroTimeoutNeverCallsBack() {
        boolean[] called = {false};
        loop.remove(loop.timeout(Duration.ZERO, op -> called[0] = true));
        tickFor(loop, QUIET);
        assertFalse(called[0], "the removed zero timeout called back");
        assertEquals(0, loop.numWaiting());
    }

    @Test
    void removingTwiceThrowsThatTheOperationIsGone() {
        Operation timeout = loop.timeout(Duration.ofMillis(50), op -> { });
        loop.remove(timeout);
        assertThrowsMentioning(IllegalStateException.class, () -> loop.remove(timeout), GONE);
        assertEquals(0, loop.numWaiting());
    }

    @Test
    void aRemovedOperationCannotBeExecutedAgain() {
        boolean[] called = {false};
        Operation timeout = loop.timeout(Duration.ofMillis(10), op -> called[0] = true);
        loop.remove(timeout);
        assertThrowsMentioning(IllegalStateException.class, () -> loop.exec(timeout), GONE);
        tickFor(loop, QUIET);
        assertFalse(called[0]);
        assertEquals(0, loop.numWaiting());
    }

    @Test
    void removingAfterTheCallbackRanThrows() {
        boolean[] called = {false};
        Operation nextTick = loop.nextTick(op -> called[0] = true);
        tickUntil(() -> called[0]);
        assertThrowsMentioning(IllegalStateException.class, () -> loop.remove(nextTick),
                "callback", "recycled", "completed");
    }

    @Test
    void anOperationCannotRemoveItselfFromItsOwnCallback() {
        List<Throwable> thrown = new ArrayList<>();
        loop.nextTick(op -> {
            try {
                loop.remove(op);
            } catch (IllegalStateException expected) {
                thrown.add(expected);
            }
        });
        runToCompletion();
        assertEquals(1, thrown.size(),
                "remove() inside the operation's own callback must throw: the callback already runs");
        assertTrue(thrown.get(0).getMessage().contains("callback"), thrown.get(0).getMessage());
        assertEquals(0, loop.numWaiting());
    }

    @Test
    void removingAPreparedOperationDiscardsIt() {
        boolean[] called = {false};
        Operation prepared = loop.prepTimeout(Duration.ZERO, op -> called[0] = true);
        loop.remove(prepared);
        assertEquals(0, loop.numWaiting());
        assertThrowsMentioning(IllegalStateException.class, () -> loop.exec(prepared), GONE);
        tickFor(loop, QUIET);
        assertFalse(called[0]);
    }

    /**
     * The callback of two operations: whichever runs first removes the other. Removal from
     * that callback must stop the second, even when the second completed in the same tick
     * and already waits in the ready queue.
     */
    private final class FirstRemovesSecond implements Callback {
        final Operation[] ops = new Operation[2];
        final List<OperationKind> ran = new ArrayList<>();

        @Override
        public void onComplete(Operation op) {
            ran.add(op.kind());
            if (ran.size() == 1) {
                loop.remove(op == ops[0] ? ops[1] : ops[0]);
            }
        }

        void assertOnlyOneRan() {
            tickUntil(() -> !ran.isEmpty());
            tickFor(loop, QUIET);
            assertEquals(1, ran.size(), () -> "callbacks that ran: " + ran);
            assertEquals(0, loop.numWaiting());
        }
    }

    @Test
    void removeInACallbackStopsTimersThatCompletedInTheSameTick() {
        FirstRemovesSecond callback = new FirstRemovesSecond();
        callback.ops[0] = loop.nextTick(callback);
        callback.ops[1] = loop.timeout(Duration.ZERO, callback);
        callback.assertOnlyOneRan();
    }

    @Test
    void removeInACallbackStopsAReceiveWhoseDataArrived() throws IOException {
        try (SocketPair pair = SocketPair.open(loop, loopback())) {
            leaveBytesWaitingAtServer(loop, pair, HELLO);
            FirstRemovesSecond callback = new FirstRemovesSecond();
            callback.ops[0] = loop.nextTick(callback);
            callback.ops[1] = loop.recv(pair.server(), ByteBuffer.allocate(16), callback);
            callback.assertOnlyOneRan();
        }
    }

    @Test
    void aRemovedReceiveDoesNotCallBackWhenDataArrivesLater() throws IOException {
        try (SocketPair pair = SocketPair.open(loop, loopback())) {
            boolean[] called = {false};
            boolean[] sent = {false};
            Operation recv = loop.recv(pair.server(), ByteBuffer.allocate(16), op -> called[0] = true);
            loop.tick(Duration.ZERO);
            loop.remove(recv);
            loop.send(pair.client(), ByteBuffer.wrap(HELLO), op -> sent[0] = !op.failed());
            tickUntil(() -> sent[0]);
            tickFor(loop, QUIET);
            assertFalse(called[0], "the removed recv called back");
            assertEquals(0, loop.numWaiting());
        }
    }

    @Test
    void aRemovedAcceptNeverCallsBackWhenItsListenerIsClosed() throws IOException {
        TcpSocket listener = loop.listenTcp(loopback());
        boolean[] accepted = {false};
        boolean[] closed = {false};
        Operation accept = loop.accept(listener, op -> accepted[0] = true);
        loop.tick(Duration.ZERO);
        loop.remove(accept);
        loop.close(listener, op -> closed[0] = true);
        tickUntil(() -> closed[0]);
        tickFor(loop, QUIET);
        assertFalse(accepted[0], "the removed accept called back");
        assertEquals(0, loop.numWaiting());
    }

    @Test
    void removingAnAcceptWhoseConnectionArrivedLeavesNoConnectionOpen() throws IOException {
        TcpSocket listener = loop.listenTcp(loopback());
        boolean[] accepted = {false};
        TcpSocket[] client = new TcpSocket[1];
        Operation[] accept = new Operation[1];
        // The nextTick is queued first, so it runs before the accept's callback even when
        // both complete in the same tick: it removes the accept whether or not the
        // connection was taken from the listener yet.
        loop.nextTick(op -> loop.remove(accept[0]));
        accept[0] = loop.accept(listener, op -> accepted[0] = true);
        loop.dial(addressOf(listener), op -> client[0] = op.dial().socket());
        tickUntil(() -> client[0] != null);
        // A connection still in the backlog is reset by closing the listener; one the
        // library accepted for the removed operation must have been closed by it.
        closeNow(listener);
        assertFalse(accepted[0], "the removed accept called back");
        SocketTestKit.assertPeerSeesClose(loop, client[0], "the connection accepted for a removed accept");
        closeNow(client[0]);
    }

    @Test
    void removingADialLeavesNoConnectionOpen() throws IOException {
        TcpSocket listener = loop.listenTcp(loopback());
        boolean[] dialed = {false};
        TcpSocket[] server = new TcpSocket[1];
        OpError[] acceptError = {null};
        Operation[] dial = new Operation[1];
        loop.nextTick(op -> loop.remove(dial[0]));
        dial[0] = loop.dial(addressOf(listener), op -> dialed[0] = true);
        loop.accept(listener, Duration.ofMillis(200), op -> {
            acceptError[0] = op.error();
            server[0] = op.failed() ? null : op.accept().client();
        });
        tickUntil(() -> server[0] != null || acceptError[0] != null);
        assertFalse(dialed[0], "the removed dial called back");
        if (server[0] != null) {
            // The connection was made before the removal: the dialed socket must be closed.
            SocketTestKit.assertPeerSeesClose(loop, server[0], "the socket of a removed dial");
        } else {
            assertTrue(acceptError[0].isTimeout(), () -> "accept failed: " + acceptError[0]);
        }
        closeNow(server[0]);
        closeNow(listener);
    }
}
