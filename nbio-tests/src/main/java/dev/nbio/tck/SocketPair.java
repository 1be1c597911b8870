package dev.nbio.tck;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.nbio.EventLoop;
import dev.nbio.Operation;
import dev.nbio.TcpSocket;
import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * A connected TCP pair on one loop, made through the loop's own accept and dial: the
 * listener, the server side of the connection and the client side. Closing the pair
 * closes all three synchronously, so a test can end without ticking.
 *
 * @param listener the listening socket
 * @param server   the accepted connection
 * @param client   the dialed connection
 */
public record SocketPair(TcpSocket listener, TcpSocket server, TcpSocket client) implements AutoCloseable {
    /**
     * Listens on {@code address}, dials it and ticks {@code loop} until both sides are
     * connected; fails the test if that takes longer than {@link LoopTest#LIMIT}.
     *
     * @param loop    the loop of the calling thread
     * @param address where to listen; port 0 picks a free one
     * @return the connected pair
     * @throws IOException when the listener cannot be opened
     */
    public static SocketPair open(EventLoop loop, InetSocketAddress address) throws IOException {
        TcpSocket listener = loop.listenTcp(address);
        InetSocketAddress bound = listener.localAddress();
        TcpSocket[] sides = new TcpSocket[2];
        loop.accept(listener, (Operation op) -> {
            assertFalse(op.failed(), () -> "accept failed: " + op.error());
            sides[0] = op.accept().client();
        });
        loop.dial(bound, (Operation op) -> {
            assertFalse(op.failed(), () -> "dial failed: " + op.error());
            sides[1] = op.dial().socket();
        });
        Ticking.tickAtMost(loop, LoopTest.LIMIT, () -> sides[0] != null && sides[1] != null);
        assertNotNull(sides[0], "no connection accepted within " + LoopTest.LIMIT);
        assertNotNull(sides[1], "dial did not complete within " + LoopTest.LIMIT);
        return new SocketPair(listener, sides[0], sides[1]);
    }

    /** Closes the three sockets synchronously, ignoring those already closed. */
    @Override
    public void close() {
        OpenHandles.closeNow(client);
        OpenHandles.closeNow(server);
        OpenHandles.closeNow(listener);
    }
}
