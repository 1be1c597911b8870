package dev.nbio.tck;

import static dev.nbio.tck.Ticking.QUIET;
import static dev.nbio.tck.Ticking.tickFor;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.nbio.AcceptError;
import dev.nbio.FileHandle;
import dev.nbio.Operation;
import dev.nbio.PollEvent;
import dev.nbio.TcpSocket;
import dev.nbio.tck.SocketOutcomes.Accepted;
import dev.nbio.tck.SocketOutcomes.Dialed;
import dev.nbio.tck.SocketOutcomes.Received;
import dev.nbio.tck.SocketOutcomes.Sendfiled;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Removing pending socket operations: the callback never runs, {@code numWaiting} drops
 * back to 0, the loop goes on, and the socket is still usable (nothing it would have
 * received is lost, nothing it would have returned is leaked).
 */
@ParameterizedClass(name = "{0}")
@MethodSource("dev.nbio.tck.Backends#names")
class SocketRemovalTest extends LoopTest {
    /** How long to wait for a peer's close that must already have happened. */
    private static final Duration CLOSE_SEEN = Duration.ofMillis(200);
    private static final int SMALL_BUFFERS = 32 * 1024;

    @TempDir
    Path dir;

    /** After a removal: the callback stays silent, nothing is waiting and the loop still runs callbacks. */
    private void assertRemovedSilently(Recorder<?> removed) {
        tickFor(loop, QUIET);
        assertFalse(removed.called(), () -> "a removed operation's callback ran: " + removed.calls());
        assertEquals(0, loop.numWaiting(), "a removed operation still counts as waiting");
        boolean[] ran = {false};
        loop.nextTick(op -> ran[0] = true);
        tickUntil(() -> ran[0]);
        assertEquals(0, loop.numWaiting());
    }

    @Test
    void removedDialNeverCallsBackAndLeavesNoOpenSocket() throws IOException {
        TcpSocket listener = loop.listenTcp(loopback());
        try {
            Recorder<Dialed> dial = Recorder.dials();
            Operation op = loop.dial(addressOf(listener), dial);
            loop.remove(op);
            assertRemovedSilently(dial);

            // On loopback the handshake may finish in the kernel before the removal; then the
            // listener holds a connection whose dialing side must have been closed.
            Recorder<Accepted> accept = Recorder.accepts();
            loop.accept(listener, CLOSE_SEEN, accept);
            tickUntil(accept::called);
            Accepted accepted = accept.only();
            if (accepted.error() != AcceptError.TIMEOUT) {
                assertNull(accepted.error());
                SocketTestKit.assertPeerSeesClose(loop, accepted.client(), "the removed dial's socket");
                accepted.client().handle().close();
            }
        } finally {
            listener.handle().close();
        }
    }

    @Test
    void removedAcceptNeverCallsBackAndTheConnectionWaitsForTheNextAccept() throws IOException {
        TcpSocket listener = loop.listenTcp(loopback());
        Recorder<Accepted> removedAccept = Recorder.accepts();
        loop.remove(loop.accept(listener, removedAccept));

        Recorder<Dialed> dial = Recorder.dials();
        loop.dial(addressOf(listener), dial);
        tickUntil(dial::called);
        assertNull(dial.only().error());
        assertRemovedSilently(removedAccept);

        Recorder<Accepted> accept = Recorder.accepts();
        loop.accept(listener, accept);
        tickUntil(accept::called);
        assertNull(accept.only().error(), "the connection was not swallowed by the removed accept");
        new SocketPair(listener, accept.only().client(), dial.only().socket()).close();
    }

    /**
     * The accept finds a connection already queued. Where the backend takes it at once (nio),
     * the result exists before the removal and the accepted socket, never handed to anyone,
     * must be closed; where the backend had not taken it yet (uring, whose accepts start at the
     * next tick), the next accept must get it. Either way nothing leaks.
     */
    @Test
    void removedAcceptWhoseConnectionWasAlreadyTakenClosesIt() throws IOException {
        TcpSocket listener = loop.listenTcp(loopback());
        Recorder<Dialed> dial = Recorder.dials();
        loop.dial(addressOf(listener), dial);
        tickUntil(dial::called);
        assertNull(dial.only().error());

        Recorder<Accepted> accept = Recorder.accepts();
        loop.remove(loop.accept(listener, accept));
        assertRemovedSilently(accept);
        Recorder<Accepted> next = Recorder.accepts();
        loop.accept(listener, Duration.ofMillis(200), next);
        tickUntil(next::called);
        try {
            if (next.only().error() == null) {
                assertEquals(dial.only().socket().localAddress(), next.only().client().remoteAddress(),
                        "the next accept got a connection, but not the one the removed accept left");
                next.only().client().handle().close();
            } else {
                assertEquals(AcceptError.TIMEOUT, next.only().error());
                SocketTestKit.assertPeerSeesClose(loop, dial.only().socket(), "the connection the removed accept took");
            }
        } finally {
            dial.only().socket().handle().close();
            listener.handle().close();
        }
    }

