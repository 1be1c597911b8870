package dev.nbio;

import dev.nbio.spi.Handle;
import java.io.IOException;

/**
 * A TCP socket: a listener (from {@code listenTcp} or {@code createTcpSocket}) or a
 * connection (from {@code accept} or {@code dial}).
 */
public final class TcpSocket extends SocketHandle {
    /**
     * Wraps a backend handle. Called by backends and the loop core, not by applications.
     *
     * @param loop   the loop the socket belongs to
     * @param handle the backend's handle
     */
    public TcpSocket(EventLoop loop, Handle handle) {
        super(loop, handle);
    }

    @Override
    public SocketProtocol protocol() {
        return SocketProtocol.TCP;
    }

    /**
     * Starts listening on a bound socket (an unbound one is bound to a free port first). On
     * the {@code nio} backend, {@link #bind} already starts listening, with the JDK's default
     * backlog (50), because NIO cannot bind a listening socket otherwise; there this call then
     * changes nothing. {@link EventLoop#listenTcp(java.net.InetSocketAddress, int)} applies
     * its backlog on every backend.
     *
     * @param backlog the maximum length of the queue of pending connections
     * @throws IOException              when the socket cannot listen (not bound, closed, ...)
     * @throws IllegalArgumentException when the backlog is not positive
     */
    public void listen(int backlog) throws IOException {
        if (backlog <= 0) {
            throw new IllegalArgumentException("backlog must be positive, got " + backlog);
        }
        handle().listen(backlog);
    }
}
