package dev.nbio.examples;

import dev.nbio.AddressFamily;
import dev.nbio.EventLoop;
import dev.nbio.Operation;
import dev.nbio.TcpSocket;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One loop of an {@link HttpServer}: a {@link TcpServer} whose platform thread acquires its
 * own nbio event loop, listens on its own socket, and accepts and serves connections until
 * stopped. When the server runs several workers, each listener is bound to the same address
 * with {@code SO_REUSEPORT}, and the kernel spreads new connections over them; the workers
 * share nothing but the configuration.
 *
 * <p>{@link #stop()} and the counters may be used from any thread; the rest belongs to the
 * worker's thread, like everything its connections do.
 */
final class HttpWorker extends TcpServer<HttpConnection> {
    private static final Logger LOG = LoggerFactory.getLogger(HttpWorker.class);

    private static final int BACKLOG = 1000;

    private final int index;
    private final HttpServerConfig config;
    private final HttpStaticFiles files;
    private final boolean reusePort;
    private final HttpDate date = new HttpDate();

    private final AtomicLong acceptedConnections = new AtomicLong();
    private final AtomicLong bytesReceived = new AtomicLong();

    private HttpWorker(int index, HttpServerConfig config, HttpStaticFiles files, boolean reusePort) {
        super("http");
        this.index = index;
        this.config = config;
        this.files = files;
        this.reusePort = reusePort;
    }

    /**
     * Starts a worker on its own thread and returns once it listens.
     *
     * @param bindAddress where to listen (the first worker's real port when there are several)
     * @param reusePort   whether to bind with {@code SO_REUSEPORT}, so that other workers can bind too
     * @throws IOException when the worker cannot listen; the message names the address
     */
    static HttpWorker start(int index, HttpServerConfig config, HttpStaticFiles files, InetSocketAddress bindAddress,
                            boolean reusePort) throws IOException {
        return startOn(new HttpWorker(index, config, files, reusePort), bindAddress, config.backend());
    }

    long acceptedConnections() {
        return acceptedConnections.get();
    }

    long bytesReceived() {
        return bytesReceived.get();
    }

    /** {@code nbio-http-<port>-<index>}: the workers of one server differ by their index. */
    @Override
    protected String threadName(int port) {
        return "nbio-http-" + port + "-" + index;
    }

    // ---- for the worker's connections, on its thread ----------------------------------------

    HttpServerConfig config() {
        return config;
    }

    /** The static files, or {@code null} when the server has no root. */
    HttpStaticFiles files() {
        return files;
    }

    /** The Date header's value, brought up to date. */
    HttpDate date() {
        date.refresh(loop());
        return date;
    }

    void received(int bytes) {
        bytesReceived.addAndGet(bytes);
    }

    // ---- the worker's thread -----------------------------------------------------------------

    /**
     * One worker listens like any server. Several bind the same address, each with
     * {@code SO_REUSEPORT} (and {@code SO_REUSEADDR}, for restarts while old connections
     * linger in TIME_WAIT). On {@code nio} the bind already listens, with the JDK's backlog
     * of 50, and {@code listen} then changes nothing.
     */
    @Override
    protected TcpSocket listen(EventLoop loop, InetSocketAddress address) throws IOException {
        if (!reusePort) {
            return loop.listenTcp(address, BACKLOG);
        }
        TcpSocket socket = loop.createTcpSocket(AddressFamily.of(address));
        try {
            socket.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            socket.setOption(StandardSocketOptions.SO_REUSEPORT, true);
            socket.bind(address);
            socket.listen(BACKLOG);
            return socket;
        } catch (IOException | UnsupportedOperationException e) {
            loop.close(socket);
            loop.run();
            throw new IOException("cannot listen on " + address + " with SO_REUSEPORT: " + e.getMessage(), e);
        }
    }

    @Override
    protected HttpConnection accepted(Operation accept, TcpSocket client) {
        noDelay(client);
        acceptedConnections.incrementAndGet();
        return new HttpConnection(this, client);
    }

    /**
     * Responses go out in one send, but a file's bytes follow its head in a second one;
     * with Nagle's algorithm the end of the file could wait for the client's delayed ACK.
     */
    private static void noDelay(TcpSocket client) {
        try {
            client.setOption(StandardSocketOptions.TCP_NODELAY, true);
        } catch (IOException | UnsupportedOperationException e) {
            LOG.debug("Could not set TCP_NODELAY on {}", client, e);
        }
    }
}
