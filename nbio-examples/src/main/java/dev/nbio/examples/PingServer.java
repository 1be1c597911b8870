package dev.nbio.examples;

import dev.nbio.EventLoop;
import dev.nbio.Operation;
import dev.nbio.TcpSocket;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A server that answers the Redis {@code PING} command, enough for {@code redis-cli} and
 * {@code redis-benchmark -t ping_inline,ping_mbulk}.
 *
 * <p>Each connection has an input buffer, an output buffer and a {@link RedisRequest} that
 * parses in place. After every receive the server answers all the whole requests in the
 * input, appending the replies to the output buffer, and sends them in one go: a client that
 * pipelines 100 requests gets 100 replies in one send. A request cut in two by the network
 * stays in the input until the rest arrives. Only when the replies outgrow the output buffer
 * does the server send, then come back for the rest. {@code QUIT}, and input that is not
 * Redis protocol, end the connection after the reply.
 *
 * <p>Threads, listening and accepting: as described in {@link LoopServer} and {@link TcpServer}.
 */
public final class PingServer extends TcpServer<PingServer.Conn> {
    private static final Logger LOG = LoggerFactory.getLogger(PingServer.class);

    /** The largest request: a {@code PING} message may be almost this long. */
    static final int INPUT_SIZE = 16 * 1024;

    /** Room for the reply to the largest request, so that any single reply fits. */
    static final int OUTPUT_SIZE = INPUT_SIZE + 64;

    private final AtomicLong receives = new AtomicLong();
    private final AtomicLong sends = new AtomicLong();
    private final AtomicLong bytesReceived = new AtomicLong();

    private PingServer() {
        super("ping");
    }

    /**
     * Starts a ping server on its own thread and returns once it listens.
     *
     * @param address where to listen; port 0 picks a free port
     * @param backend the nbio backend, or {@code null} for the one nbio selects
     * @return the running server
     * @throws IOException when the server cannot listen on the address; the message names it
     * @throws dev.nbio.BackendUnavailableException when the backend is missing or cannot start
     */
    public static PingServer start(InetSocketAddress address, String backend) throws IOException {
        return startOn(new PingServer(), address, backend);
    }

    /**
     * How many receives have completed with data, on all connections. A receive is counted
     * after its requests were answered, so the sends it caused are counted already.
     *
     * @return the count; safe to read from any thread
     */
    public long receiveCount() {
        return receives.get();
    }

    /**
     * How many sends the server has started, on all connections; each carries every reply
     * that was ready.
     *
     * @return the count; safe to read from any thread
     */
    public long sendCount() {
        return sends.get();
    }

    /**
     * How many bytes the server has received, on all connections; counted, like
     * {@link #receiveCount()}, after they were handled.
     *
     * @return the count; safe to read from any thread
     */
    public long bytesReceived() {
        return bytesReceived.get();
    }

    // ---- the loop's thread ------------------------------------------------------------------

    @Override
    protected Conn accepted(Operation accept, TcpSocket client) {
        return new Conn(this, client);
    }

    private static void onRecv(Operation op, Conn conn) {
        if (op.failed()) {
            LOG.debug("Receive failed ({}); closing the connection", op.recv().error());
            conn.close();
            return;
        }
        int received = op.recv().received();
        if (received == 0) {
            conn.close();   // The client closed its side: nobody is left to answer.
            return;
        }
        answer(op.loop(), conn);
        // Counted once handled, so whoever sees these bytes counted also sees the sends they caused.
        conn.server.bytesReceived.addAndGet(received);
        conn.server.receives.incrementAndGet();
    }

    private static void onSent(Operation op, Conn conn) {
        if (op.failed()) {
            LOG.debug("Send failed ({}); closing the connection", op.send().error());
            conn.close();
            return;
        }
        if (conn.closeAfterReply) {
            conn.lingerThenClose(conn.in);   // After QUIT or a protocol error, once the reply is out.
            return;
        }
        conn.out.clear();
        answer(op.loop(), conn);   // Requests may be left that did not fit in the output.
    }

    /**
     * Answers every whole request in the input, then sends the replies; with nothing to send,
     * receives more. The input holds bytes {@code [0, position)}; what was answered is
     * compacted away so the rest starts at 0 again.
     */
    private static void answer(EventLoop loop, Conn conn) {
        ByteBuffer in = conn.in;
        ByteBuffer out = conn.out;
        RedisRequest request = conn.request;
        int received = in.position();
        int next = 0;
        while (!conn.closeAfterReply) {
            RedisRequest.Status status = request.parse(in, next, received);
            if (status == RedisRequest.Status.INCOMPLETE) {
                break;
            }
            if (status == RedisRequest.Status.MALFORMED) {
                if (out.remaining() >= RedisReplies.protocolErrorLength(request)) {
                    RedisReplies.writeProtocolError(request, out);
                    conn.closeAfterReply = true;   // As Redis does: the rest of the stream cannot be trusted.
                }
                break;
            }
            RedisReplies.Command command = RedisReplies.command(request, in);
            if (out.remaining() < RedisReplies.length(command, request)) {
                break;   // Send what is ready; this request is parsed again afterwards.
            }
            RedisReplies.write(command, request, in, out);
            conn.closeAfterReply = command == RedisReplies.Command.QUIT;
            next = request.end();
        }
        in.limit(received).position(next);
        in.compact();
        if (out.position() > 0) {
            out.flip();
            conn.server.sends.incrementAndGet();
            loop.send(conn.socket, out, conn, PingServer::onSent);
        } else {
            // An incomplete request is never larger than the buffer (the parser says MALFORMED then), so there is room.
            loop.recv(conn.socket, in, conn, PingServer::onRecv);
        }
    }

    /** One client connection: the attachment of all of its operations. Used on the loop's thread only. */
    static final class Conn extends TcpConnection<PingServer> {
        final ByteBuffer in = ByteBuffer.allocateDirect(INPUT_SIZE);
        final ByteBuffer out = ByteBuffer.allocateDirect(OUTPUT_SIZE);
        final RedisRequest request = new RedisRequest();
        boolean closeAfterReply;

        Conn(PingServer server, TcpSocket socket) {
            super(server, socket);
        }

        @Override
        void start() {
            socket.loop().recv(socket, in, this, PingServer::onRecv);
        }
    }
}
