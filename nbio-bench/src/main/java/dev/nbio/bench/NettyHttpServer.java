package dev.nbio.bench;

import static dev.nbio.bench.AsciiBytes.ascii;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * The HTTP/1.1 plaintext server on Netty, for the side-by-side with nbio's {@code http}
 * example: {@code GET /plaintext} answers {@code Hello, World!} with byte for byte the
 * response nbio's server sends (status line, then {@code Server}, {@code Date},
 * {@code Content-Type} and {@code Content-Length}, in that order and spelling), so the
 * client reads the same bytes from both.
 *
 * <p>Written by hand on raw {@code ByteBuf}s, without netty-codec-http: the request head is
 * parsed in place, line by line, looking at the method, the target, the version and the
 * {@code Connection}, {@code Content-Length} and {@code Host} fields, and every response of a read burst
 * goes into one buffer flushed once ({@link NettyRequestHandler}). Keep-alive is HTTP/1.1's
 * default, pipelined requests are answered in order. It validates less than nbio's parser
 * (field names and values are not checked for illegal bytes), so it does a little less work
 * per request; it is a responder for the benchmark, not a general server. Other paths answer
 * 404, other methods 405, a head that is not HTTP/1.x (or HTTP/1.1 without {@code Host}) 400 and a close.
 */
final class NettyHttpServer {
    private static final byte LF = '\n';

    private static final byte[] GET = ascii("GET");
    private static final byte[] HEAD = ascii("HEAD");
    private static final byte[] PLAINTEXT_PATH = ascii("/plaintext");
    private static final byte[] HTTP_1_1 = ascii("HTTP/1.1");
    private static final byte[] HTTP_1_0 = ascii("HTTP/1.0");
    private static final byte[] CONNECTION = ascii("connection");
    private static final byte[] CONTENT_LENGTH = ascii("content-length");
    private static final byte[] HOST = ascii("host");
    private static final byte[] CLOSE_TOKEN = ascii("close");
    private static final byte[] KEEP_ALIVE_TOKEN = ascii("keep-alive");

    private static final byte[] HELLO_WORLD = ascii("Hello, World!");
    /** Everything of the 200 response before the date. */
    private static final byte[] OK_BEFORE_DATE = ascii("HTTP/1.1 200 OK\r\nServer: nbio\r\nDate: ");
    /** Everything of the 200 response's head after the date, up to the persistence field. */
    private static final byte[] OK_AFTER_DATE = ascii("\r\nContent-Type: text/plain\r\nContent-Length: "
            + HELLO_WORLD.length + "\r\n");
    private static final byte[] SERVER_AND_DATE = ascii("Server: nbio\r\nDate: ");
    private static final byte[] TEXT_PLAIN_AND_LENGTH = ascii("\r\nContent-Type: text/plain\r\nContent-Length: ");
    private static final byte[] ALLOW = ascii("Allow: GET, HEAD\r\n");
    private static final byte[] CONNECTION_CLOSE = ascii("Connection: close\r\n");
    private static final byte[] CONNECTION_KEEP_ALIVE = ascii("Connection: keep-alive\r\n");
    private static final byte[] CRLF = ascii("\r\n");

    private NettyHttpServer() {
    }

    /** The error statuses the server sends, with their status line and short body, as nbio's server words them. */
    private enum Status {
        BAD_REQUEST(400, "Bad Request"),
        NOT_FOUND(404, "Not Found"),
        METHOD_NOT_ALLOWED(405, "Method Not Allowed"),
        CONTENT_TOO_LARGE(413, "Content Too Large");

        final byte[] statusLine;
        final byte[] body;

        Status(int code, String reason) {
            statusLine = ascii("HTTP/1.1 " + code + " " + reason + "\r\n");
            body = ascii(code + " " + reason + "\n");
        }
    }

    /** What the response tells the client about the connection, as nbio's server decides it. */
    private enum Persistence {
        /** HTTP/1.1 keep-alive: no field needed. */
        KEEP_OPEN,
        /** An HTTP/1.0 client that asked for keep-alive: confirmed. */
        CONFIRM_KEEP_ALIVE,
        /** The server closes after this response. */
        CLOSE
    }

