package dev.nbio.examples;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * A small HTTP/1.1 server on nbio, in the spirit of picoev's: {@code GET /plaintext} answers
 * {@code Hello, World!}, and with a root directory the files under it are served with
 * {@code sendfile}. Keep-alive and pipelining are supported; request bodies are read and
 * dropped; the limits of {@link HttpServerConfig} are enforced with 413, 414 and 431.
 *
 * <p><b>Threads.</b> The server runs {@link HttpServerConfig#threads() N} {@link HttpWorker}s,
 * each a platform thread with its own event loop and its own listening socket. With more
 * than one, every listener is bound to the same address with {@code SO_REUSEPORT} and the
 * kernel spreads connections over them: no connection, buffer or lock is shared. Each
 * connection ({@link HttpConnection}) lives on the worker that accepted it.
 *
 * <p>{@link #start} returns once every worker listens; {@link #stop()} and {@link #awaitStop()}
 * may be called from any thread.
 */
public final class HttpServer implements RunningServer {
    private final HttpServerConfig config;
    private final List<HttpWorker> workers;

    private HttpServer(HttpServerConfig config, List<HttpWorker> workers) {
        this.config = config;
        this.workers = List.copyOf(workers);
    }

    /**
     * Starts the server's workers and returns once all of them listen.
     *
     * @param config where and how to run
     * @return the running server
     * @throws IOException when a worker cannot listen (the port is taken, {@code SO_REUSEPORT}
     *                     is missing); the message names the address. Workers already started are stopped.
     * @throws dev.nbio.BackendUnavailableException when the backend is missing or cannot start
     */
    public static HttpServer start(HttpServerConfig config) throws IOException {
        HttpStaticFiles files = config.root() == null ? null : new HttpStaticFiles(config.root());
        boolean reusePort = config.threads() > 1;
        List<HttpWorker> started = new ArrayList<>();
        try {
            HttpWorker first = HttpWorker.start(0, config, files, config.address(), reusePort);
            started.add(first);
            // With port 0 the first worker picked the port; the others join it there.
            for (int i = 1; i < config.threads(); i++) {
                started.add(HttpWorker.start(i, config, files, first.address(), true));
            }
        } catch (IOException | RuntimeException e) {
            stopAll(started);
            throw e;
        }
        return new HttpServer(config, started);
    }

    /**
     * The address every worker listens on, with the real port when started on port 0.
     *
     * @return the bound address
     */
    @Override
    public InetSocketAddress address() {
        return workers.getFirst().address();
    }

    /**
     * The name of the backend the workers' loops run on.
     *
     * @return {@code nio}, {@code uring}, ...
     */
    @Override
    public String backend() {
        return workers.getFirst().backend();
    }

    /**
     * The configuration the server runs with.
     *
     * @return the configuration
     */
    public HttpServerConfig config() {
        return config;
    }

    /**
     * How many client connections are open, over all workers.
     *
     * @return the count; safe to read from any thread
     */
    public int connectionCount() {
        return workers.stream().mapToInt(HttpWorker::connectionCount).sum();
    }

    /**
     * How many connections each worker has accepted since it started, in worker order.
     *
     * @return one count per worker; safe to read from any thread
     */
    public List<Long> acceptedConnectionsPerWorker() {
        return workers.stream().map(HttpWorker::acceptedConnections).toList();
    }

    /**
     * How many connections have been accepted, over all workers.
     *
     * @return the count; safe to read from any thread
     */
    public long acceptedConnections() {
        return workers.stream().mapToLong(HttpWorker::acceptedConnections).sum();
    }

    /**
     * How many request bytes have been received, over all workers and connections.
     *
     * @return the count; safe to read from any thread
     */
    public long bytesReceived() {
        return workers.stream().mapToLong(HttpWorker::bytesReceived).sum();
    }

    /**
     * Asks every worker to close its listener and connections and exit. Returns at once;
     * safe from any thread, and calling it again does nothing.
     */
    @Override
    public void stop() {
        workers.forEach(HttpWorker::stop);
    }

    /**
     * Waits until every worker's thread has closed everything and exited.
     *
     * @throws InterruptedException when the waiting thread is interrupted
     */
    @Override
    public void awaitStop() throws InterruptedException {
        for (HttpWorker worker : workers) {
            worker.awaitStop();
        }
    }

    private static void stopAll(List<HttpWorker> workers) {
        workers.forEach(HttpWorker::stop);
        try {
            for (HttpWorker worker : workers) {
                worker.awaitStop();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
