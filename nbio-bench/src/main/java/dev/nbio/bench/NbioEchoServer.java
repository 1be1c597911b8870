package dev.nbio.bench;

import dev.nbio.EventLoop;
import dev.nbio.Operation;
import dev.nbio.TcpSocket;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The echo server on an nbio loop, on the backend named at start: accept, then for each
 * connection receive whatever is there, send it all back, receive again.
 *
 * <p>Built like {@code nbio-examples}' EchoServer so the figure measures the library, not the
 * benchmark: one loop thread, each connection a {@link Conn} handed to its operations as
 * the attachment, callbacks that are static method references (nothing allocated per
 * operation), and a DIRECT buffer per connection so the io_uring backend hands the kernel
 * the buffer itself instead of copying through its bounce block.
 */
public final class NbioEchoServer implements ServerUnderTest {
    /** Per-connection buffer; the messages are far smaller, as in the example server. */
    private static final int BUFFER_SIZE = 16 * 1024;

    private final CompletableFuture<Void> listening = new CompletableFuture<>();
    private final CompletableFuture<Void> stopped = new CompletableFuture<>();
    private final Thread thread;

    // Written by the loop's thread before `listening` completes, read by others after.
    private EventLoop loop;
    private TcpSocket listener;
    private int port;

    // Owned by the loop's thread.
    private final Set<Conn> connections = new HashSet<>();
    private boolean stopping;

    private NbioEchoServer(InetSocketAddress address, String backend) {
        thread = Thread.ofPlatform().name("nbio-echo").start(() -> serve(address, backend));
    }

    /**
     * Starts the server on its own thread and returns once it listens.
     *
     * @param address where to listen (port 0 picks one)
     * @param backend the nbio backend: {@code uring}, {@code nio}
     * @return the listening server
     * @throws IOException when it cannot listen
     */
    public static NbioEchoServer start(InetSocketAddress address, String backend) throws IOException {
        NbioEchoServer server = new NbioEchoServer(address, backend);
        try {
            server.listening.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof IOException io) {
                throw new IOException(io.getMessage(), io);
            }
            throw e;
        }
        return server;
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public String describe() {
        return "nbio backend " + loop.backend() + ", one loop thread, direct buffers of " + BUFFER_SIZE + " bytes";
    }

    @Override
    public void stop() throws InterruptedException {
        if (!stopped.isDone()) {
            // From another thread: queued to the loop and the loop woken.
            loop.nextTick(this, NbioEchoServer::onStop);
        }
        thread.join();
    }

    // ---- the loop's thread ------------------------------------------------------------------

    private void serve(InetSocketAddress address, String backend) {
        try (EventLoop acquired = EventLoop.acquire(backend)) {
            loop = acquired;
            listener = acquired.listenTcp(address);
            port = listener.localAddress().getPort();
            acquired.accept(listener, this, NbioEchoServer::onAccept);
            listening.complete(null);
            while (!stopping) {
                acquired.tick();
            }
            acquired.run();   // lets the closes' callbacks run
        } catch (IOException | RuntimeException | Error e) {
            if (!listening.completeExceptionally(e)) {
                e.printStackTrace();
            }
        } finally {
            stopped.complete(null);
        }
    }

    private static void onStop(Operation op, NbioEchoServer server) {
        server.stopping = true;
        op.loop().close(server.listener);
        List<Conn> open = new ArrayList<>(server.connections);
        for (Conn conn : open) {
            conn.close();
        }
    }

    private static void onAccept(Operation op, NbioEchoServer server) {
        if (op.failed()) {
            if (!server.stopping) {
                System.err.println("nbio echo: accept failed: " + op.accept().error() + "; no longer accepting");
            }
            return;
        }
        TcpSocket client = op.accept().client();
        if (server.stopping) {
            op.loop().close(client);
            return;
        }
        op.loop().accept(server.listener, server, NbioEchoServer::onAccept);
        try {
            // Both backends already set it on accepted sockets; set here so the figure never depends on that.
            client.setOption(StandardSocketOptions.TCP_NODELAY, true);
        } catch (IOException e) {
            System.err.println("nbio echo: TCP_NODELAY refused: " + e.getMessage());
        }
        Conn conn = new Conn(server, client);
        server.connections.add(conn);
        op.loop().recv(client, conn.buffer, conn, NbioEchoServer::onRecv);
    }

    private static void onRecv(Operation op, Conn conn) {
        if (op.failed() || op.recv().received() == 0) {
            conn.close();   // a failure, or the client closed its side
            return;
        }
        conn.buffer.flip();
        op.loop().send(conn.socket, conn.buffer, conn, NbioEchoServer::onSent);
    }

    private static void onSent(Operation op, Conn conn) {
        if (op.failed()) {
            conn.close();
            return;
        }
        conn.buffer.clear();
        op.loop().recv(conn.socket, conn.buffer, conn, NbioEchoServer::onRecv);
    }

    /** One client connection, the attachment of all its operations. Loop thread only. */
    private static final class Conn {
        final NbioEchoServer server;
        final TcpSocket socket;
        final ByteBuffer buffer = ByteBuffer.allocateDirect(BUFFER_SIZE);
        private boolean closed;

        Conn(NbioEchoServer server, TcpSocket socket) {
            this.server = server;
            this.socket = socket;
        }

        void close() {
            if (!closed) {
                closed = true;
                server.connections.remove(this);
                socket.loop().close(socket);
            }
        }
    }
}
