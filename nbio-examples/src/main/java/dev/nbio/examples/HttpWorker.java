package dev.nbio.examples;

import dev.nbio.AcceptError;
import dev.nbio.AddressFamily;
import dev.nbio.EventLoop;
import dev.nbio.Operation;
import dev.nbio.TcpSocket;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One loop of an {@link HttpServer}: a platform thread that acquires its own nbio event
 * loop, listens on its own socket, and accepts and serves connections until stopped. When
 * the server runs several workers, each listener is bound to the same address with
 * {@code SO_REUSEPORT}, and the kernel spreads new connections over them; the workers share
 * nothing but the configuration.
 *
 * <p>{@link #stop()} and the counters may be used from any thread; the rest belongs to the
 * worker's thread, like everything its connections do.
 */
final class HttpWorker {
    private static final Logger LOG = LoggerFactory.getLogger(HttpWorker.class);

    /** How long to wait before accepting again when the process is out of file descriptors. */
    private static final Duration ACCEPT_BACKOFF = Duration.ofMillis(100);
    private static final int BACKLOG = 1000;

    private final int index;
    private final HttpServerConfig config;
    private final HttpStaticFiles files;
    private final HttpDate date = new HttpDate();

    private final CompletableFuture<Void> listening = new CompletableFuture<>();
    private final CompletableFuture<Void> stopped = new CompletableFuture<>();
    private final AtomicBoolean stopRequested = new AtomicBoolean();
    private final AtomicInteger openConnections = new AtomicInteger();
    private final AtomicLong acceptedConnections = new AtomicLong();
    private final AtomicLong bytesReceived = new AtomicLong();

    // Written by the worker's thread before `listening` completes, read by others after.
    private EventLoop loop;
    private TcpSocket listener;
    private InetSocketAddress address;

    // Owned by the worker's thread.
    private final Set<HttpConnection> connections = new HashSet<>();
    private boolean stopping;

    private HttpWorker(int index, HttpServerConfig config, HttpStaticFiles files) {
        this.index = index;
        this.config = config;
        this.files = files;
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
        HttpWorker worker = new HttpWorker(index, config, files);
        Thread.ofPlatform()
                .name("nbio-http-" + index)
                .daemon(true)
                .start(() -> worker.serve(bindAddress, reusePort));
        worker.awaitListening();
        return worker;
    }

    InetSocketAddress address() {
        return address;
    }

    String backend() {
        return loop.backend();
    }

    int connectionCount() {
        return openConnections.get();
    }

    long acceptedConnections() {
        return acceptedConnections.get();
    }

    long bytesReceived() {
        return bytesReceived.get();
    }

    /** Asks the worker to close everything and exit; returns at once. Any thread; repeats do nothing. */
    void stop() {
        if (!stopRequested.compareAndSet(false, true) || stopped.isDone()) {
            return;
        }
        try {
            loop.nextTick(this, HttpWorker::onStop);   // queued to the loop's thread, which it wakes
        } catch (IllegalStateException e) {
            LOG.debug("HTTP worker {} had already ended", index, e);   // its thread failed and let the loop go
        }
    }

    void awaitStop() throws InterruptedException {
        try {
            stopped.get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("the HTTP worker's thread failed", e.getCause());
        }
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
        date.refresh(loop);
        return date;
    }

    void received(int bytes) {
        bytesReceived.addAndGet(bytes);
    }

    void closing(HttpConnection connection) {
        connections.remove(connection);
    }

    void closed() {
        openConnections.decrementAndGet();
    }

    // ---- the worker's thread -----------------------------------------------------------------

    private void awaitListening() throws IOException {
        try {
            listening.join();
        } catch (CompletionException e) {
            switch (e.getCause()) {
                case IOException io -> throw new IOException(io.getMessage(), io);
                case RuntimeException re -> throw re;
                default -> throw new IllegalStateException("the HTTP worker failed to start", e.getCause());
            }
        }
    }

    private void serve(InetSocketAddress bindAddress, boolean reusePort) {
        String backend = config.backend();
        try (EventLoop acquired = backend == null ? EventLoop.acquire() : EventLoop.acquire(backend)) {
            loop = acquired;
            listener = listen(acquired, bindAddress, reusePort);
            address = listener.localAddress();
            Thread.currentThread().setName("nbio-http-" + address.getPort() + "-" + index);
            acquired.accept(listener, this, HttpWorker::onAccept);
            listening.complete(null);
            while (!stopping) {
                acquired.tick();
            }
            acquired.run();   // let the closes, and the operations they end, call back
            LOG.debug("HTTP worker {} on {} stopped", index, address);
        } catch (IOException | RuntimeException | Error e) {
            if (!listening.completeExceptionally(e)) {
                LOG.error("HTTP worker {} on {} failed", index, address, e);
            }
        } finally {
            stopped.complete(null);
        }
    }

    /**
     * One worker listens like any server. Several bind the same address, each with
     * {@code SO_REUSEPORT} (and {@code SO_REUSEADDR}, for restarts while old connections
     * linger in TIME_WAIT). On {@code nio} the bind already listens, with the JDK's backlog
     * of 50, and {@code listen} then changes nothing.
     */
    private static TcpSocket listen(EventLoop loop, InetSocketAddress address, boolean reusePort) throws IOException {
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

    private static void onStop(Operation op, HttpWorker worker) {
        worker.stopping = true;
        op.loop().close(worker.listener);
        for (HttpConnection connection : new ArrayList<>(worker.connections)) {
            connection.close();
        }
    }

    private static void onAccept(Operation op, HttpWorker worker) {
        if (op.failed()) {
            worker.onAcceptFailed(op);
            return;
        }
        TcpSocket client = op.accept().client();
        if (worker.stopping) {
            op.loop().close(client);
            return;
        }
        // Accept the next client before serving this one, so clients never wait on each other.
        op.loop().accept(worker.listener, worker, HttpWorker::onAccept);
        noDelay(client);
        HttpConnection connection = new HttpConnection(worker, client);
        worker.connections.add(connection);
        worker.openConnections.incrementAndGet();
        worker.acceptedConnections.incrementAndGet();
        connection.start();
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

    private void onAcceptFailed(Operation op) {
        AcceptError error = op.accept().error();
        if (stopping || error == AcceptError.CLOSED) {
            return;   // The listener is gone: accepting again would only fail again.
        }
        switch (error) {
            case CONNECTION_ABORTED -> op.loop().accept(listener, this, HttpWorker::onAccept);
            case INSUFFICIENT_RESOURCES -> {
                LOG.warn("Accept failed ({}); trying again in {} ms", error, ACCEPT_BACKOFF.toMillis(), op.cause());
                op.loop().timeout(ACCEPT_BACKOFF, this, HttpWorker::onAcceptBackoffOver);
            }
            default -> LOG.error("Accept failed ({}, errno {}); worker {} no longer accepts connections",
                    error, op.errno(), index, op.cause());
        }
    }

    private static void onAcceptBackoffOver(Operation op, HttpWorker worker) {
        if (!worker.stopping) {
            op.loop().accept(worker.listener, worker, HttpWorker::onAccept);
        }
    }
}
