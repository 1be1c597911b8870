package dev.nbio.examples;

import dev.nbio.Operation;
import dev.nbio.TcpSocket;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A TCP echo server: every byte a client sends comes back to it.
 *
 * <p>The server owns one thread, which acquires an nbio event loop and ticks it (see
 * {@link LoopServer}; listening and accepting are {@link TcpServer}'s). Each connection is a
 * small {@link Conn} handed to every operation as its attachment, and the callbacks are
 * static method references, so serving a connection allocates nothing per operation:
 * receive, send it all back, receive again, until the client closes or an operation fails.
 *
 * <p><b>Threads.</b> {@link #start} returns once the server listens. {@link #stop()} and
 * {@link #awaitStop()} may be called from any thread: stop queues the shutdown to the loop's
 * thread, which closes the listener and every connection and then lets its loop go.
 */
public final class EchoServer extends TcpServer<EchoServer.Conn> {
    private static final Logger LOG = LoggerFactory.getLogger(EchoServer.class);

    /** Per-connection buffer: large enough for good throughput, small enough for many clients. */
    private static final int BUFFER_SIZE = 16 * 1024;

    private EchoServer() {
        super("echo");
    }

    /**
     * Starts an echo server on its own thread and returns once it listens.
     *
     * @param address where to listen; port 0 picks a free port
     * @param backend the nbio backend to run on ({@code nio}, {@code uring}, ...), or
     *                {@code null} for the one nbio selects
     * @return the running server
     * @throws IOException when the server cannot listen on the address (for example, the
     *                     port is taken); the message names the address
     * @throws dev.nbio.BackendUnavailableException when the backend is missing or cannot start
     */
    public static EchoServer start(InetSocketAddress address, String backend) throws IOException {
        return startOn(new EchoServer(), address, backend);
    }

    // ---- the loop's thread ------------------------------------------------------------------

    @Override
    protected Conn accepted(Operation accept, TcpSocket client) {
        LOG.debug("Accepted {}", accept.accept().clientAddress());
        return new Conn(this, client);
    }

    private static void onRecv(Operation op, Conn conn) {
        if (op.failed()) {
            LOG.debug("Receive failed ({}); closing the connection", op.recv().error());
            conn.close();
            return;
        }
        if (op.recv().received() == 0) {
            conn.close();   // The client closed its side.
            return;
        }
        conn.buffer.flip();
        op.loop().send(conn.socket, conn.buffer, conn, EchoServer::onSent);
    }

    private static void onSent(Operation op, Conn conn) {
        if (op.failed()) {
            LOG.debug("Send failed ({}); closing the connection", op.send().error());
            conn.close();
            return;
        }
        conn.buffer.clear();
        op.loop().recv(conn.socket, conn.buffer, conn, EchoServer::onRecv);
    }

    /** One client connection: the attachment of all of its operations. Used on the loop's thread only. */
    static final class Conn extends TcpConnection<EchoServer> {
        final ByteBuffer buffer = ByteBuffer.allocateDirect(BUFFER_SIZE);

        Conn(EchoServer server, TcpSocket socket) {
            super(server, socket);
        }

        @Override
        void start() {
            socket.loop().recv(socket, buffer, this, EchoServer::onRecv);
        }
    }
}
