package dev.nbio.examples;

import java.net.InetSocketAddress;

/**
 * A server that runs on threads of its own: what a {@link ServerCommand} needs to print
 * where it listens and to stop it. {@link LoopServer}s and the {@link HttpServer} are ones.
 */
public interface RunningServer {
    /**
     * The address the server listens on, with the real port when it was started on port 0.
     *
     * @return the bound address
     */
    InetSocketAddress address();

    /**
     * The name of the backend the server's loops run on.
     *
     * @return {@code nio}, {@code uring}, ...
     */
    String backend();

    /**
     * Asks the server to stop: it closes what it listens on and every connection, then its
     * threads exit. Returns at once; use {@link #awaitStop()} to wait. Safe from any thread,
     * and calling it again does nothing.
     */
    void stop();

    /**
     * Waits until the server's threads have closed everything and exited.
     *
     * @throws InterruptedException when the waiting thread is interrupted
     */
    void awaitStop() throws InterruptedException;
}
