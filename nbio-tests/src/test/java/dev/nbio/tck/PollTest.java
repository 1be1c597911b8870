package dev.nbio.tck;

import static dev.nbio.tck.Ticking.QUIET;
import static dev.nbio.tck.Ticking.tickFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.nbio.OperationKind;
import dev.nbio.PollError;
import dev.nbio.PollEvent;
import dev.nbio.TcpSocket;
import dev.nbio.tck.SocketOutcomes.Accepted;
import dev.nbio.tck.SocketOutcomes.Polled;
import dev.nbio.tck.SocketOutcomes.Received;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/** Readiness polls: readable when data, a connection or the peer's close arrives and not before; writable when connected. */
@ParameterizedClass(name = "{0}")
@MethodSource("dev.nbio.tck.Backends#names")
class PollTest extends LoopTest {
    @Test
    void pollReadableFiresWhenDataArrivesAndNotBefore() throws IOException {
        try (SocketPair pair = SocketPair.open(loop, loopback())) {
            Recorder<Polled> poll = Recorder.polls();
            assertEquals(OperationKind.POLL, loop.poll(pair.server(), PollEvent.READABLE, poll).kind());
            tickFor(loop, QUIET);
            assertFalse(poll.called(), "readable reported with nothing to read");

            loop.send(pair.client(), ByteBuffer.wrap(new byte[] {1, 2, 3}), Recorder.sends());
            tickUntil(poll::called);
            assertEquals(new Polled(PollEvent.READABLE, null), poll.only());

            // A poll only reports readiness: the data is still there for a recv.
            Recorder<Received> recv = Recorder.recvs();
            loop.recv(pair.server(), ByteBuffer.allocate(8), recv);
            tickUntil(recv::called);
            assertEquals(new Received(3, null, null), recv.only());
        }
    }

    @Test
    void pollWritableFiresOnAConnectedSocket() throws IOException {
        try (SocketPair pair = SocketPair.open(loop, loopback())) {
            Recorder<Polled> poll = Recorder.polls();
            loop.poll(pair.client(), PollEvent.WRITABLE, poll);
            assertFalse(poll.called(), "the callback ran synchronously");
            tickUntil(poll::called);
            assertEquals(new Polled(PollEvent.WRITABLE, null), poll.only());
        }
    }

    @Test
    void pollReadableOnAListenerFiresWhenAConnectionIsPending() throws IOException {
        TcpSocket listener = loop.listenTcp(loopback());
        Recorder<Polled> poll = Recorder.polls();
        loop.poll(listener, PollEvent.READABLE, poll);
        tickFor(loop, QUIET);
        assertFalse(poll.called(), "readable reported with no connection pending");

        List<TcpSocket> dialed = new ArrayList<>();
        loop.dial(addressOf(listener), op -> dialed.add(op.dial().socket()));
        tickUntil(poll::called);
        assertEquals(new Polled(PollEvent.READABLE, null), poll.only());

        Recorder<Accepted> accept = Recorder.accepts();
        loop.accept(listener, accept);
        tickUntil(() -> accept.called() && !dialed.isEmpty());
        assertNull(accept.only().error(), "the pending connection is there to accept");
        new SocketPair(listener, accept.only().client(), dialed.get(0)).close();
    }

    @Test
    void pollReadableFiresWhenThePeerCloses() throws IOException {
        try (SocketPair pair = SocketPair.open(loop, loopback())) {
            Recorder<Polled> poll = Recorder.polls();
            loop.poll(pair.server(), PollEvent.READABLE, poll);
            loop.close(pair.client());
            tickUntil(poll::called);
            assertEquals(new Polled(PollEvent.READABLE, null), poll.only());
        }
    }

    @Test
    void closingASocketEndsItsPendingPollWithClosed() throws IOException {
        try (SocketPair pair = SocketPair.open(loop, loopback())) {
            Recorder<Polled> poll = Recorder.polls();
            loop.poll(pair.server(), PollEvent.READABLE, poll);
            loop.close(pair.server());
            tickUntil(poll::called);
            assertEquals(PollError.CLOSED, poll.only().error());
            runToCompletion();
        }
    }

    @Test
    void pollWithAnAttachmentHandsItOver() throws IOException {
        try (SocketPair pair = SocketPair.open(loop, loopback())) {
            Object state = new Object();
            List<Object> seen = new ArrayList<>();
            loop.poll(pair.client(), PollEvent.WRITABLE, null, state, (op, attachment) -> {
                assertSame(attachment, op.attachment());
                assertEquals(PollEvent.WRITABLE, op.poll().event());
                seen.add(attachment);
            });
            tickUntil(() -> !seen.isEmpty());
            assertEquals(List.of(state), seen);
        }
    }
}
