package dev.nbio.examples;

import dev.nbio.EventLoop;
import dev.nbio.FileFlag;
import dev.nbio.FileHandle;
import dev.nbio.FileType;
import dev.nbio.OpenError;
import dev.nbio.Operation;
import dev.nbio.Permissions;
import dev.nbio.RecvError;
import dev.nbio.TcpSocket;
import dev.nbio.examples.HttpResponses.Persistence;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection of an {@link HttpWorker}: its buffers, where parsing stands, and
 * what happens to the connection after the response. It is the attachment of every
 * operation on its socket, and the callbacks are static, so serving {@code /plaintext}
 * allocates nothing per request.
 *
 * <p><b>The cycle.</b> At most one operation is pending per connection. A receive appends to
 * the read buffer; {@link #advance()} then parses every complete request in it and writes
 * each response into the write buffer, so responses to pipelined requests go out in order
 * and together, in one send. When the write buffer runs short it is sent first and
 * parsing resumes after. When no complete request is left, the responses are sent, and
 * after the send the connection receives again (or closes). A static file interrupts the
 * run: open, stat, the head joins the write buffer, one send, then {@code sendfile}, then
 * the next request.
 *
 * <p><b>Timeouts.</b> Every receive and send carries the idle timeout. A connection that
 * times out between requests is closed silently; one that timed out inside a request is
 * told 408 first. A {@code sendfile} has none, since nbio's timeout bounds a whole operation
 * and a large file on a slow link may rightly take long.
 *
 * <p><b>Closing after an error.</b> After an error response the client may still be sending
 * (the body of a 413, the rest of an oversized head). Closing a socket with unread input
 * makes the kernel send a reset, which can destroy the response before the client reads
 * it; so the connection first lingers: it reads and drops input until the client closes,
 * pauses for {@link #LINGER_QUIET}, or has sent {@link #LINGER_MAX_BYTES} or for
 * {@link #LINGER_MAX_NANOS}.
 */
final class HttpConnection extends TcpConnection<HttpWorker> {
    private static final Logger LOG = LoggerFactory.getLogger(HttpConnection.class);

    private static final Set<FileFlag> READ_ONLY = Collections.unmodifiableSet(EnumSet.of(FileFlag.READ));
    private static final Duration LINGER_QUIET = Duration.ofMillis(50);
    private static final long LINGER_MAX_NANOS = TimeUnit.SECONDS.toNanos(2);
    private static final long LINGER_MAX_BYTES = 1024 * 1024;

    private final EventLoop loop;
    private final Duration idleTimeout;
    private final ByteBuffer readBuffer;
    private final ByteBuffer writeBuffer;
    private final HttpRequestParser parser;

    /** The received bytes not yet consumed are {@code [readStart, readEnd)} of the read buffer. */
    private int readStart;
    private int readEnd;
    /** Bytes of the last request's body still to be read and dropped. */
    private long bodyToSkip;
    /** What the last response told the client about the connection. */
    private Persistence persistence = Persistence.KEEP_OPEN;
    /** Close once the write buffer (and file) have gone out. */
    private boolean closeAfterWrite;
    /** Read and drop input for a while before that close. */
    private boolean lingerAfterWrite;

    // The file being served, from its stat to the end of its sendfile.
    private FileHandle file;
    private long fileSize;
    private byte[] fileContentType;
    private boolean headOnly;

    private long lingerStartNanos;
    private long lingeredBytes;

    HttpConnection(HttpWorker worker, TcpSocket socket) {
        super(worker, socket);
        HttpServerConfig config = worker.config();
        this.loop = socket.loop();
        this.idleTimeout = config.idleTimeout();
        this.readBuffer = ByteBuffer.allocateDirect(config.readBufferSize());
        this.writeBuffer = ByteBuffer.allocateDirect(config.writeBufferSize());
        this.parser = new HttpRequestParser(config.maxHeaders(), config.maxBodyBytes());
    }

    @Override
    void start() {
        receive();
    }

    /** Closes the file being served too, first; an operation pending on either ends with CLOSED. */
    @Override
    void close() {
        if (!closed()) {
            closeFile();
        }
        super.close();
    }

    // ---- requests ------------------------------------------------------------------------------

    /** Serves every complete request received, then sends or receives. Nothing is pending when called. */
    private void advance() {
        while (true) {
            if (bodyToSkip > 0 && !skipBody()) {
                break;
            }
            if (readStart == readEnd) {
                break;
            }
            if (writeBuffer.remaining() < HttpResponses.MAX_HEAD_BYTES) {
                flush();   // and parse this request again after the send
                return;
            }
            int headLength = parser.parse(readBuffer, readStart, readEnd);
            if (headLength == HttpRequestParser.NEED_MORE) {
                if (readStart == 0 && readEnd == readBuffer.capacity()) {
                    refuse(parser.statusForOversizedHead(readBuffer, readStart, readEnd));
                    return;
                }
                break;
            }
            if (headLength == HttpRequestParser.ERROR) {
                refuse(parser.error());
                return;
            }
            if (!respond(headLength)) {
                return;   // a file is being opened; its callbacks carry on
            }
            if (closeAfterWrite) {
                flush();
                return;
            }
        }
        if (writeBuffer.position() > 0) {
            flush();
        } else {
            receive();
        }
    }

    /**
     * Answers one request whose head is complete. The parser's offsets stay valid while it
     * runs: nothing moves the read buffer's bytes until the next receive.
     *
     * @return false when the answer waits for a file to open
     */
    private boolean respond(int headLength) {
        ByteBuffer in = readBuffer;
        readStart += headLength;
        bodyToSkip = Math.max(0, parser.contentLength());
        headOnly = parser.methodIs(in, HttpRequestParser.HEAD);
        boolean keepAlive = parser.keepAlive();
        closeAfterWrite = !keepAlive;
        persistence = !keepAlive ? Persistence.CLOSE
                : parser.minorVersion() == 0 ? Persistence.CONFIRM_KEEP_ALIVE : Persistence.KEEP_OPEN;
        // Unread input at a close could reset the connection under the response: linger then.
        lingerAfterWrite = closeAfterWrite && (bodyToSkip > 0 || readStart < readEnd);

        if (!headOnly && !parser.methodIs(in, HttpRequestParser.GET)) {
            answer(HttpStatus.METHOD_NOT_ALLOWED);
        } else if (in.get(parser.targetStart()) != '/') {
            answer(HttpStatus.BAD_REQUEST);   // only origin-form targets: no "*", no absolute URIs
        } else if (parser.pathIs(in, HttpResponses.PLAINTEXT_PATH)) {
            HttpResponses.plaintext(writeBuffer, server.date(), headOnly, persistence);
        } else if (server.files() == null) {
            answer(HttpStatus.NOT_FOUND);
        } else {
            HttpStaticFiles.Target target = server.files().resolve(in, parser.targetStart(), parser.pathEnd());
            if (target.refusal() != null) {
                answer(target.refusal());
            } else {
                fileContentType = target.contentType();
                loop.open(null, target.file(), READ_ONLY, Permissions.DEFAULT_FILE, this, HttpConnection::onFileOpened);
                return false;
            }
        }
        return true;
    }

    /** A status with its short body, keeping the connection as the request asked. */
    private void answer(HttpStatus status) {
        HttpResponses.error(writeBuffer, status, server.date(), headOnly, persistence);
    }

    /** Answers a request the server cannot or will not parse, then closes. */
    private void refuse(HttpStatus status) {
        if (LOG.isDebugEnabled()) {
            LOG.debug("Refusing a request with {} on {}", status.code(), socket);
        }
        HttpResponses.error(writeBuffer, status, server.date(), false, Persistence.CLOSE);
        readStart = readEnd;
        bodyToSkip = 0;
        closeAfterWrite = true;
        lingerAfterWrite = true;
        flush();
    }

    /** Drops body bytes that have arrived. @return true when the whole body is gone */
    private boolean skipBody() {
        int dropped = (int) Math.min(bodyToSkip, readEnd - readStart);
        readStart += dropped;
        bodyToSkip -= dropped;
        return bodyToSkip == 0;
    }

    /** After a response written by a file callback: carry on as {@link #advance()} would. */
    private void continueAfterAnswer() {
        if (closeAfterWrite) {
            flush();
        } else {
            advance();
        }
    }

    /** After everything written so far has gone out. */
    private void afterWrite() {
        if (!closeAfterWrite) {
            advance();
        } else if (lingerAfterWrite) {
            linger();
        } else {
            close();
        }
    }

    // ---- receiving and sending --------------------------------------------------------------

    private void receive() {
        if (readStart == readEnd) {
            readStart = 0;
            readEnd = 0;
        } else if (readStart > 0) {
            // Move the start of the next request to the front, so it can use the whole buffer.
            readBuffer.limit(readEnd).position(readStart);
            readBuffer.compact();
            readEnd -= readStart;
            readStart = 0;
        }
        readBuffer.limit(readBuffer.capacity()).position(readEnd);
        loop.recv(socket, readBuffer, false, idleTimeout, this, HttpConnection::onRecv);
    }

    private static void onRecv(Operation op, HttpConnection conn) {
        if (conn.closed()) {
            return;
        }
        if (op.failed()) {
            conn.onRecvFailed(op.recv().error());
            return;
        }
        int received = op.recv().received();
        if (received == 0) {
            conn.close();   // the client closed its side; a partial request dies with it
            return;
        }
        conn.server.received(received);
        conn.readEnd += received;
        conn.advance();
    }

    private void onRecvFailed(RecvError error) {
        if (error == RecvError.TIMEOUT && (readStart < readEnd || bodyToSkip > 0)) {
            refuse(HttpStatus.REQUEST_TIMEOUT);
            return;
        }
        if (error != RecvError.TIMEOUT) {
            LOG.debug("Receive failed ({}); closing {}", error, socket);
        }
        close();
    }

    private void flush() {
        writeBuffer.flip();
        loop.send(socket, writeBuffer, true, idleTimeout, this, HttpConnection::onSent);
    }

    private static void onSent(Operation op, HttpConnection conn) {
        if (conn.closed()) {
            return;
        }
        if (op.failed()) {
            LOG.debug("Send failed ({}); closing {}", op.send().error(), conn.socket);
            conn.close();
            return;
        }
        conn.writeBuffer.clear();
        if (conn.file != null) {
            op.loop().sendfile(conn.socket, conn.file, 0, conn.fileSize, false, null, conn, HttpConnection::onFileSent);
            return;
        }
        conn.afterWrite();
    }

    // ---- static files -----------------------------------------------------------------------

    private static void onFileOpened(Operation op, HttpConnection conn) {
        if (conn.closed()) {
            if (!op.failed()) {
                op.loop().close(op.open().file());
            }
            return;
        }
        if (op.failed()) {
            conn.answer(statusFor(op.open().error()));
            conn.continueAfterAnswer();
            return;
        }
        conn.file = op.open().file();
        op.loop().stat(conn.file, conn, HttpConnection::onFileStat);
    }

    private static void onFileStat(Operation op, HttpConnection conn) {
        if (conn.closed()) {
            return;   // close() closed the file too
        }
        if (op.failed() || op.stat().type() != FileType.REGULAR) {
            conn.closeFile();
            conn.answer(op.failed() ? HttpStatus.INTERNAL_SERVER_ERROR : HttpStatus.NOT_FOUND);
            conn.continueAfterAnswer();
            return;
        }
        conn.fileSize = op.stat().size();
        HttpResponses.head(conn.writeBuffer, HttpStatus.OK, conn.server.date(), conn.fileContentType, conn.fileSize,
                conn.persistence);
        if (conn.headOnly || conn.fileSize == 0) {
            conn.closeFile();
            conn.continueAfterAnswer();
            return;
        }
        conn.flush();   // the responses before this one and this head; onSent starts the sendfile
    }

    private static void onFileSent(Operation op, HttpConnection conn) {
        conn.closeFile();
        if (conn.closed()) {
            return;
        }
        if (op.failed()) {
            // The head promised fileSize bytes; all the client can learn now is that the connection ends.
            LOG.debug("Sendfile failed ({}); closing {}", op.sendfile().error(), conn.socket);
            conn.close();
            return;
        }
        conn.afterWrite();
    }

    private static HttpStatus statusFor(OpenError error) {
        return switch (error) {
            case NOT_FOUND, NOT_DIRECTORY, IS_DIRECTORY -> HttpStatus.NOT_FOUND;
            case PERMISSION_DENIED -> HttpStatus.FORBIDDEN;
            default -> HttpStatus.INTERNAL_SERVER_ERROR;
        };
    }

    private void closeFile() {
        if (file != null) {
            loop.close(file);
            file = null;
        }
    }

    // ---- closing ------------------------------------------------------------------------------

    private void linger() {
        lingerStartNanos = loop.nanoTime();
        lingeredBytes = 0;
        lingerReceive();
    }

    private void lingerReceive() {
        readBuffer.clear();
        loop.recv(socket, readBuffer, false, LINGER_QUIET, this, HttpConnection::onLingerRecv);
    }

    private static void onLingerRecv(Operation op, HttpConnection conn) {
        if (conn.closed()) {
            return;
        }
        if (op.failed() || op.recv().received() == 0) {
            conn.close();   // quiet for LINGER_QUIET, or the client closed: nothing left to reset
            return;
        }
        conn.lingeredBytes += op.recv().received();
        if (conn.lingeredBytes > LINGER_MAX_BYTES || op.loop().nanoTime() - conn.lingerStartNanos > LINGER_MAX_NANOS) {
            conn.close();
            return;
        }
        conn.lingerReceive();
    }
}
