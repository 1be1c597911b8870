package dev.nbio.examples;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * An HTTP/1.1 request-head parser in the spirit of picohttpparser: hand-written, allocation
 * free, and leaving the bytes where they are. It records where the method, the target and
 * each header's name and value start and end in the caller's buffer, and the few header
 * values the server acts on (Content-Length, Transfer-Encoding, Connection, Host).
 *
 * <p><b>Restartable, not resumable.</b> {@link #parse} is given the bytes of one request
 * received so far. When they do not hold the whole head it answers {@link #NEED_MORE}, and
 * the caller calls again with the same start once more bytes have arrived (the bytes may
 * have moved in the buffer in between, as long as they are the same). The head is then
 * parsed again from its first byte, which is what picohttpparser does too: heads are small,
 * and a head split across reads parses exactly like one that arrived whole. To keep a
 * client that sends one byte at a time from costing a full parse per byte, the parser
 * remembers how much it has seen and, until the blank line that ends a head arrives,
 * looks only at the new bytes for it. Errors in an incomplete head are therefore found
 * when the head completes, or when the caller's buffer is full and it asks
 * {@link #statusForOversizedHead}.
 *
 * <p><b>What it accepts.</b> Lines end with CRLF or a bare LF; empty lines before the request
 * line are skipped (RFC 9112 section 2.2). The target is any run of visible ASCII (the
 * server decides what it means). Whitespace before a header's colon and obsolete line
 * folding are rejected with 400 (RFC 9112 sections 5.1 and 5.2). Each answer that is not a
 * head length is {@link #ERROR} with the {@linkplain #error() status} the server should send:
 * <ul>
 *   <li>400: malformed syntax, an HTTP/1.1 request without exactly one Host, an invalid or
 *       conflicting Content-Length, Transfer-Encoding together with Content-Length or in
 *       HTTP/1.0 (framing that cannot be trusted: RFC 9112 section 6.1);</li>
 *   <li>431: more header fields than the limit;</li>
 *   <li>413: a Content-Length above the body limit;</li>
 *   <li>501: any other Transfer-Encoding. Chunked request bodies are well-formed HTTP/1.1
 *       that this small server chooses not to implement, so "Not Implemented" is the
 *       honest answer rather than "Bad Request", and RFC 9112 section 6.1 names 501 for a
 *       transfer coding the server does not understand. The connection is closed after
 *       it, since without decoding the body the next request cannot be found;</li>
 *   <li>505: an HTTP major version other than 1.</li>
 * </ul>
 *
 * <p>Offsets are absolute indices into the buffer given to {@link #parse}, valid until the
 * caller moves or overwrites those bytes. One parser serves one connection at a time.
 */
final class HttpRequestParser {
    /** From {@link #parse}: the head is incomplete; call again when more bytes have arrived. */
    static final int NEED_MORE = -1;
    /** From {@link #parse}: the request cannot be served; {@link #error()} is the status to answer. */
    static final int ERROR = -2;

    static final byte[] GET = ascii("GET");
    static final byte[] HEAD = ascii("HEAD");

    private static final byte[] HTTP_SLASH = ascii("HTTP/");
    private static final byte[] CONTENT_LENGTH = ascii("content-length");
    private static final byte[] TRANSFER_ENCODING = ascii("transfer-encoding");
    private static final byte[] CONNECTION = ascii("connection");
    private static final byte[] HOST = ascii("host");
    private static final byte[] CLOSE = ascii("close");
    private static final byte[] KEEP_ALIVE = ascii("keep-alive");

    /** Where in the head a parse stopped, to tell a too-long request line from too-long headers. */
    private enum Stage { METHOD, TARGET, VERSION, HEADERS }

    private final int maxHeaders;
    private final long maxBodyBytes;
    /** Four offsets per header: name start, name end, value start, value end. */
    private final int[] headerOffsets;

    private int scannedLength;
    private Stage stage;
    private HttpStatus error;
    private int methodStart;
    private int methodEnd;
    private int targetStart;
    private int targetEnd;
    private int pathEnd;
    private int minorVersion;
    private int headerCount;
    private int hostCount;
    private long contentLength;
    private boolean transferEncoding;
    private boolean connectionClose;
    private boolean connectionKeepAlive;

    /**
     * @param maxHeaders   how many header fields a request may have; one more is answered with 431
     * @param maxBodyBytes the largest Content-Length accepted; a larger one is answered with 413
     */
    HttpRequestParser(int maxHeaders, long maxBodyBytes) {
        if (maxHeaders < 1 || maxBodyBytes < 0) {
            throw new IllegalArgumentException("maxHeaders must be positive and maxBodyBytes not negative, got "
                    + maxHeaders + " and " + maxBodyBytes);
        }
        this.maxHeaders = maxHeaders;
        this.maxBodyBytes = maxBodyBytes;
        this.headerOffsets = new int[4 * maxHeaders];
    }

    /**
     * Parses the head of the request whose bytes are {@code [start, end)} of the buffer.
     *
     * @return the length of the head (up to and including the empty line that ends it) when
     *         it is complete and acceptable; {@link #NEED_MORE}; or {@link #ERROR}
     */
    int parse(ByteBuffer buffer, int start, int end) {
        if (scannedLength > 0 && !headEndIn(buffer, start + Math.max(0, scannedLength - 3), end)) {
            scannedLength = end - start;
            return NEED_MORE;
        }
        int result = parseHead(buffer, start, end);
        scannedLength = result == NEED_MORE ? end - start : 0;
        return result;
    }

    /**
     * The status for a head that has not completed although it fills the whole buffer:
     * 414 while still in the target, 431 in the headers, 400 elsewhere or when the bytes
     * are malformed anyway. Forgets the earlier calls' progress.
     */
    HttpStatus statusForOversizedHead(ByteBuffer buffer, int start, int end) {
        int result = parseHead(buffer, start, end);
        scannedLength = 0;
        if (result == ERROR) {
            return error;
        }
        return switch (stage) {
            case TARGET -> HttpStatus.URI_TOO_LONG;
            case HEADERS -> HttpStatus.REQUEST_HEADER_FIELDS_TOO_LARGE;
            case METHOD, VERSION -> HttpStatus.BAD_REQUEST;
        };
    }

    /** After {@link #ERROR}: the status to answer with. */
    HttpStatus error() {
        return error;
    }

    int methodStart() {
        return methodStart;
    }

    int methodEnd() {
        return methodEnd;
    }

    /** Where the request target starts: the path, then an optional {@code ?query}. */
    int targetStart() {
        return targetStart;
    }

    int targetEnd() {
        return targetEnd;
    }

    /** Where the path part of the target ends: at its {@code ?}, or at the target's end. */
    int pathEnd() {
        return pathEnd;
    }

    /** The {@code x} of {@code HTTP/1.x}. */
    int minorVersion() {
        return minorVersion;
    }

    int headerCount() {
        return headerCount;
    }

    int headerNameStart(int index) {
        return headerOffsets[4 * index];
    }

    int headerNameEnd(int index) {
        return headerOffsets[4 * index + 1];
    }

    int headerValueStart(int index) {
        return headerOffsets[4 * index + 2];
    }

    int headerValueEnd(int index) {
        return headerOffsets[4 * index + 3];
    }

    /** The request's Content-Length, or -1 when it has none. */
    long contentLength() {
        return contentLength;
    }

    /**
     * Whether the connection stays open after the response: by default in HTTP/1.1 unless
     * the client sent {@code Connection: close}; in HTTP/1.0 only with {@code Connection: keep-alive}.
     */
    boolean keepAlive() {
        return !connectionClose && (minorVersion >= 1 || connectionKeepAlive);
    }

    /** Whether the method is exactly {@code method} (methods are case-sensitive). */
    boolean methodIs(ByteBuffer buffer, byte[] method) {
        return equalsAscii(buffer, methodStart, methodEnd, method);
    }

    /** Whether the path (the target without its query) is exactly {@code path}. */
    boolean pathIs(ByteBuffer buffer, byte[] path) {
        return equalsAscii(buffer, targetStart, pathEnd, path);
    }

    /** The method as a string; allocates, for logs and tests. */
    String method(ByteBuffer buffer) {
        return string(buffer, methodStart, methodEnd);
    }

    /** The target as a string; allocates, for logs and tests. */
    String target(ByteBuffer buffer) {
        return string(buffer, targetStart, targetEnd);
    }

    /** The value of the first header with this name (any case), or {@code null}; allocates, for tests. */
    String header(ByteBuffer buffer, String name) {
        byte[] lowerName = ascii(name.toLowerCase(java.util.Locale.ROOT));
        for (int i = 0; i < headerCount; i++) {
            if (equalsIgnoreCase(buffer, headerNameStart(i), headerNameEnd(i), lowerName)) {
                return string(buffer, headerValueStart(i), headerValueEnd(i));
            }
        }
        return null;
    }

    // ---- the head -------------------------------------------------------------------------

    private int parseHead(ByteBuffer b, int start, int end) {
        stage = Stage.METHOD;
        error = null;
        headerCount = 0;
        hostCount = 0;
        contentLength = -1;
        transferEncoding = false;
        connectionClose = false;
        connectionKeepAlive = false;
        int i = skipEmptyLines(b, start, end);
        if (i >= 0) {
            i = requestLine(b, i, end);
        }
        while (i >= 0) {
            if (i >= end) {
                return NEED_MORE;
            }
            byte c = b.get(i);
            if (c == '\r' || c == '\n') {
                int after = lineEnd(b, i, end);
                return after < 0 ? after : finish(after - start);
            }
            i = headerLine(b, i, end);
        }
        return i;
    }

    /** Clients may send empty lines before a request (after a body, say); RFC 9112 2.2 says to skip them. */
    private int skipEmptyLines(ByteBuffer b, int i, int end) {
        while (i < end) {
            byte c = b.get(i);
            if (c == '\n') {
                i++;
            } else if (c == '\r') {
                if (i + 1 >= end) {
                    return NEED_MORE;
                }
                if (b.get(i + 1) != '\n') {
                    return fail(HttpStatus.BAD_REQUEST);
                }
                i += 2;
            } else {
                break;
            }
        }
        return i;
    }

    private int requestLine(ByteBuffer b, int i, int end) {
        methodStart = i;
        while (i < end && isToken(b.get(i))) {
            i++;
        }
        if (i >= end) {
            return NEED_MORE;
        }
        if (i == methodStart || b.get(i) != ' ') {
            return fail(HttpStatus.BAD_REQUEST);
        }
        methodEnd = i++;

        stage = Stage.TARGET;
        targetStart = i;
        pathEnd = -1;
        while (i < end) {
            int c = b.get(i) & 0xFF;
            if (c == ' ') {
                break;
            }
            if (c < 0x21 || c > 0x7E) {
                return fail(HttpStatus.BAD_REQUEST);
            }
            if (c == '?' && pathEnd < 0) {
                pathEnd = i;
            }
            i++;
        }
        if (i >= end) {
            return NEED_MORE;
        }
        if (i == targetStart) {
            return fail(HttpStatus.BAD_REQUEST);
        }
        targetEnd = i++;
        if (pathEnd < 0) {
            pathEnd = targetEnd;
        }

        stage = Stage.VERSION;
        return version(b, i, end);
    }

    /** {@code HTTP/<digit>.<digit>} and the line's end. */
    private int version(ByteBuffer b, int i, int end) {
        for (byte expected : HTTP_SLASH) {
            if (i >= end) {
                return NEED_MORE;
            }
            if (b.get(i++) != expected) {
                return fail(HttpStatus.BAD_REQUEST);
            }
        }
        int major = digitAt(b, i, end);
        if (major < 0) {
            return major;
        }
        if (i + 1 >= end) {
            return NEED_MORE;
        }
        if (b.get(i + 1) != '.') {
            return fail(HttpStatus.BAD_REQUEST);
        }
        int minor = digitAt(b, i + 2, end);
        if (minor < 0) {
            return minor;
        }
        int after = lineEnd(b, i + 3, end);
        if (after < 0) {
            return after;
        }
        if (major != 1) {
            return fail(HttpStatus.HTTP_VERSION_NOT_SUPPORTED);
        }
        minorVersion = minor;
        stage = Stage.HEADERS;
        return after;
    }

    private int digitAt(ByteBuffer b, int i, int end) {
        if (i >= end) {
            return NEED_MORE;
        }
        int digit = b.get(i) - '0';
        return digit >= 0 && digit <= 9 ? digit : fail(HttpStatus.BAD_REQUEST);
    }

    /** One {@code name: value} line. */
    private int headerLine(ByteBuffer b, int i, int end) {
        byte first = b.get(i);
        if (first == ' ' || first == '\t') {
            return fail(HttpStatus.BAD_REQUEST);   // obsolete line folding (RFC 9112 5.2)
        }
        if (headerCount == maxHeaders) {
            return fail(HttpStatus.REQUEST_HEADER_FIELDS_TOO_LARGE);
        }
        int nameStart = i;
        while (i < end && isToken(b.get(i))) {
            i++;
        }
        if (i >= end) {
            return NEED_MORE;
        }
        if (i == nameStart || b.get(i) != ':') {
            return fail(HttpStatus.BAD_REQUEST);   // also whitespace before the colon (RFC 9112 5.1)
        }
        int nameEnd = i++;
        while (i < end && isWhitespace(b.get(i))) {
            i++;
        }
        int valueStart = i;
        while (i < end) {
            int c = b.get(i) & 0xFF;
            if (c == '\r' || c == '\n') {
                break;
            }
            if ((c < 0x20 && c != '\t') || c == 0x7F) {
                return fail(HttpStatus.BAD_REQUEST);
            }
            i++;
        }
        if (i >= end) {
            return NEED_MORE;
        }
        int valueEnd = i;
        while (valueEnd > valueStart && isWhitespace(b.get(valueEnd - 1))) {
            valueEnd--;
        }
        int after = lineEnd(b, i, end);
        if (after < 0) {
            return after;
        }
        int slot = 4 * headerCount++;
        headerOffsets[slot] = nameStart;
        headerOffsets[slot + 1] = nameEnd;
        headerOffsets[slot + 2] = valueStart;
        headerOffsets[slot + 3] = valueEnd;
        return interpret(b, nameStart, nameEnd, valueStart, valueEnd) ? after : ERROR;
    }

    /** At a CR or LF: the index after the line's end. */
    private int lineEnd(ByteBuffer b, int i, int end) {
        if (i >= end) {
            return NEED_MORE;
        }
        byte c = b.get(i);
        if (c == '\n') {
            return i + 1;
        }
        if (c != '\r') {
            return fail(HttpStatus.BAD_REQUEST);
        }
        if (i + 1 >= end) {
            return NEED_MORE;
        }
        return b.get(i + 1) == '\n' ? i + 2 : fail(HttpStatus.BAD_REQUEST);
    }

    /** The checks that need the whole head. */
    private int finish(int headLength) {
        if (minorVersion >= 1 && hostCount != 1) {
            return fail(HttpStatus.BAD_REQUEST);   // RFC 9112 3.2: an HTTP/1.1 request has exactly one Host
        }
        if (transferEncoding) {
            return fail(contentLength >= 0 || minorVersion == 0 ? HttpStatus.BAD_REQUEST : HttpStatus.NOT_IMPLEMENTED);
        }
        if (contentLength > maxBodyBytes) {
            return fail(HttpStatus.CONTENT_TOO_LARGE);
        }
        return headLength;
    }

    // ---- the headers the server acts on -------------------------------------------------------

    private boolean interpret(ByteBuffer b, int nameStart, int nameEnd, int valueStart, int valueEnd) {
        if (equalsIgnoreCase(b, nameStart, nameEnd, CONTENT_LENGTH)) {
            return contentLength(b, valueStart, valueEnd);
        }
        if (equalsIgnoreCase(b, nameStart, nameEnd, TRANSFER_ENCODING)) {
            transferEncoding = true;
        } else if (equalsIgnoreCase(b, nameStart, nameEnd, CONNECTION)) {
            connectionOptions(b, valueStart, valueEnd);
        } else if (equalsIgnoreCase(b, nameStart, nameEnd, HOST)) {
            hostCount++;
        }
        return true;
    }

    /** {@code 1*DIGIT}; a value too large for a long saturates, and is then refused as too large. */
    private boolean contentLength(ByteBuffer b, int start, int end) {
        if (start == end) {
            return refuse(HttpStatus.BAD_REQUEST);
        }
        long value = 0;
        for (int i = start; i < end; i++) {
            int digit = b.get(i) - '0';
            if (digit < 0 || digit > 9) {
                return refuse(HttpStatus.BAD_REQUEST);
            }
            value = value <= (Long.MAX_VALUE - 9) / 10 ? value * 10 + digit : Long.MAX_VALUE;
        }
        if (contentLength >= 0 && contentLength != value) {
            return refuse(HttpStatus.BAD_REQUEST);   // two different lengths: which framing is right?
        }
        contentLength = value;
        return true;
    }

    /** A comma-separated list of options; only {@code close} and {@code keep-alive} matter here. */
    private void connectionOptions(ByteBuffer b, int start, int end) {
        int i = start;
        while (i < end) {
            int comma = i;
            while (comma < end && b.get(comma) != ',') {
                comma++;
            }
            int tokenStart = i;
            int tokenEnd = comma;
            while (tokenStart < tokenEnd && isWhitespace(b.get(tokenStart))) {
                tokenStart++;
            }
            while (tokenEnd > tokenStart && isWhitespace(b.get(tokenEnd - 1))) {
                tokenEnd--;
            }
            if (equalsIgnoreCase(b, tokenStart, tokenEnd, CLOSE)) {
                connectionClose = true;
            } else if (equalsIgnoreCase(b, tokenStart, tokenEnd, KEEP_ALIVE)) {
                connectionKeepAlive = true;
            }
            i = comma + 1;
        }
    }

    private int fail(HttpStatus status) {
        error = status;
        return ERROR;
    }

    private boolean refuse(HttpStatus status) {
        error = status;
        return false;
    }

    // ---- bytes -----------------------------------------------------------------------------

    /** Whether a blank line (LF LF or LF CR LF) lies in {@code [from, end)}. */
    private static boolean headEndIn(ByteBuffer b, int from, int end) {
        for (int i = from; i < end; i++) {
            if (b.get(i) == '\n') {
                if (i + 1 < end && b.get(i + 1) == '\n') {
                    return true;
                }
                if (i + 2 < end && b.get(i + 1) == '\r' && b.get(i + 2) == '\n') {
                    return true;
                }
            }
        }
        return false;
    }

    /** RFC 9110 {@code tchar}: the characters of methods and header names. */
    private static boolean isToken(byte c) {
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
            return true;
        }
        return switch (c) {
            case '!', '#', '$', '%', '&', '\'', '*', '+', '-', '.', '^', '_', '`', '|', '~' -> true;
            default -> false;
        };
    }

    private static boolean isWhitespace(byte c) {
        return c == ' ' || c == '\t';
    }

    /** Whether {@code [start, end)} holds exactly these bytes. */
    static boolean equalsAscii(ByteBuffer b, int start, int end, byte[] expected) {
        if (end - start != expected.length) {
            return false;
        }
        for (int i = 0; i < expected.length; i++) {
            if (b.get(start + i) != expected[i]) {
                return false;
            }
        }
        return true;
    }

    /** Whether {@code [start, end)} holds these bytes, ignoring ASCII case; {@code lowerCase} must be lower case. */
    static boolean equalsIgnoreCase(ByteBuffer b, int start, int end, byte[] lowerCase) {
        if (end - start != lowerCase.length) {
            return false;
        }
        for (int i = 0; i < lowerCase.length; i++) {
            int c = b.get(start + i);
            if (c >= 'A' && c <= 'Z') {
                c += 'a' - 'A';
            }
            if (c != lowerCase[i]) {
                return false;
            }
        }
        return true;
    }

    private static String string(ByteBuffer b, int start, int end) {
        byte[] bytes = new byte[end - start];
        b.get(start, bytes);
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
