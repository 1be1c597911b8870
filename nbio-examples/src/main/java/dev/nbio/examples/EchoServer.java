package dev.nbio.examples;

import dev.nbio.AcceptError;
import dev.nbio.EventLoop;
import dev.nbio.Operation;
import dev.nbio.TcpSocket;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A TCP echo server: every byte a client sends comes back to it.
 *
 * <p>The server owns one thread, which acquires an nbio event loop and ticks it. Each
 * connection is a small {@link Conn} handed to every operation as its attachment, and the
 * callbacks are static method references, so serving a connection allocates nothing per
 * operation: accept, then receive, send it all back, receive again, until the client
 * closes or an operation fails.
 *
 * <p><b>Threads.</b> {@link #start} returns once the server listens. {@link #stop()} and
 * {@link #awaitStop()} may be called from any thread: stop queues the shutdown to the loop's
 * thread, which closes the listener and every connection and then lets its loop go.
 */
public final class EchoServer {
    private static final Logger LOG = LoggerFactory.getLogger(EchoServer.class);

    /** Per-connection buffer: large enough for good throughput, small enough for many clients. */
    private static final int BUFFER_SIZE = 16 * 1024;

    /** How long to wait before accepting again when the process is out of file descriptors. */
    private static final Duration ACCEPT_BACKOFF = Duration.ofMillis(100);

    private final CompletableFuture<Void> listening = new CompletableFuture<>();
    private final CompletableFuture<Void> stopped = new CompletableFuture<>();
    private final AtomicBoolean stopRequested = new AtomicBoolean();
    private final AtomicInteger openConnections = new AtomicInteger();

    // Written by the loop's thread before `listening` completes, read by others after.
    private EventLoop loop;
    private TcpSocket listener;
    private InetSocketAddress address;

    // Owned by the loop's thread.
    private final Set<Conn> connections = new HashSet<>();
    private boolean stopping;

    private EchoServer() {
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
        Objects.requireNonNull(address, "address");
        EchoServer server = new EchoServer();
        Thread.ofPlatform()
                .name("nbio-echo-" + address.getPort())
                .daemon(true)
                .start(() -> server.serve(address, backend));
        server.awaitListening();
        return server;
    }

    /**
     * The address the server listens on, with the real port when it was started on port 0.
     *
     * @return the bound address
     */
    public InetSocketAddress address() {
        return address;
    }

    /**
     * The name of the backend the server's loop runs on.
     *
     * @return {@code nio}, {@code uring}, ...
     */
    public String backend() {
        return loop.backend();
    }

    /**
     * How many client connections are open: accepted and not yet closed.
     *
     * @return the count; safe to read from any thread
     */
    public int connectionCount() {
        return openConnections.get();
    }

    /**
     * Asks the server to stop: its thread closes the listener and every connection, then
     * exits. Returns at once; use {@link #awaitStop()} to wait. Safe from any thread, and
     * calling it again does nothing.
     */
    public void stop() {
        if (!stopRequested.compareAndSet(false, true) || stopped.isDone()) {
            return;
        }
        try {
            // From another thread the operation is queued and the loop woken; it runs in the next tick.
            loop.nextTick(this, EchoServer::onStop);
        } catch (IllegalStateException e) {
            // The loop's thread failed and let its loop go between the check above and here.
            LOG.debug("Echo server on {} had already ended", address, e);
        }
    }

    /**
     * Waits until the server's thread has closed everything and exited.
     *
     * @throws InterruptedException when the waiting thread is interrupted
     */
    public void awaitStop() throws InterruptedException {
        try {
            stopped.get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("the echo server's thread failed", e.getCause());
        }
    }

    private void awaitListening() throws IOException {
        try {
            listening.join();
        } catch (CompletionException e) {
            switch (e.getCause()) {
                // Rethrown here so the exception carries the caller's stack too.
                case IOException io -> throw new IOException(io.getMessage(), io);
                case RuntimeException re -> throw re;
                default -> throw new IllegalStateException("the echo server failed to start", e.getCause());
            }
        }
    }

    // ---- the loop's thread ------------------------------------------------------------------

    private void serve(InetSocketAddress bindAddress, String backend) {
        try (EventLoop acquired = backend == null ? EventLoop.acquire() : EventLoop.acquire(backend)) {
            loop = acquired;
            listener = acquired.listenTcp(bindAddress);
            address = listener.localAddress();
            Thread.currentThread().setName("nbio-echo-" + address.getPort());   // the real port, when asked for 0
            acquired.accept(listener, this, EchoServer::onAccept);
            listening.complete(null);
            LOG.info("Echo server listening on {} (backend {})", address, acquired.backend());
            while (!stopping) {
                acquired.tick();
            }
            // Let the callbacks of the closes, and of the operations they end, run.
            acquired.run();
            LOG.info("Echo server on {} stopped", address);
        } catch (IOException | RuntimeException | Error e) {
            if (!listening.completeExceptionally(e)) {
                LOG.error("Echo server on {} failed", address, e);
            }
        } finally {
            stopped.complete(null);
        }
    }

    private static void onStop(Operation op, EchoServer server) {
        server.stopping = true;
        op.loop().close(server.listener);
        for (Conn conn : new ArrayList<>(server.connections)) {
            conn.close();
        }
    }

    private static void onAccept(Operation op, EchoServer server) {
        if (op.failed()) {
            server.onAcceptFailed(op);
            return;
        }
        TcpSocket client = op.accept().client();
        if (server.stopping) {
            op.loop().close(client);
            return;
        }
        // Accept the next client before serving this one, so clients never wait on each other.
        op.loop().accept(server.listener, server, EchoServer::onAccept);
        Conn conn = new Conn(server, client);
        server.connections.add(conn);
        server.openConnections.incrementAndGet();
        LOG.debug("Accepted {}", op.accept().clientAddress());
        op.loop().recv(client, conn.buffer, conn, EchoServer::onRecv);
    }

    private void onAcceptFailed(Operation op) {
        AcceptError error = op.accept().error();
        if (stopping || error == AcceptError.CLOSED) {
            return;   // The listener is gone: accepting again would only fail again.
        }
        switch (error) {
            case CONNECTION_ABORTED -> {
                LOG.debug("A client gave up before its connection was accepted; accepting the next");
                op.loop().accept(listener, this, EchoServer::onAccept);
            }
            case INSUFFICIENT_RESOURCES -> {
                // Accepting at once would fail at once, over and over: give closes time to free descriptors.
                LOG.warn("Accept failed ({}); trying again in {} ms", error, ACCEPT_BACKOFF.toMillis(), op.cause());
                op.loop().timeout(ACCEPT_BACKOFF, this, EchoServer::onAcceptBackoffOver);
            }
            default -> LOG.error("Accept failed ({}, errno {}); no longer accepting connections",
                    error, op.errno(), op.cause());
        }
    }

    private static void onAcceptBackoffOver(Operation op, EchoServer server) {
        if (!server.stopping) {
            op.loop().accept(server.listener, server, EchoServer::onAccept);
        }
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

    private static void onClosed(Operation op, Conn conn) {
        conn.server.openConnections.decrementAndGet();
    }

    /** One client connection: the attachment of all of its operations. Used on the loop's thread only. */
    private static final class Conn {
        final EchoServer server;
        final TcpSocket socket;
        final ByteBuffer buffer = ByteBuffer.allocateDirect(BUFFER_SIZE);
        private boolean closed;

        Conn(EchoServer server, TcpSocket socket) {
            this.server = server;
            this.socket = socket;
        }

        /** Closes the socket once; an operation still pending on it ends with a CLOSED error. */
        void close() {
            if (closed) {
                return;
            }
            closed = true;
            server.connections.remove(this);
            socket.loop().close(socket, this, EchoServer::onClosed);
        }
    }
}
