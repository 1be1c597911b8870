package dev.nbio.examples;

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
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A TCP server that receives whatever its clients send and, when a client closes, reports
 * what came: how many bytes, their SHA-256, how long it took. With an output path it also
 * stores each connection's bytes in a file. It is the other end for {@code nbio sendfile}.
 *
 * <p>Like {@link EchoServer}, it is a {@link TcpServer}: one thread that ticks its own loop,
 * and every connection's operations carry the connection as their attachment. A connection
 * does one thing at a time: receive into its buffer, write that to its file (when storing),
 * receive again. While it writes it does not receive, so TCP flow control holds back a
 * client that sends faster than the disk takes.
 *
 * <p>{@link #stop()} and {@link #awaitStop()} may be called from any thread. Summaries go to
 * the listener given to {@link #start}, on the server's thread.
 */
public final class SinkServer extends TcpServer<SinkServer.Conn> {
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
    private final AtomicLong bytesReceived = new AtomicLong();

    // Owned by the loop's thread.
    private int accepted;

    private SinkServer(Path out, Consumer<ConnectionSummary> summaries) {
        super("sink");
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
        return startOn(new SinkServer(out, Objects.requireNonNull(listener, "listener")), address, backend);
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

    // ---- the loop's thread ------------------------------------------------------------------

    @Override
    protected Conn accepted(Operation accept, TcpSocket client) {
        accepted++;
        return new Conn(this, client, accepted, accept.accept().clientAddress(), accept.loop().nanoTime());
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

    /**
     * One client connection: the attachment of all of its operations. Used on the loop's
     * thread only. When the server stops it closes like any connection; its pending receive
     * then ends with {@code CLOSED}, which ends and reports it.
     */
    static final class Conn extends TcpConnection<SinkServer> {
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
            super(server, socket);
            this.number = number;
            this.remote = remote;
            this.acceptedNanos = acceptedNanos;
        }

        @Override
        void start() {
            Path target = server.outputFor(number);
            if (target == null) {
                socket.loop().recv(socket, buffer, this, SinkServer::onRecv);
            } else {
                socket.loop().open(null, target, EnumSet.of(FileFlag.WRITE, FileFlag.CREATE, FileFlag.TRUNCATE),
                        Permissions.DEFAULT_FILE, this, SinkServer::onOutputOpened);
            }
        }

        /** Closes the socket and the file; the summary follows once the file is closed, so it is complete on disk. */
        void end(OpError cause) {
            error = cause;
            endNanos = socket.loop().nanoTime();
            close();
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
