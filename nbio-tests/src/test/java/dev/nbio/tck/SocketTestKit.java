package dev.nbio.tck;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.nbio.AddressFamily;
import dev.nbio.EventLoop;
import dev.nbio.TcpSocket;
import dev.nbio.tck.SocketOutcomes.Accepted;
import dev.nbio.tck.SocketOutcomes.Dialed;
import dev.nbio.tck.SocketOutcomes.Recorder;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Random;

/** Helpers shared by the socket conformance tests (package-private, for this suite only). */
final class SocketTestKit {
    private static final Duration TICK = Duration.ofMillis(20);

    private SocketTestKit() {
    }

    /**
     * Reproducible pseudo-random bytes, so a misplaced or repeated chunk shows in a comparison.
     *
     * @param size how many
     * @param seed the seed
     * @return the bytes
     */
    static byte[] randomBytes(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    /**
     * A copy of a range of a buffer, whatever its kind, without moving its position.
     *
     * @param buffer the buffer
     * @param from   the first index
     * @param to     the index after the last
     * @return the bytes
     */
    static byte[] contents(ByteBuffer buffer, int from, int to) {
        byte[] bytes = new byte[to - from];
        buffer.get(from, bytes);
        return bytes;
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
     * Ticks for a while without waiting for anything in particular: the way to show that a
     * callback does NOT run (too early, or after removal).
     *
     * @param loop     the loop
     * @param duration how long
     */
    static void tickFor(EventLoop loop, Duration duration) {
        long end = System.nanoTime() + duration.toNanos();
        while (System.nanoTime() - end < 0) {
            loop.tick(TICK);
        }
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
        Recorder<Accepted> accept = Recorder.accepts();
        Recorder<Dialed> dial = Recorder.dials();
        loop.accept(listener, accept);
        loop.dial(listener.localAddress(), dial);
        long deadline = System.nanoTime() + LoopTest.LIMIT.toNanos();
        while ((!accept.called() || !dial.called()) && System.nanoTime() - deadline < 0) {
            loop.tick(TICK);
        }
        Accepted accepted = accept.only();
        Dialed dialed = dial.only();
        assertNull(accepted.error(), "accept failed");
        assertNull(dialed.error(), "dial failed");
        assertNotNull(accepted.client());
        accepted.client().setOption(StandardSocketOptions.SO_RCVBUF, bytes);
        dialed.socket().setOption(StandardSocketOptions.SO_SNDBUF, bytes);
        return new SocketPair(listener, accepted.client(), dialed.socket());
    }
}
