package dev.nbio.examples;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How an {@link HttpServer} runs: where it listens, on how many loops, what it serves and
 * the limits it enforces. Start from {@link #defaults} and change what you need with the
 * {@code with...} methods.
 *
 * @param address         where to listen; port 0 picks a free port
 * @param backend         the nbio backend ({@code nio}, {@code uring}, ...), or {@code null} for the one nbio selects
 * @param threads         how many loops, each on its own thread with its own listener
 * @param root            the directory served as static files, or {@code null} to serve only {@code /plaintext}
 * @param idleTimeout     how long a connection may stay silent, between or inside requests, before it is closed
 * @param maxHeaders      how many header fields a request may have; more is answered with 431
 * @param readBufferSize  bytes per connection for requests; a request head must fit (else 414 or 431)
 * @param writeBufferSize bytes per connection for responses; pipelined responses are batched up to it
 * @param maxBodyBytes    the largest request body (Content-Length) accepted and skipped; more is answered with 413
 */
public record HttpServerConfig(InetSocketAddress address, String backend, int threads, Path root,
                               Duration idleTimeout, int maxHeaders, int readBufferSize, int writeBufferSize,
                               long maxBodyBytes) {
    /** The smallest buffers allowed: room for any response head the server writes, and more. */
    public static final int MIN_BUFFER_SIZE = 1024;

    /**
     * Checks the settings.
     *
     * @throws IllegalArgumentException when a setting is out of range; the message names it
     */
    public HttpServerConfig {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        require(threads >= 1, "threads must be at least 1, got " + threads);
        require(idleTimeout.isPositive(), "the idle timeout must be positive, got " + idleTimeout);
        require(maxHeaders >= 1, "max headers must be at least 1, got " + maxHeaders);
        require(readBufferSize >= MIN_BUFFER_SIZE, "the read buffer must be at least " + MIN_BUFFER_SIZE
                + " bytes, got " + readBufferSize);
        require(writeBufferSize >= MIN_BUFFER_SIZE, "the write buffer must be at least " + MIN_BUFFER_SIZE
                + " bytes, got " + writeBufferSize);
        require(maxBodyBytes >= 0, "the body limit must not be negative, got " + maxBodyBytes);
    }

    /**
     * The defaults: the backend nbio selects, one thread, no static files, a 30 s idle
     * timeout, 64 headers, 16 KiB buffers and bodies up to 1 MiB.
     *
     * @param address where to listen
     * @return the configuration
     */
    public static HttpServerConfig defaults(InetSocketAddress address) {
        return new HttpServerConfig(address, null, 1, null, Duration.ofSeconds(30), 64, 16 * 1024, 16 * 1024,
                1024 * 1024);
    }

    /**
     * @param name the backend, or {@code null} for the one nbio selects
     * @return a copy with that backend
     */
    public HttpServerConfig withBackend(String name) {
        return new HttpServerConfig(address, name, threads, root, idleTimeout, maxHeaders, readBufferSize,
                writeBufferSize, maxBodyBytes);
    }

    /**
     * @param count how many loops
     * @return a copy with that many threads
     */
    public HttpServerConfig withThreads(int count) {
        return new HttpServerConfig(address, backend, count, root, idleTimeout, maxHeaders, readBufferSize,
                writeBufferSize, maxBodyBytes);
    }

    /**
     * @param directory the directory to serve, or {@code null} for none
     * @return a copy serving it
     */
    public HttpServerConfig withRoot(Path directory) {
        return new HttpServerConfig(address, backend, threads, directory, idleTimeout, maxHeaders, readBufferSize,
                writeBufferSize, maxBodyBytes);
    }

    /**
     * @param timeout how long a connection may stay silent
     * @return a copy with that idle timeout
     */
    public HttpServerConfig withIdleTimeout(Duration timeout) {
        return new HttpServerConfig(address, backend, threads, root, timeout, maxHeaders, readBufferSize,
                writeBufferSize, maxBodyBytes);
    }

    /**
     * @param count how many header fields a request may have
     * @return a copy with that limit
     */
    public HttpServerConfig withMaxHeaders(int count) {
        return new HttpServerConfig(address, backend, threads, root, idleTimeout, count, readBufferSize,
                writeBufferSize, maxBodyBytes);
    }

    /**
     * @param readBytes  the read buffer's size
     * @param writeBytes the write buffer's size
     * @return a copy with those buffers
     */
    public HttpServerConfig withBufferSizes(int readBytes, int writeBytes) {
        return new HttpServerConfig(address, backend, threads, root, idleTimeout, maxHeaders, readBytes, writeBytes,
                maxBodyBytes);
    }

    /**
     * @param bytes the largest request body accepted
     * @return a copy with that limit
     */
    public HttpServerConfig withMaxBodyBytes(long bytes) {
        return new HttpServerConfig(address, backend, threads, root, idleTimeout, maxHeaders, readBufferSize,
                writeBufferSize, bytes);
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
