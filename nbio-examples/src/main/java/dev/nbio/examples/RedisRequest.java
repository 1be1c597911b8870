package dev.nbio.examples;

import java.nio.ByteBuffer;

/**
 * One Redis request, parsed in place in a connection's input buffer. A connection keeps one
 * and reuses it for every request, so parsing allocates nothing: the request is a set of
 * indexes into the buffer.
 *
 * <p>Both forms Redis accepts are understood:
 * <ul>
 *   <li>inline: a line of words separated by spaces, ended by {@code \n} or {@code \r\n},
 *       as typed in {@code telnet} ({@code PING hello\r\n});</li>
 *   <li>RESP: an array of bulk strings, as clients send it
 *       ({@code *2\r\n$4\r\nPING\r\n$5\r\nhello\r\n}).</li>
 * </ul>
 * A request is {@link Status#INCOMPLETE} until all of its bytes are there, and
 * {@link Status#MALFORMED} when no more bytes could make it right, including a request
 * larger than the whole buffer.
 */
final class RedisRequest {
    /** What {@link #parse} found. */
    enum Status {
        /** A whole request: {@link #end()} is where the next one starts. */
        COMPLETE,
        /** The start of a request; more bytes must arrive. */
        INCOMPLETE,
        /** Not a request: {@link #error()} says why; the connection cannot go on. */
        MALFORMED
    }

    /** Why a request is malformed; the texts are those Redis sends after {@code -ERR Protocol error: }. */
    enum ProtocolError {
        /** The count after {@code *} is not a number, or is too large. */
        INVALID_MULTIBULK_LENGTH("invalid multibulk length"),
        /** The length after {@code $} is not a number, is negative, or is larger than a request may be. */
        INVALID_BULK_LENGTH("invalid bulk length"),
        /** An array element does not start with {@code $}; the reply names the byte found instead. */
        EXPECTED_BULK_STRING("expected '$', got '"),
        /** A bulk string is not followed by {@code \r\n}. */
        UNTERMINATED_BULK_STRING("bulk string not followed by CRLF"),
        /** An inline request without a line end fills the whole buffer. */
        TOO_BIG_INLINE_REQUEST("too big inline request"),
        /** A RESP request fills the whole buffer and is still not complete. */
        TOO_BIG_REQUEST("too big request");

        private final String text;

        ProtocolError(String text) {
            this.text = text;
        }

        /** The reason as Redis words it. */
        String text() {
            return text;
        }
    }

    /** The most elements a RESP array may have; Redis allows more, a PING needs two. */
    static final int MAX_ARGUMENTS = 1024;

    /** Longer than this, the count or length line of a RESP request cannot be valid. */
    private static final int MAX_NUMBER_LINE = 20;

    /** What {@link #numberLineEnd} returns when the line's end has not arrived yet. */
    private static final int INCOMPLETE_LINE = -1;

    /** What {@link #numberLineEnd} returns for a line that cannot hold a number. */
    private static final int BAD_LINE = -2;

    private int end;
    private int argumentCount;
    private int nameStart;
    private int nameLength;
    private int argumentStart;
    private int argumentLength;
    private ProtocolError error;
    private byte unexpected;

    /**
     * Parses the request that starts at {@code from}.
     *
     * @param buffer the connection's input; only absolute reads are made, so its position and
     *               limit do not matter; its capacity is the largest request allowed
     * @param from   where the request starts
     * @param to     where the bytes received so far end
     * @return what was found; the accessors describe a {@link Status#COMPLETE} request or the
     *         error of a {@link Status#MALFORMED} one
     */
    Status parse(ByteBuffer buffer, int from, int to) {
        argumentCount = 0;
        error = null;
        Status status = from < to && buffer.get(from) == '*'
                ? parseArray(buffer, from, to)
                : parseInline(buffer, from, to);
        if (status == Status.INCOMPLETE && to - from >= buffer.capacity()) {
            // The request fills the buffer and is still not whole: it will never fit.
            return malformed(buffer.get(from) == '*' ? ProtocolError.TOO_BIG_REQUEST : ProtocolError.TOO_BIG_INLINE_REQUEST);
        }
        return status;
    }

    /** Where the next request starts, after a complete one. */
    int end() {
        return end;
    }

    /** How many words the request has, the command name included; 0 for an empty request, which needs no reply. */
    int argumentCount() {
        return argumentCount;
    }

    /** Where the command name starts in the buffer. */
    int nameStart() {
        return nameStart;
    }

    /** The command name's length in bytes. */
    int nameLength() {
        return nameLength;
    }

