package dev.nbio.examples;

import static dev.nbio.examples.HttpRequestParser.ascii;

import java.nio.ByteBuffer;

/**
 * Writes response heads, and the small bodies the server makes itself, into a connection's
 * write buffer: ASCII constants copied in, the content length written digit by digit, so
 * a response costs no allocation. Every head written here is shorter than
 * {@link #MAX_HEAD_BYTES}; the connection keeps that much space before handling a request.
 */
final class HttpResponses {
    /** More than the longest head plus error body written here (about 250 bytes). */
    static final int MAX_HEAD_BYTES = 512;

    static final byte[] PLAINTEXT_PATH = ascii("/plaintext");
    static final byte[] HELLO_WORLD = ascii("Hello, World!");
    static final byte[] TEXT_PLAIN = ascii("Content-Type: text/plain\r\n");

    private static final byte[] SERVER = ascii("Server: nbio\r\n");
    private static final byte[] DATE = ascii("Date: ");
    private static final byte[] CONTENT_LENGTH = ascii("Content-Length: ");
    private static final byte[] CONNECTION_CLOSE = ascii("Connection: close\r\n");
    private static final byte[] CONNECTION_KEEP_ALIVE = ascii("Connection: keep-alive\r\n");
    private static final byte[] ALLOW = ascii("Allow: GET, HEAD\r\n");
    private static final byte[] CRLF = ascii("\r\n");

    private HttpResponses() {
    }

    /** How the response tells the client what becomes of the connection. */
    enum Persistence {
        /** HTTP/1.1 keep-alive, the default: no header needed. */
        KEEP_OPEN,
        /** An HTTP/1.0 client that asked for keep-alive: confirm it, since 1.0 closes by default. */
        CONFIRM_KEEP_ALIVE,
        /** The server closes after this response: {@code Connection: close}. */
        CLOSE
    }

    /** {@code GET /plaintext}: 200, {@code Hello, World!} as text/plain. */
    static void plaintext(ByteBuffer out, HttpDate date, boolean headOnly, Persistence persistence) {
        head(out, HttpStatus.OK, date, TEXT_PLAIN, HELLO_WORLD.length, persistence);
        if (!headOnly) {
            out.put(HELLO_WORLD);
        }
    }

    /** An error status with its short text body (none for HEAD). */
    static void error(ByteBuffer out, HttpStatus status, HttpDate date, boolean headOnly, Persistence persistence) {
        byte[] body = status.errorBody();
        head(out, status, date, TEXT_PLAIN, body.length, persistence);
        if (!headOnly) {
            out.put(body);
        }
    }

    /**
     * A status line and headers, ending with the empty line; the body follows separately.
     *
     * @param contentType a whole {@code Content-Type: ...\r\n} line
     */
    static void head(ByteBuffer out, HttpStatus status, HttpDate date, byte[] contentType, long contentLength,
                     Persistence persistence) {
        out.put(status.statusLine());
        out.put(SERVER);
        out.put(DATE).put(date.bytes()).put(CRLF);
        out.put(contentType);
        out.put(CONTENT_LENGTH);
        putDecimal(out, contentLength);
        out.put(CRLF);
        if (status == HttpStatus.METHOD_NOT_ALLOWED) {
            out.put(ALLOW);   // RFC 9110 15.5.6: a 405 lists the methods that are allowed
        }
        switch (persistence) {
            case CLOSE -> out.put(CONNECTION_CLOSE);
            case CONFIRM_KEEP_ALIVE -> out.put(CONNECTION_KEEP_ALIVE);
            case KEEP_OPEN -> { }
        }
        out.put(CRLF);
    }

    /** Writes a non-negative number in ASCII decimal without making a string. */
    static void putDecimal(ByteBuffer out, long value) {
        int digits = 1;
        for (long rest = value; rest >= 10; rest /= 10) {
            digits++;
        }
        int start = out.position();
        long rest = value;
        for (int i = start + digits - 1; i >= start; i--) {
            out.put(i, (byte) ('0' + rest % 10));
            rest /= 10;
        }
        out.position(start + digits);
    }
}
