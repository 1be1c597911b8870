package dev.nbio.examples;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The ping server's answers, written straight into a connection's output buffer. Every
 * reply's length is known before it is written, so the server can tell whether it still
 * fits behind the replies already waiting to be sent.
 */
final class RedisReplies {
    /** The commands the ping server tells apart. */
    enum Command {
        /** An empty request (a blank line, an empty array): Redis ignores it, and so do we. */
        NONE,
        /** {@code PING} answers {@code +PONG}; {@code PING message} answers the message. */
        PING,
        /** {@code QUIT} answers {@code +OK}, then the server closes the connection. */
        QUIT,
        /** Anything else: an error naming the command. */
        UNKNOWN
    }

    /** Redis shows at most this many bytes of an unknown command's name. */
    static final int MAX_NAME_SHOWN = 128;

    private static final byte[] PING = ascii("PING");
    private static final byte[] QUIT = ascii("QUIT");
    private static final byte[] PONG = ascii("+PONG\r\n");
    private static final byte[] OK = ascii("+OK\r\n");
    private static final byte[] WRONG_PING_ARGUMENTS = ascii("-ERR wrong number of arguments for 'ping' command\r\n");
    private static final byte[] UNKNOWN_COMMAND = ascii("-ERR unknown command '");
    private static final byte[] QUOTE_END = ascii("'\r\n");
    private static final byte[] PROTOCOL_ERROR = ascii("-ERR Protocol error: ");
    private static final byte[] CRLF = ascii("\r\n");

    private RedisReplies() {
    }

    /** Which command a complete request is; its name is compared without regard to case. */
    static Command command(RedisRequest request, ByteBuffer in) {
        if (request.argumentCount() == 0) {
            return Command.NONE;
        }
        if (Ascii.equalsIgnoreCase(in, request.nameStart(), request.nameLength(), PING)) {
            return Command.PING;
        }
        if (Ascii.equalsIgnoreCase(in, request.nameStart(), request.nameLength(), QUIT)) {
            return Command.QUIT;
        }
        return Command.UNKNOWN;
    }

    /** How many bytes {@link #write} writes for the command. */
    static int length(Command command, RedisRequest request) {
        return switch (command) {
            case NONE -> 0;
            case PING -> switch (request.argumentCount()) {
                case 1 -> PONG.length;
                case 2 -> bulkStringLength(request.argumentLength());
                default -> WRONG_PING_ARGUMENTS.length;
            };
            case QUIT -> OK.length;
            case UNKNOWN -> UNKNOWN_COMMAND.length + Math.min(request.nameLength(), MAX_NAME_SHOWN) + QUOTE_END.length;
        };
    }

    /** Writes the command's reply at {@code out}'s position, which must have {@link #length} bytes of room. */
    static void write(Command command, RedisRequest request, ByteBuffer in, ByteBuffer out) {
        switch (command) {
            case NONE -> { }
            case PING -> {
                switch (request.argumentCount()) {
                    case 1 -> out.put(PONG);
                    case 2 -> writeBulkString(in, request.argumentStart(), request.argumentLength(), out);
                    default -> out.put(WRONG_PING_ARGUMENTS);
                }
            }
            case QUIT -> out.put(OK);
            case UNKNOWN -> {
                out.put(UNKNOWN_COMMAND);
                writeShown(in, request.nameStart(), Math.min(request.nameLength(), MAX_NAME_SHOWN), out);
                out.put(QUOTE_END);
            }
        }
    }

    /** How many bytes {@link #writeProtocolError} writes for a malformed request. */
    static int protocolErrorLength(RedisRequest request) {
        int unexpected = request.error() == RedisRequest.ProtocolError.EXPECTED_BULK_STRING ? 2 : 0;
        return PROTOCOL_ERROR.length + request.error().text().length() + unexpected + CRLF.length;
    }

    /** Writes {@code -ERR Protocol error: <reason>} for a malformed request. */
    static void writeProtocolError(RedisRequest request, ByteBuffer out) {
        out.put(PROTOCOL_ERROR);
        String text = request.error().text();
        for (int i = 0; i < text.length(); i++) {
            out.put((byte) text.charAt(i));
        }
        if (request.error() == RedisRequest.ProtocolError.EXPECTED_BULK_STRING) {
            out.put(shown(request.unexpected())).put((byte) '\'');
        }
        out.put(CRLF);
    }

    private static int bulkStringLength(int length) {
        return 1 + Ascii.length(length) + CRLF.length + length + CRLF.length;
    }

    /** {@code $<length>\r\n<bytes>\r\n}: binary-safe, so the bytes go back exactly as they came. */
    private static void writeBulkString(ByteBuffer in, int start, int length, ByteBuffer out) {
        out.put((byte) '$');
        Ascii.putLong(out, length);
        out.put(CRLF);
        out.put(out.position(), in, start, length);
        out.position(out.position() + length);
        out.put(CRLF);
    }

    /** Copies text into an error line, where a line end would cut the reply short. */
    private static void writeShown(ByteBuffer in, int start, int length, ByteBuffer out) {
        for (int i = 0; i < length; i++) {
            out.put(shown(in.get(start + i)));
        }
    }

    private static byte shown(byte b) {
        return b == '\r' || b == '\n' ? (byte) ' ' : b;
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
