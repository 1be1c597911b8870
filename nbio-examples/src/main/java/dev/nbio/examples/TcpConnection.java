package dev.nbio.examples;

import dev.nbio.Operation;
import dev.nbio.TcpSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Objects;

/**
 * One client of a {@link TcpServer}: the attachment of every operation on its socket, used on
 * the server's loop thread only. It closes its socket once, however many callbacks ask, and
 * the server counts it until that close has called back. A subclass adds its buffers and
 * protocol state, and starts the first operation in {@link #start()}.
 *
 * @param <S> the kind of server the connection belongs to
 */
public abstract class TcpConnection<S extends TcpServer<?>> {
    /**
     * A server that closes a connection on its own (after {@code QUIT}, or input it refuses)
     * first reads and discards what the client still sends, until the client has been quiet
     * this long. Closing a socket with unread bytes makes the system send a reset instead of
     * an orderly end, and a reset can make the client lose the last reply before reading it.
     */
    static final Duration LINGER_QUIET_TIME = Duration.ofMillis(200);

    /** The most a lingering connection discards before it closes anyway. */
    static final int LINGER_MAX_BYTES = 64 * 1024;

    /** The server that accepted the connection. */
    final S server;
    /** The client's socket. */
    final TcpSocket socket;
    private boolean closed;
    private ByteBuffer lingerBuffer;
    private int discarded;

    /**
     * Creates the connection of a client that was just accepted.
     *
     * @param server the server that accepted it
     * @param socket the client's socket
     */
    protected TcpConnection(S server, TcpSocket socket) {
        this.server = Objects.requireNonNull(server, "server");
        this.socket = Objects.requireNonNull(socket, "socket");
    }

    /** Starts the connection's first operation; called once the server counts it. */
    abstract void start();

    /** When the server stops: closes the connection. One that must finish something first closes later. */
    void stop() {
        close();
    }

    /** Closes the socket once; an operation still pending on it ends with a CLOSED error. */
    void close() {
        if (closed) {
            return;
        }
        closed = true;
        server.closing(this);
        socket.loop().close(socket, this, TcpConnection::onClosed);
    }

    /**
     * Whether {@link #close()} has run.
     *
     * @return true once the connection is closing or closed
     */
    final boolean closed() {
        return closed;
    }

    /**
     * After the last reply: reads and drops input until the client is quiet for
     * {@link #LINGER_QUIET_TIME}, closes its side or has sent {@link #LINGER_MAX_BYTES}, or
     * the server stops; then closes.
     *
     * @param scratch a buffer the connection no longer needs, to receive into
     */
    final void lingerThenClose(ByteBuffer scratch) {
        lingerBuffer = scratch;
        lingerBuffer.clear();
        socket.loop().recv(socket, lingerBuffer, false, LINGER_QUIET_TIME, this, TcpConnection::onLingered);
    }

    private static void onLingered(Operation op, TcpConnection<?> conn) {
        if (op.failed() || op.recv().received() == 0 || conn.server.stopping()) {
            conn.close();   // Quiet for LINGER_QUIET_TIME (TIMEOUT), closed by the client, or the server stops.
            return;
        }
        conn.discarded += op.recv().received();
        if (conn.discarded > LINGER_MAX_BYTES) {
            conn.close();
            return;
        }
        conn.lingerThenClose(conn.lingerBuffer);
    }

    private static void onClosed(Operation op, TcpConnection<?> conn) {
        conn.server.closed();
    }
}