    /** Where the first argument after the name starts, when {@link #argumentCount()} is at least 2. */
    int argumentStart() {
        return argumentStart;
    }

    /** The first argument's length in bytes. */
    int argumentLength() {
        return argumentLength;
    }

    /** Why a malformed request is malformed. */
    ProtocolError error() {
        return error;
    }

    /** For {@link ProtocolError#EXPECTED_BULK_STRING}: the byte found where {@code $} should be. */
    byte unexpected() {
        return unexpected;
    }

    private Status parseInline(ByteBuffer buffer, int from, int to) {
        int newline = Ascii.indexOf(buffer, from, to, (byte) '\n');
        if (newline < 0) {
            return Status.INCOMPLETE;
        }
        int lineEnd = newline > from && buffer.get(newline - 1) == '\r' ? newline - 1 : newline;
        int i = from;
        while (true) {
            while (i < lineEnd && isBlank(buffer.get(i))) {
                i++;
            }
            if (i == lineEnd) {
                break;
            }
            int wordStart = i;
            while (i < lineEnd && !isBlank(buffer.get(i))) {
                i++;
            }
            addArgument(wordStart, i - wordStart);
        }
        end = newline + 1;
        return Status.COMPLETE;
    }

    private Status parseArray(ByteBuffer buffer, int from, int to) {
        int lineEnd = numberLineEnd(buffer, from + 1, to);
        if (lineEnd == INCOMPLETE_LINE) {
            return Status.INCOMPLETE;
        }
        long count = lineEnd == BAD_LINE ? Ascii.NOT_A_NUMBER : Ascii.parseLong(buffer, from + 1, lineEnd);
        if (count == Ascii.NOT_A_NUMBER || count > MAX_ARGUMENTS) {
            return malformed(ProtocolError.INVALID_MULTIBULK_LENGTH);
        }
        int i = lineEnd + 2;
        for (long element = 0; element < count; element++) {
            if (i >= to) {
                return Status.INCOMPLETE;
            }
            if (buffer.get(i) != '$') {
                unexpected = buffer.get(i);
                return malformed(ProtocolError.EXPECTED_BULK_STRING);
            }
            lineEnd = numberLineEnd(buffer, i + 1, to);
            if (lineEnd == INCOMPLETE_LINE) {
                return Status.INCOMPLETE;
            }
            long length = lineEnd == BAD_LINE ? Ascii.NOT_A_NUMBER : Ascii.parseLong(buffer, i + 1, lineEnd);
            if (length < 0 || length > buffer.capacity()) {
                return malformed(ProtocolError.INVALID_BULK_LENGTH);
            }
            int start = lineEnd + 2;
            int stringEnd = start + (int) length;
            if (stringEnd + 2 > to) {
                return Status.INCOMPLETE;
            }
            if (buffer.get(stringEnd) != '\r' || buffer.get(stringEnd + 1) != '\n') {
                return malformed(ProtocolError.UNTERMINATED_BULK_STRING);
            }
            addArgument(start, (int) length);
            i = stringEnd + 2;
        }
        // A count of 0 or below is an empty request, as in Redis: nothing to answer.
        end = i;
        return Status.COMPLETE;
    }

    /**
     * Finds the {@code \r\n} that ends the number line starting at {@code from}.
     *
     * @return the index of its {@code \r}, {@link #INCOMPLETE_LINE} when more bytes are
     *         needed, or {@link #BAD_LINE} when the line is too long or ends otherwise
     */
    private static int numberLineEnd(ByteBuffer buffer, int from, int to) {
        int searchEnd = Math.min(to, from + MAX_NUMBER_LINE + 1);
        int cr = Ascii.indexOf(buffer, from, searchEnd, (byte) '\r');
        if (cr < 0) {
            return to - from > MAX_NUMBER_LINE ? BAD_LINE : INCOMPLETE_LINE;
        }
        if (cr + 1 >= to) {
            return INCOMPLETE_LINE;
        }
        return buffer.get(cr + 1) == '\n' ? cr : BAD_LINE;
    }

    private void addArgument(int start, int length) {
        if (argumentCount == 0) {
            nameStart = start;
            nameLength = length;
        } else if (argumentCount == 1) {
            argumentStart = start;
            argumentLength = length;
        }
        argumentCount++;
    }

    private Status malformed(ProtocolError why) {
        error = why;
        return Status.MALFORMED;
    }

    private static boolean isBlank(byte b) {
        return b == ' ' || b == '\t';
    }
}
