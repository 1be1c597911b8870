package dev.nbio.tck;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nbio.AddressFamily;
import dev.nbio.EventLoop;
import dev.nbio.RecvError;
import dev.nbio.TcpSocket;
import dev.nbio.tck.SocketOutcomes.Received;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.time.Duration;

/** Helpers shared by the socket conformance tests (package-private, for this suite only). */
final class SocketTestKit {
    /** How long a peer may take to see a close that must already have happened. */
    private static final Duration CLOSE_SEEN = Duration.ofMillis(200);

    private SocketTestKit() {
    }

    /**
     * A loopback address where nothing listens: a port the system just handed out and took back.
     *
     * @param address a loopback address (IPv4 or IPv6)
     * @return the address with a port that refuses connections
     * @throws IOException when no port can be reserved
     */
    static InetSocketAddress closedPort(InetAddress address) throws IOException {
        try (ServerSocket reserve = new ServerSocket(0, 1, address)) {
            return new InetSocketAddress(address, reserve.getLocalPort());
        }
    }

    /**
     * Accepts on a listener while dialing it, both through the loop, and asserts both succeed:
     * a connection over a listener the test made its own way (or one that must still work).
     *
     * @param loop     the loop of the calling thread
     * @param listener a listening socket
     * @return the listener with both sides of the new connection
     */
    static SocketPair connect(EventLoop loop, TcpSocket listener) {
        Recorder<SocketOutcomes.Accepted> accept = Recorder.accepts();
        Recorder<SocketOutcomes.Dialed> dial = Recorder.dials();
        loop.accept(listener, accept);
        loop.dial(LoopTest.addressOf(listener), dial);
        Ticking.tickUntil(loop, () -> accept.called() && dial.called());
        assertNull(accept.only().error(), "accept failed");
        assertNull(dial.only().error(), "dial failed");
        assertNotNull(accept.only().client(), "a successful accept hands out the connection");
        assertNotNull(dial.only().socket(), "a successful dial hands out the socket");
        return new SocketPair(listener, accept.only().client(), dial.only().socket());
    }

    /**
     * A connected TCP pair whose receive side (server) and send side (client) have small,
     * fixed kernel buffers, so a large send blocks soon instead of disappearing into
     * auto-tuned buffers of tens of megabytes.
     *
     * @param loop    the loop of the calling thread
     * @param address where to listen
     * @param bytes   the buffer size to ask for (the kernel may round it)
     * @return the pair
     * @throws IOException when the listener cannot be made
     */
    static SocketPair openSmallBufferPair(EventLoop loop, InetSocketAddress address, int bytes) throws IOException {
        TcpSocket listener = loop.createTcpSocket(AddressFamily.of(address));
        // Set before listen so accepted sockets inherit it and the window is negotiated small.
        listener.setOption(StandardSocketOptions.SO_RCVBUF, bytes);
        listener.bind(address);
        listener.listen(8);
        SocketPair pair = connect(loop, listener);
        pair.server().setOption(StandardSocketOptions.SO_RCVBUF, bytes);
        pair.client().setOption(StandardSocketOptions.SO_SNDBUF, bytes);
        return pair;
    }

    /**
     * Asserts that the other end of {@code peer} is closed: a receive sees the end of the
     * stream (0 bytes, no error) or a reset, not a timeout or any other error.
     *
     * @param loop           the loop of the calling thread
     * @param peer           the side that stays open
     * @param whatWasDropped the other side, for the failure message
     */
    static void assertPeerSeesClose(EventLoop loop, TcpSocket peer, String whatWasDropped) {
        Recorder<Received> recv = Recorder.recvs();
        loop.recv(peer, ByteBuffer.allocate(16), false, CLOSE_SEEN, recv);
        Ticking.tickUntil(loop, recv::called);
        Received outcome = recv.only();
        assertNotEquals(RecvError.TIMEOUT, outcome.error(), whatWasDropped + " was leaked: its peer never saw it close");
        assertTrue(outcome.error() == RecvError.CONNECTION_RESET || outcome.received() == 0 && outcome.error() == null,
                () -> whatWasDropped + ": expected the peer to see a close, got " + outcome);
    }
}
