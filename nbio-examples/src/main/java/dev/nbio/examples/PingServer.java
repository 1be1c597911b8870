package dev.nbio.examples;

import dev.nbio.EventLoop;
import dev.nbio.Operation;
import dev.nbio.TcpSocket;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Set;
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
 * <p>Threads: as described in {@link LoopServer}.
 */
public final class PingServer extends LoopServer {
    private static final Logger LOG = LoggerFactory.getLogger(PingServer.class);

    /** The largest request: a {@code PING} message may be almost this long. */
    static final int INPUT_SIZE = 16 * 1024;

    /** Room for the reply to the largest request, so that any single reply fits. */
    static final int OUTPUT_SIZE = INPUT_SIZE + 64;

    private final AtomicLong receives = new AtomicLong();
    private final AtomicLong sends = new AtomicLong();
    private final AtomicLong bytesReceived = new AtomicLong();
    private final AtomicLong openConnections = new AtomicLong();

    // Owned by the loop's thread.
    private final Set<Conn> connections = new HashSet<>();
    private TcpSocket listener;

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
        PingServer server = new PingServer();
        server.startOn(address, backend);
        return server;
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

    /**
     * How many client connections are open: accepted and not yet closed.
     *
     * @return the count; safe to read from any thread
     */
    public long connectionCount() {
        return openConnections.get();
    }

    // ---- the loop's thread ------------------------------------------------------------------

    @Override
    protected InetSocketAddress open(EventLoop loop, InetSocketAddress bindAddress) throws IOException {
        listener = loop.listenTcp(bindAddress);
        loop.accept(listener, this, PingServer::onAccept);
        return listener.localAddress();
    }

    @Override
    protected void beginStop(EventLoop loop) {
        loop.close(listener);
        for (Conn conn : new ArrayList<>(connections)) {
            conn.close();
        }
    }

    private static void onAccept(Operation op, PingServer server) {
        if (op.failed()) {
            server.acceptAgainAfter(op, server.listener, server, PingServer::onAccept);
            return;
        }
        TcpSocket client = op.accept().client();
        if (server.stopping()) {
            op.loop().close(client);
            return;
        }
        // Accept the next client before serving this one, so clients never wait on each other.
        op.loop().accept(server.listener, server, PingServer::onAccept);
        Conn conn = new Conn(server, client);
        server.connections.add(conn);
        server.openConnections.incrementAndGet();
        op.loop().recv(client, conn.in, conn, PingServer::onRecv);
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
            conn.linger(op.loop());   // After QUIT or a protocol error, once the reply is out.
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

    /** Discards what the client still sends after the last reply; closes once it is quiet, gone or too talkative. */
    private static void onLingered(Operation op, Conn conn) {
        if (op.failed() || op.recv().received() == 0 || conn.server.stopping()) {
            conn.close();   // Quiet for LINGER_QUIET_TIME (TIMEOUT), closed by the client, or the server stops.
            return;
        }
        conn.discarded += op.recv().received();
        if (conn.discarded > LINGER_MAX_BYTES) {
            conn.close();
            return;
        }
        conn.linger(op.loop());
    }

    private static void onClosed(Operation op, Conn conn) {
        conn.server.openConnections.decrementAndGet();
    }

    /** One client connection: the attachment of all of its operations. Used on the loop's thread only. */
    private static final class Conn {
        final PingServer server;
        final TcpSocket socket;
        final ByteBuffer in = ByteBuffer.allocateDirect(INPUT_SIZE);
        final ByteBuffer out = ByteBuffer.allocateDirect(OUTPUT_SIZE);
        final RedisRequest request = new RedisRequest();
        boolean closeAfterReply;
        int discarded;
        private boolean closed;

        Conn(PingServer server, TcpSocket socket) {
            this.server = server;
            this.socket = socket;
        }

        /** Reads and drops input until the client is quiet, then closes: see {@link LoopServer#LINGER_QUIET_TIME}. */
        void linger(EventLoop loop) {
            in.clear();
            loop.recv(socket, in, false, LINGER_QUIET_TIME, this, PingServer::onLingered);
        }

        /** Closes the socket once; an operation still pending on it ends with a CLOSED error. */
        void close() {
            if (closed) {
                return;
            }
            closed = true;
            server.connections.remove(this);
            socket.loop().close(socket, this, PingServer::onClosed);
        }
    }
}
