package dev.nbio.bench;

import static dev.nbio.bench.AsciiBytes.ascii;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import java.net.InetSocketAddress;

/**
 * The Redis PING responder on Netty, for the side-by-side with nbio's {@code ping} example:
 * the same replies for the same requests. Both request forms are read, inline
 * ({@code PING\r\n}, what {@code redis-benchmark -t ping_inline} sends) and RESP arrays of
 * bulk strings; {@code PING} answers {@code +PONG} (or its one argument as a bulk string),
 * {@code QUIT} answers {@code +OK} and closes, any other command (redis-benchmark asks for
 * {@code CONFIG GET save} first) {@code -ERR unknown command '<name>'}, and input that is
 * not the protocol a protocol error and a close. Every reply of a read burst goes out in one
 * flush ({@link NettyRequestHandler}), as nbio's server sends them in one send.
 */
final class NettyPingServer {
    private static final byte LF = '\n';
    private static final byte CR = '\r';

    /** Redis shows at most this many bytes of an unknown command's name (as nbio's server does). */
    private static final int MAX_NAME_SHOWN = 128;

    /** The most elements a request array may have; a PING needs two. */
    private static final int MAX_ARGUMENTS = 1024;

    private static final byte[] PING = ascii("ping");
    private static final byte[] QUIT = ascii("quit");
    private static final byte[] PONG = ascii("+PONG\r\n");
    private static final byte[] OK = ascii("+OK\r\n");
    private static final byte[] WRONG_PING_ARGUMENTS = ascii("-ERR wrong number of arguments for 'ping' command\r\n");
    private static final byte[] UNKNOWN_COMMAND = ascii("-ERR unknown command '");
    private static final byte[] QUOTE_END = ascii("'\r\n");
    private static final byte[] PROTOCOL_ERROR = ascii("-ERR Protocol error: invalid request\r\n");
    private static final byte[] CRLF = ascii("\r\n");

    private NettyPingServer() {
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
        return NettyServer.start(address, transport, "ping", new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel channel) {
                channel.pipeline().addLast(new PingHandler());
            }
        });
    }

    /** One connection: parses each request in place, remembering where its name and first argument are. */
    private static final class PingHandler extends NettyRequestHandler {
        private int argumentCount;
        private int nameStart;
        private int nameLength;
        private int argumentStart;
        private int argumentLength;

        @Override
        int answer(ByteBuf in, int from, int to, ByteBuf out) {
            argumentCount = 0;
            int used = in.getByte(from) == '*' ? parseArray(in, from, to) : parseInline(in, from, to);
            if (used == NEED_MORE) {
                return NEED_MORE;
            }
            if (used == CLOSE) {
                out.writeBytes(PROTOCOL_ERROR);
                return CLOSE;
            }
            if (argumentCount == 0) {
                return used;   // an empty request: Redis ignores it
            }
            if (AsciiBytes.equalsIgnoreCase(in, nameStart, nameLength, PING)) {
                switch (argumentCount) {
                    case 1 -> out.writeBytes(PONG);
                    case 2 -> {
                        out.writeByte('$');
                        AsciiBytes.writeDecimal(out, argumentLength);
                        out.writeBytes(CRLF).writeBytes(in, argumentStart, argumentLength).writeBytes(CRLF);
                    }
                    default -> out.writeBytes(WRONG_PING_ARGUMENTS);
                }
                return used;
            }
            if (AsciiBytes.equalsIgnoreCase(in, nameStart, nameLength, QUIT)) {
                out.writeBytes(OK);
                return CLOSE;
            }
            out.writeBytes(UNKNOWN_COMMAND);
            for (int i = nameStart; i < nameStart + Math.min(nameLength, MAX_NAME_SHOWN); i++) {
                byte b = in.getByte(i);
                out.writeByte(b == CR || b == LF ? ' ' : b);
            }
            out.writeBytes(QUOTE_END);
            return used;
        }

        /** Words separated by blanks, ended by {@code \n} or {@code \r\n}. */
        private int parseInline(ByteBuf in, int from, int to) {
            int newline = in.indexOf(from, to, LF);
            if (newline < 0) {
                return NEED_MORE;
            }
            int lineEnd = newline > from && in.getByte(newline - 1) == CR ? newline - 1 : newline;
            int i = from;
            while (true) {
                while (i < lineEnd && AsciiBytes.isBlank(in.getByte(i))) {
                    i++;
                }
                if (i == lineEnd) {
                    break;
                }
                int wordStart = i;
                while (i < lineEnd && !AsciiBytes.isBlank(in.getByte(i))) {
                    i++;
                }
                addArgument(wordStart, i - wordStart);
            }
            return newline + 1 - from;
        }

        /** {@code *<count>\r\n} then that many {@code $<length>\r\n<bytes>\r\n}. */
        private int parseArray(ByteBuf in, int from, int to) {
            int countEnd = in.indexOf(from + 1, to, CR);
            if (countEnd < 0 || countEnd + 1 >= to) {
                return NEED_MORE;
            }
            long count = AsciiBytes.parseDecimal(in, from + 1, countEnd);
            if (count == AsciiBytes.NOT_A_NUMBER || count > MAX_ARGUMENTS || in.getByte(countEnd + 1) != LF) {
                return CLOSE;
            }
            int i = countEnd + 2;
            for (long element = 0; element < count; element++) {
                if (i >= to) {
                    return NEED_MORE;
                }
                if (in.getByte(i) != '$') {
                    return CLOSE;
                }
                int lengthEnd = in.indexOf(i + 1, to, CR);
                if (lengthEnd < 0 || lengthEnd + 1 >= to) {
                    return NEED_MORE;
                }
                long length = AsciiBytes.parseDecimal(in, i + 1, lengthEnd);
                if (length == AsciiBytes.NOT_A_NUMBER || length > MAX_REQUEST_BYTES || in.getByte(lengthEnd + 1) != LF) {
                    return CLOSE;
                }
                int start = lengthEnd + 2;
                int end = start + (int) length;
                if (end + 2 > to) {
                    return NEED_MORE;
                }
                if (in.getByte(end) != CR || in.getByte(end + 1) != LF) {
                    return CLOSE;
                }
                addArgument(start, (int) length);
                i = end + 2;
            }
            return i - from;
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
    }
}
