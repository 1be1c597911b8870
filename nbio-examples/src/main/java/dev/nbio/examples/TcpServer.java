package dev.nbio.examples;

import dev.nbio.AcceptError;
import dev.nbio.EventLoop;
import dev.nbio.Operation;
import dev.nbio.TcpSocket;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link LoopServer} that listens on TCP: what the echo, sink, ping, worker-pool and HTTP
 * servers share, so that each of them holds only its protocol.
 *
 * <p>The server is the attachment of its accepts, and the callback is a static method
 * reference. Each accept arms the next one before the new client is served, so clients never
 * wait on each other. The subclass makes the client's {@link TcpConnection} in
 * {@link #accepted}; the server keeps it in its set and counts it until its close has called
 * back. Stopping closes the listener, which ends the pending accept with {@code CLOSED}, and
 * {@linkplain TcpConnection#stop() stops} every connection.
 *
 * @param <C> the kind of connection the server serves
 */
public abstract class TcpServer<C extends TcpConnection<?>> extends LoopServer {
    /** How long to wait before accepting again when the process is out of file descriptors. */
    private static final Duration ACCEPT_BACKOFF = Duration.ofMillis(100);

    private final Logger log = LoggerFactory.getLogger(getClass());
    private final AtomicInteger openConnections = new AtomicInteger();

    // Owned by the loop's thread.
    private final Set<C> connections = new HashSet<>();
    private TcpSocket listener;

    /**
     * Creates a server that is not running yet.
     *
     * @param name the short name used in thread names and log lines, e.g. {@code echo}
     */
    protected TcpServer(String name) {
        super(name);
    }

    /**
     * How many client connections are open: accepted and not yet closed.
     *
     * @return the count; safe to read from any thread
     */
    public final int connectionCount() {
        return openConnections.get();
    }

    // ---- the loop's thread ------------------------------------------------------------------

    /**
     * On the loop's thread: makes the connection for a client that was just accepted. The
     * server then counts it and calls its {@link TcpConnection#start()}.
     *
     * @param accept the accept that succeeded, for the client's address and the time
     * @param client the client's socket
     * @return the new connection
     */
    protected abstract C accepted(Operation accept, TcpSocket client);

    /**
     * On the loop's thread: opens the listening socket. {@code listenTcp} by default.
     *
     * @param loop        the server's loop
     * @param bindAddress where to listen
     * @return the listening socket
     * @throws IOException when the address cannot be bound; the message names it
     */
    protected TcpSocket listen(EventLoop loop, InetSocketAddress bindAddress) throws IOException {
        return loop.listenTcp(bindAddress);
    }

    @Override
    protected final InetSocketAddress open(EventLoop loop, InetSocketAddress bindAddress) throws IOException {
        listener = listen(loop, bindAddress);
        loop.accept(listener, this, TcpServer::onAccept);
        return listener.localAddress();
    }

    /** Closes the listener and stops every connection. A subclass that overrides it calls it too. */
    @Override
    protected void beginStop(EventLoop loop) {
        loop.close(listener);
        for (C conn : new ArrayList<>(connections)) {
            conn.stop();
        }
    }

    /** Called by a connection that starts closing: the server no longer stops it. */
    final void closing(TcpConnection<?> conn) {
        connections.remove(conn);
    }

    /** Called by a connection once its close has called back. */
    final void closed() {
        openConnections.decrementAndGet();
    }

    private static void onAccept(Operation op, TcpServer<?> server) {
        if (op.failed()) {
            server.onAcceptFailed(op);
            return;
        }
        TcpSocket client = op.accept().client();
        if (server.stopping()) {
            op.loop().close(client);
            return;
        }
        // Accept the next client before serving this one, so clients never wait on each other.
        op.loop().accept(server.listener, server, TcpServer::onAccept);
        server.serve(op, client);
    }

    private void serve(Operation accept, TcpSocket client) {
        C conn = accepted(accept, client);
        connections.add(conn);
        openConnections.incrementAndGet();
        conn.start();
    }

    /**
     * Accepts again when the error can pass. A client that gave up ({@code CONNECTION_ABORTED})
     * is no reason to wait; when the process is out of file descriptors an accept started at
     * once would fail at once, so it waits 100 ms; a closed listener, or an error nobody
     * expects, ends accepting (logged) rather than spinning on a listener that keeps failing.
     */
    private void onAcceptFailed(Operation op) {
        AcceptError error = op.accept().error();
        if (stopping() || error == AcceptError.CLOSED) {
            return;   // The listener is gone: accepting again would only fail again.
        }
        switch (error) {
            case CONNECTION_ABORTED -> {
                log.debug("A client gave up before its connection was accepted; accepting the next");
                op.loop().accept(listener, this, TcpServer::onAccept);
            }
            case INSUFFICIENT_RESOURCES -> {
                // Out of descriptors lasts: the message every time, the stack trace at debug level.
                log.warn("Accept failed ({}); trying again in {} ms: {}", error, ACCEPT_BACKOFF.toMillis(),
                        op.cause() == null ? "no further detail" : op.cause().getMessage());
                log.debug("Accept failure", op.cause());
                op.loop().timeout(ACCEPT_BACKOFF, this, TcpServer::onAcceptBackoffOver);
            }
            default -> log.error("Accept failed ({}, errno {}); no longer accepting connections",
                    error, op.errno(), op.cause());
        }
    }

    private static void onAcceptBackoffOver(Operation op, TcpServer<?> server) {
        if (!server.stopping()) {
            op.loop().accept(server.listener, server, TcpServer::onAccept);
        }
    }
}