    /**
     * Starts the server and returns once it listens.
     *
     * @param address   where to listen (port 0 picks one)
     * @param transport the Netty transport
     * @return the listening server
     * @throws InterruptedException when interrupted while binding
     */
    static NettyServer start(InetSocketAddress address, NettyServer.Transport transport) throws InterruptedException {
        HttpDate date = new HttpDate();   // one event-loop thread: every connection shares it
        return NettyServer.start(address, transport, "http", new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel channel) {
                channel.pipeline().addLast(new PlaintextHandler(date));
            }
        });
    }

    /**
     * The {@code Date} field's value, formatted at most once a second (nbio's server does the
     * same). Used by the event-loop thread only.
     */
    private static final class HttpDate {
        private static final DateTimeFormatter IMF_FIXDATE =
                DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);

        private long second = Long.MIN_VALUE;
        private byte[] value;

        byte[] bytes() {
            long now = System.currentTimeMillis();
            long nowSecond = Math.floorDiv(now, 1000);
            if (nowSecond != second) {
                value = IMF_FIXDATE.format(Instant.ofEpochMilli(now)).getBytes(StandardCharsets.US_ASCII);
                second = nowSecond;
            }
            return value;
        }
    }

    /** One connection: parses each request head in place and answers it. */
    private static final class PlaintextHandler extends NettyRequestHandler {
        private final HttpDate httpDate;
        private byte[] date;

        PlaintextHandler(HttpDate httpDate) {
            this.httpDate = httpDate;
        }

        @Override
        void beforeRead() {
            date = httpDate.bytes();
        }

        @Override
        int answer(ByteBuf in, int from, int to, ByteBuf out) {
            // The request line: METHOD SP TARGET SP VERSION.
            int lineEnd = in.indexOf(from, to, LF);
            if (lineEnd < 0) {
                return NEED_MORE;
            }
            int requestLineEnd = lineEnd > from && in.getByte(lineEnd - 1) == '\r' ? lineEnd - 1 : lineEnd;
            int methodEnd = in.indexOf(from, requestLineEnd, (byte) ' ');
            int targetEnd = methodEnd < 0 ? -1 : in.indexOf(methodEnd + 1, requestLineEnd, (byte) ' ');

            // The header fields, up to the empty line; only two of them matter here.
            boolean close = false;
            boolean keepAlive = false;
            long contentLength = 0;
            boolean badField = false;
            boolean host = false;
            int lineStart = lineEnd + 1;
            while (true) {
                int fieldEnd = in.indexOf(lineStart, to, LF);
                if (fieldEnd < 0) {
                    return NEED_MORE;
                }
                int end = fieldEnd > lineStart && in.getByte(fieldEnd - 1) == '\r' ? fieldEnd - 1 : fieldEnd;
                if (end == lineStart) {
                    lineStart = fieldEnd + 1;
                    break;
                }
                int colon = in.indexOf(lineStart, end, (byte) ':');
                if (colon <= lineStart) {
                    badField = true;
                } else {
                    int valueStart = colon + 1;
                    while (valueStart < end && AsciiBytes.isBlank(in.getByte(valueStart))) {
                        valueStart++;
                    }
                    int valueEnd = end;
                    while (valueEnd > valueStart && AsciiBytes.isBlank(in.getByte(valueEnd - 1))) {
                        valueEnd--;
                    }
                    int nameLength = colon - lineStart;
                    if (AsciiBytes.equalsIgnoreCase(in, lineStart, nameLength, CONNECTION)) {
                        close |= AsciiBytes.equalsIgnoreCase(in, valueStart, valueEnd - valueStart, CLOSE_TOKEN);
                        keepAlive |= AsciiBytes.equalsIgnoreCase(in, valueStart, valueEnd - valueStart, KEEP_ALIVE_TOKEN);
                    } else if (AsciiBytes.equalsIgnoreCase(in, lineStart, nameLength, CONTENT_LENGTH)) {
                        contentLength = AsciiBytes.parseDecimal(in, valueStart, valueEnd);
                        badField |= contentLength == AsciiBytes.NOT_A_NUMBER;
                    } else {
                        host |= AsciiBytes.equalsIgnoreCase(in, lineStart, nameLength, HOST);
                    }
                }
                lineStart = fieldEnd + 1;
            }
            int headLength = lineStart - from;

            int versionStart = targetEnd + 1;
            int versionLength = requestLineEnd - versionStart;
            boolean http11 = targetEnd > 0 && AsciiBytes.equals(in, versionStart, versionLength, HTTP_1_1);
            boolean http10 = targetEnd > 0 && !http11 && AsciiBytes.equals(in, versionStart, versionLength, HTTP_1_0);
            if (methodEnd <= from || targetEnd < 0 || !(http10 || http11) || badField
                    || http11 && !host) {   // RFC 9112 3.2: an HTTP/1.1 request names its host
                writeHead(out, Status.BAD_REQUEST.statusLine, Status.BAD_REQUEST.body.length, Persistence.CLOSE, false);
                out.writeBytes(Status.BAD_REQUEST.body);
                return CLOSE;
            }
            if (contentLength > MAX_REQUEST_BYTES) {
                writeHead(out, Status.CONTENT_TOO_LARGE.statusLine, Status.CONTENT_TOO_LARGE.body.length,
                        Persistence.CLOSE, false);
                out.writeBytes(Status.CONTENT_TOO_LARGE.body);
                return CLOSE;
            }
            if (headLength + contentLength > to - from) {
                return NEED_MORE;   // the body has not all arrived; it is read and dropped
            }
            Persistence persistence = close ? Persistence.CLOSE
                    : http11 ? Persistence.KEEP_OPEN
                    : keepAlive ? Persistence.CONFIRM_KEEP_ALIVE : Persistence.CLOSE;

            boolean get = AsciiBytes.equals(in, from, methodEnd - from, GET);
            boolean headOnly = !get && AsciiBytes.equals(in, from, methodEnd - from, HEAD);
            int targetStart = methodEnd + 1;
            int pathEnd = in.indexOf(targetStart, targetEnd, (byte) '?');
            if (pathEnd < 0) {
                pathEnd = targetEnd;
            }
            if (!get && !headOnly) {
                writeError(out, Status.METHOD_NOT_ALLOWED, false, persistence);
            } else if (AsciiBytes.equals(in, targetStart, pathEnd - targetStart, PLAINTEXT_PATH)) {
                out.writeBytes(OK_BEFORE_DATE).writeBytes(date).writeBytes(OK_AFTER_DATE);
                writePersistence(out, persistence);
                out.writeBytes(CRLF);
                if (!headOnly) {
                    out.writeBytes(HELLO_WORLD);
                }
            } else {
                writeError(out, Status.NOT_FOUND, headOnly, persistence);
            }
            int used = headLength + (int) contentLength;
            return persistence == Persistence.CLOSE ? CLOSE : used;
        }

        private void writeError(ByteBuf out, Status status, boolean headOnly, Persistence persistence) {
            writeHead(out, status.statusLine, status.body.length, persistence, status == Status.METHOD_NOT_ALLOWED);
            if (!headOnly) {
                out.writeBytes(status.body);
            }
        }

        private void writeHead(ByteBuf out, byte[] statusLine, int contentLength, Persistence persistence, boolean allow) {
            out.writeBytes(statusLine).writeBytes(SERVER_AND_DATE).writeBytes(date).writeBytes(TEXT_PLAIN_AND_LENGTH);
            AsciiBytes.writeDecimal(out, contentLength);
            out.writeBytes(CRLF);
            if (allow) {
                out.writeBytes(ALLOW);
            }
            writePersistence(out, persistence);
            out.writeBytes(CRLF);
        }

        private static void writePersistence(ByteBuf out, Persistence persistence) {
            switch (persistence) {
                case CLOSE -> out.writeBytes(CONNECTION_CLOSE);
                case CONFIRM_KEEP_ALIVE -> out.writeBytes(CONNECTION_KEEP_ALIVE);
                case KEEP_OPEN -> { }
            }
        }
    }
}