    @Test
    void removedRecvNeverCallsBackAndTheNextRecvGetsTheData() throws IOException {
        try (SocketPair pair = SocketPair.open(loop, loopback())) {
            Recorder<Received> removed = Recorder.recvs();
            ByteBuffer removedBuffer = ByteBuffer.allocate(16);
            loop.remove(loop.recv(pair.server(), removedBuffer, removed));
            loop.send(pair.client(), ByteBuffer.wrap(new byte[] {9, 8, 7}), Recorder.sends());
            assertRemovedSilently(removed);
            assertEquals(0, removedBuffer.position(), "the removed recv took data");

            ByteBuffer in = ByteBuffer.allocate(16);
            Recorder<Received> recv = Recorder.recvs();
            loop.recv(pair.server(), in, recv);
            tickUntil(recv::called);
            assertEquals(new Received(3, null, null), recv.only());
            assertArrayEquals(new byte[] {9, 8, 7}, Bytes.contents(in, 0, 3));
        }
    }

    @Test
    void removedRecvWithATimeoutNeverCallsBackWhenTheTimeoutPasses() throws IOException {
        try (SocketPair pair = SocketPair.open(loop, loopback())) {
            Recorder<Received> removed = Recorder.recvs();
            loop.remove(loop.recv(pair.server(), ByteBuffer.allocate(16), false, Duration.ofMillis(20), removed));
            assertRemovedSilently(removed);
        }
    }

    @Test
    void removedRecvStaysSilentWhenItsSocketIsClosedAfterwards() throws IOException {
        try (SocketPair pair = SocketPair.open(loop, loopback())) {
            Recorder<Received> removed = Recorder.recvs();
            loop.remove(loop.recv(pair.server(), ByteBuffer.allocate(16), removed));
            loop.close(pair.server());
            assertRemovedSilently(removed);
        }
    }

    @Test
    void removedSendThatWasBlockedNeverCallsBack() throws IOException {
        try (SocketPair pair = SocketTestKit.openSmallBufferPair(loop, loopback(), SMALL_BUFFERS)) {
            Recorder<?> removed = Recorder.sends();
            Operation op = loop.send(pair.client(), ByteBuffer.wrap(new byte[16 << 20]), removed);
            tickFor(loop, QUIET);
            assertFalse(removed.called(), "16 MiB cannot go out while the peer reads nothing");
            loop.remove(op);
            assertRemovedSilently(removed);
        }
    }

    @Test
    void removedSendRightAfterItStartedNeverCallsBack() throws IOException {
        try (SocketPair pair = SocketPair.open(loop, loopback())) {
            Recorder<?> removed = Recorder.sends();
            // The bytes may already be on their way; only the callback is guaranteed not to run.
            loop.remove(loop.send(pair.client(), ByteBuffer.wrap(new byte[] {1}), removed));
            assertRemovedSilently(removed);
        }
    }

    @Test
    void removedPollNeverCallsBackAndTheDataIsStillThere() throws IOException {
        try (SocketPair pair = SocketPair.open(loop, loopback())) {
            Recorder<?> removed = Recorder.polls();
            loop.remove(loop.poll(pair.server(), PollEvent.READABLE, removed));
            loop.send(pair.client(), ByteBuffer.wrap(new byte[] {5}), Recorder.sends());
            assertRemovedSilently(removed);

            Recorder<Received> recv = Recorder.recvs();
            loop.recv(pair.server(), ByteBuffer.allocate(4), recv);
            tickUntil(recv::called);
            assertEquals(new Received(1, null, null), recv.only());
        }
    }

    private FileHandle bigFile() throws IOException {
        Path path = dir.resolve("big.bin");
        Files.write(path, new byte[16 << 20]);
        return loop.openSync(path);
    }

    @Test
    void removedSendfileThatWasBlockedNeverCallsBack() throws IOException {
        FileHandle file = bigFile();
        try (SocketPair pair = SocketTestKit.openSmallBufferPair(loop, loopback(), SMALL_BUFFERS)) {
            Recorder<?> removed = Recorder.sendfiles();
            Operation op = loop.sendfile(pair.client(), file, removed);
            tickFor(loop, QUIET);
            assertFalse(removed.called(), "16 MiB cannot go out while the peer reads nothing");
            loop.remove(op);
            assertRemovedSilently(removed);
        } finally {
            file.handle().close();
        }
    }

    @Test
    void removedSendfileStopsItsProgressUpdates() throws IOException {
        FileHandle file = bigFile();
        try (SocketPair pair = SocketTestKit.openSmallBufferPair(loop, loopback(), SMALL_BUFFERS)) {
            Recorder<Sendfiled> sendfile = Recorder.sendfiles();
            Operation op = loop.sendfile(pair.client(), file, 0, -1, true, null, sendfile);
            tickUntil(sendfile::called);
            Sendfiled first = sendfile.only();
            assertFalse(first.done(), "the first callback of a blocked 16 MiB sendfile is a progress update");
            // The receiver now drains, so the sendfile would progress and finish if it were not removed.
            loop.recv(pair.server(), ByteBuffer.allocate(16 << 20), true, null, Recorder.recvs());
            loop.remove(op);
            tickFor(loop, QUIET);
            assertEquals(List.of(first), sendfile.calls(), "a removed sendfile called back again");
            loop.close(pair.server());
            runToCompletion();
        } finally {
            file.handle().close();
        }
    }
}
