package dev.nbio.examples;

import dev.nbio.EventLoop;
import dev.nbio.Operation;
import dev.nbio.RecvError;
import dev.nbio.SendError;
import dev.nbio.UdpSocket;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A UDP echo server: every datagram goes back, unchanged, to the address it came from.
 *
 * <p>One socket and one buffer serve every client. The server receives a datagram (the
 * receive reports its source), sends it back with {@code sendTo} that source, and receives
 * the next one. Datagrams that arrive meanwhile wait in the socket's receive buffer. The
 * callbacks are static method references with the server as the attachment, so echoing
 * allocates nothing in the server's code; the source address is the backend's.
 *
 * <p>Threads: as described in {@link LoopServer}.
 */
public final class UdpEchoServer extends LoopServer {
    private static final Logger LOG = LoggerFactory.getLogger(UdpEchoServer.class);

    /** The largest UDP payload there is: anything smaller fits, nothing is ever truncated. */
    static final int MAX_DATAGRAM = 65_535;

    /** How long to wait before receiving again after a receive failed for a reason other than a close. */
    private static final Duration RECEIVE_BACKOFF = Duration.ofMillis(100);

    private final AtomicLong echoed = new AtomicLong();

    // Owned by the loop's thread.
    private final ByteBuffer datagram = ByteBuffer.allocateDirect(MAX_DATAGRAM);
    private UdpSocket socket;

    private UdpEchoServer() {
        super("udp-echo");
    }

    /**
     * Starts a UDP echo server on its own thread and returns once its socket is bound.
     *
     * @param address where to receive datagrams; port 0 picks a free port
     * @param backend the nbio backend, or {@code null} for the one nbio selects
     * @return the running server
     * @throws IOException when the address cannot be bound (for example, the port is taken)
     * @throws dev.nbio.BackendUnavailableException when the backend is missing or cannot start
     */
    public static UdpEchoServer start(InetSocketAddress address, String backend) throws IOException {
        return startOn(new UdpEchoServer(), address, backend);
    }

    /**
     * How many datagrams the server has sent back.
     *
     * @return the count; safe to read from any thread
     */
    public long echoedCount() {
        return echoed.get();
    }

    // ---- the loop's thread ------------------------------------------------------------------

    @Override
    protected InetSocketAddress open(EventLoop loop, InetSocketAddress bindAddress) throws IOException {
        try {
            socket = loop.bindUdp(bindAddress);
        } catch (IOException e) {
            throw new IOException("cannot bind UDP " + bindAddress + ": " + e.getMessage(), e);
        }
        loop.recv(socket, datagram, this, UdpEchoServer::onReceived);
        return socket.localAddress();
    }

    @Override
    protected void beginStop(EventLoop loop) {
        loop.close(socket);   // The pending receive ends with CLOSED.
    }

    private static void onReceived(Operation op, UdpEchoServer server) {
        if (op.failed()) {
            server.onReceiveFailed(op);
            return;
        }
        InetSocketAddress source = op.recv().source();
        if (op.recv().received() == 0) {
            // An empty datagram: nbio sends at least one byte, so there is nothing to echo.
            LOG.debug("Ignoring an empty datagram from {}", source);
            server.receiveNext(op.loop());
            return;
        }
        server.datagram.flip();
        op.loop().sendTo(server.socket, server.datagram, source, server, UdpEchoServer::onSent);
    }

    private static void onSent(Operation op, UdpEchoServer server) {
        if (op.failed()) {
            if (op.send().error() == SendError.CLOSED) {
                return;   // Stopping.
            }
            // UDP may lose a datagram anyway; the client will time out and retry.
            LOG.debug("Could not echo a datagram ({}); dropping it", op.send().error(), op.cause());
        } else {
            server.echoed.incrementAndGet();
        }
        server.receiveNext(op.loop());
    }

    private void receiveNext(EventLoop loop) {
        if (stopping()) {
            return;
        }
        datagram.clear();
        loop.recv(socket, datagram, this, UdpEchoServer::onReceived);
    }

    private void onReceiveFailed(Operation op) {
        RecvError error = op.recv().error();
        if (stopping() || error == RecvError.CLOSED) {
            return;
        }
        if (error == RecvError.CONNECTION_REFUSED) {
            // A client we echoed to earlier had gone: nothing wrong with the socket.
            LOG.debug("A client was unreachable; receiving the next datagram");
            receiveNext(op.loop());
            return;
        }
        // Receiving at once might fail at once, over and over: give the system time.
        LOG.warn("Receive failed ({}, errno {}); trying again in {} ms", error, op.errno(),
                RECEIVE_BACKOFF.toMillis(), op.cause());
        op.loop().timeout(RECEIVE_BACKOFF, this, UdpEchoServer::onBackoffOver);
    }

    private static void onBackoffOver(Operation op, UdpEchoServer server) {
        server.receiveNext(op.loop());
    }
}
