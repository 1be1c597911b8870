package dev.nbio.examples;

import dev.nbio.AcceptError;
import dev.nbio.EventLoop;
import dev.nbio.FileFlag;
import dev.nbio.FileHandle;
import dev.nbio.OpError;
import dev.nbio.Operation;
import dev.nbio.Permissions;
import dev.nbio.TcpSocket;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A TCP server that receives whatever its clients send and, when a client closes, reports
 * what came: how many bytes, their SHA-256, how long it took. With an output path it also
 * stores each connection's bytes in a file. It is the other end for {@code nbio sendfile}.
 *
 * <p>Like {@link EchoServer}, it owns one thread that ticks its own loop, and every
 * connection's operations carry the connection as their attachment. A connection does one
 * thing at a time: receive into its buffer, write that to its file (when storing), receive
 * again. While it writes it does not receive, so TCP flow control holds back a client that
 * sends faster than the disk takes.
 *
 * <p>{@link #stop()} and {@link #awaitStop()} may be called from any thread. Summaries go to
 * the listener given to {@link #start}, on the server's thread.
 */
public final class SinkServer {
    private static final Logger LOG = LoggerFactory.getLogger(SinkServer.class);

    /** Per-connection receive buffer. */
    private static final int BUFFER_SIZE = 64 * 1024;

    /**
     * What one connection delivered, reported once it has ended.
     *
     * @param number       1 for the server's first connection, then 2, 3, ...
     * @param remote       the client's address
     * @param bytes        how many bytes arrived
     * @param sha256       the SHA-256 of those bytes, in lower-case hex
     * @param elapsedNanos from the accept to the end of the connection
     * @param error        the named error that ended it ({@code RecvError.CONNECTION_RESET}, ...),
     *                     or {@code null} when the client closed it
     * @param storedIn     the file holding the bytes, or {@code null} when not storing
     */
    public record ConnectionSummary(int number, InetSocketAddress remote, long bytes, String sha256,
                                    long elapsedNanos, String error, Path storedIn) {
        /** One line for people: what arrived, from where, how fast, and where it went. */
        public String describe() {
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT,
                    "connection %d from %s: %d bytes (%s) in %s, %s, sha256 %s",
                    number, remote, bytes, Units.bytes(bytes), Units.seconds(elapsedNanos),
                    Units.rate(bytes, elapsedNanos), sha256));
            if (storedIn != null) {
                line.append(", stored in ").append(storedIn);
            }
            if (error != null) {
                line.append(", ended by ").append(error);
            }
            return line.toString();
        }
    }

    private final Path out;
    private final Consumer<ConnectionSummary> summaries;
    private final CompletableFuture<Void> listening = new CompletableFuture<>();
    private final CompletableFuture<Void> stopped = new CompletableFuture<>();
    private final AtomicBoolean stopRequested = new AtomicBoolean();
    private final AtomicInteger openConnections = new AtomicInteger();
    private final AtomicLong bytesReceived = new AtomicLong();

    // Written by the loop's thread before `listening` completes, read by others after.
    private EventLoop loop;
    private TcpSocket listener;
    private InetSocketAddress address;

    // Owned by the loop's thread.
    private final Set<Conn> connections = new HashSet<>();
    private int accepted;
    private boolean stopping;

    private SinkServer(Path out, Consumer<ConnectionSummary> summaries) {
        this.out = out;
        this.summaries = summaries;
    }

    /**
     * Starts a sink on its own thread and returns once it listens.
     *
     * @param address  where to listen; port 0 picks a free port
     * @param backend  the nbio backend, or {@code null} for the one nbio selects
     * @param out      where to store the bytes: connection 1 writes this file, connection
     *                 {@code n > 1} writes {@code out.n}; {@code null} only counts them
     * @param listener gets each connection's summary when it ends, on the server's thread
     * @return the running server
     * @throws IOException when it cannot listen on the address; the message names it
     * @throws dev.nbio.BackendUnavailableException when the backend is missing or cannot start
     */
    public static SinkServer start(InetSocketAddress address, String backend, Path out,
                                   Consumer<ConnectionSummary> listener) throws IOException {
        Objects.requireNonNull(address, "address");
        SinkServer server = new SinkServer(out, Objects.requireNonNull(listener, "listener"));
        Thread.ofPlatform()
                .name("nbio-sink-" + address.getPort())
                .daemon(true)
                .start(() -> server.serve(address, backend));
        server.awaitListening();
        return server;
    }

    /**
     * The address the server listens on, with the real port when started on port 0.
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
     * How many connections are open: accepted and not yet ended.
     *
     * @return the count; safe to read from any thread
     */
    public int connectionCount() {
        return openConnections.get();
    }

    /**
     * How many bytes have arrived so far, over every connection.
     *
     * @return the count; safe to read from any thread
     */
    public long bytesReceived() {
        return bytesReceived.get();
    }

    /**
     * The file that connection {@code number} stores its bytes in.
     *
     * @param number the connection's number, from 1
     * @return the path, or {@code null} when the server does not store
     */
    public Path outputFor(int number) {
        if (out == null) {
            return null;
        }
        return number == 1 ? out : out.resolveSibling(out.getFileName() + "." + number);
    }

    /** Asks the server to stop: it closes the listener and every connection. Safe from any thread, once or more. */
    public void stop() {
        if (!stopRequested.compareAndSet(false, true) || stopped.isDone()) {
            return;
        }
        try {
            loop.nextTick(this, SinkServer::onStop);
        } catch (IllegalStateException e) {
            LOG.debug("Sink on {} had already ended", address, e);
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
            throw new IllegalStateException("the sink's thread failed", e.getCause());
        }
    }

    private void awaitListening() throws IOException {
        try {
            listening.join();
        } catch (CompletionException e) {
            switch (e.getCause()) {
                case IOException io -> throw new IOException(io.getMessage(), io);
                case RuntimeException re -> throw re;
                default -> throw new IllegalStateException("the sink failed to start", e.getCause());
            }
        }
    }

    // ---- the loop's thread ------------------------------------------------------------------

    private void serve(InetSocketAddress bindAddress, String backend) {
        try (EventLoop acquired = backend == null ? EventLoop.acquire() : EventLoop.acquire(backend)) {
            loop = acquired;
            listener = acquired.listenTcp(bindAddress);
            address = listener.localAddress();
            Thread.currentThread().setName("nbio-sink-" + address.getPort());
            acquired.accept(listener, this, SinkServer::onAccept);
            listening.complete(null);
            while (!stopping) {
                acquired.tick();
            }
            acquired.run();   // the closes, and the callbacks of what they ended
        } catch (IOException | RuntimeException | Error e) {
            if (!listening.completeExceptionally(e)) {
                LOG.error("Sink on {} failed", address, e);
            }
        } finally {
            stopped.complete(null);
        }
    }

    private static void onStop(Operation op, SinkServer server) {
        server.stopping = true;
        op.loop().close(server.listener);
        for (Conn conn : new ArrayList<>(server.connections)) {
            conn.socket.loop().close(conn.socket);   // its pending receive ends with CLOSED and reports
        }
    }

    private static void onAccept(Operation op, SinkServer server) {
        if (op.failed()) {
            AcceptError error = op.accept().error();
            if (!server.stopping && error != AcceptError.CLOSED) {
                LOG.error("Accept failed ({}); no longer accepting connections", error, op.cause());
            }
            return;
        }
        TcpSocket client = op.accept().client();
        if (server.stopping) {
            op.loop().close(client);
            return;
        }
        op.loop().accept(server.listener, server, SinkServer::onAccept);
        server.accepted++;
        Conn conn = new Conn(server, client, server.accepted, op.accept().clientAddress(), op.loop().nanoTime());
        server.connections.add(conn);
        server.openConnections.incrementAndGet();
        Path target = server.outputFor(conn.number);
        if (target == null) {
            op.loop().recv(client, conn.buffer, conn, SinkServer::onRecv);
        } else {
            op.loop().open(null, target, EnumSet.of(FileFlag.WRITE, FileFlag.CREATE, FileFlag.TRUNCATE),
                    Permissions.DEFAULT_FILE, conn, SinkServer::onOutputOpened);
        }
    }

    private static void onOutputOpened(Operation op, Conn conn) {
        if (op.failed()) {
            LOG.error("Cannot store connection {} in {}: {}", conn.number, conn.server.outputFor(conn.number),
                    op.open().error());
            conn.end(op.open().error());
            return;
        }
        conn.file = op.open().file();
        op.loop().recv(conn.socket, conn.buffer, conn, SinkServer::onRecv);
    }

    private static void onRecv(Operation op, Conn conn) {
        if (op.failed()) {
            conn.end(op.recv().error());
            return;
        }
        if (op.recv().received() == 0) {
            conn.end(null);   // the client closed its side: everything has arrived
            return;
        }
        conn.buffer.flip();
        conn.digest.update(conn.buffer.duplicate());
        conn.bytes += conn.buffer.remaining();
        conn.server.bytesReceived.addAndGet(conn.buffer.remaining());
        if (conn.file == null) {
            conn.buffer.clear();
            op.loop().recv(conn.socket, conn.buffer, conn, SinkServer::onRecv);
        } else {
            op.loop().write(conn.file, conn.written, conn.buffer, true, null, conn, SinkServer::onWritten);
        }
    }

    private static void onWritten(Operation op, Conn conn) {
        if (op.failed()) {
            conn.end(op.write().error());
            return;
        }
        conn.written += op.write().written();
        conn.buffer.clear();
        op.loop().recv(conn.socket, conn.buffer, conn, SinkServer::onRecv);
    }

    private static void onOutputClosed(Operation op, Conn conn) {
        conn.report();
    }

    /** One client connection: the attachment of all of its operations. Used on the loop's thread only. */
    private static final class Conn {
        final SinkServer server;
        final TcpSocket socket;
        final int number;
        final InetSocketAddress remote;
        final long acceptedNanos;
        final ByteBuffer buffer = ByteBuffer.allocateDirect(BUFFER_SIZE);
        final MessageDigest digest = sha256();
        FileHandle file;
        long bytes;
        long written;
        private OpError error;
        private long endNanos;

        Conn(SinkServer server, TcpSocket socket, int number, InetSocketAddress remote, long acceptedNanos) {
            this.server = server;
            this.socket = socket;
            this.number = number;
            this.remote = remote;
            this.acceptedNanos = acceptedNanos;
        }

        /** Closes the socket and the file; the summary follows once the file is closed, so it is complete on disk. */
        void end(OpError cause) {
            error = cause;
            endNanos = socket.loop().nanoTime();
            server.connections.remove(this);
            server.openConnections.decrementAndGet();
            socket.loop().close(socket);
            if (file != null) {
                file.loop().close(file, this, SinkServer::onOutputClosed);
            } else {
                report();
            }
        }

        void report() {
            server.summaries.accept(new ConnectionSummary(number, remote, bytes,
                    HexFormat.of().formatHex(digest.digest()), endNanos - acceptedNanos,
                    error == null ? null : ErrorNames.of(error),
                    file == null ? null : server.outputFor(number)));
        }

        private static MessageDigest sha256() {
            try {
                return MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("every Java runtime has SHA-256", e);
            }
        }
    }
}
