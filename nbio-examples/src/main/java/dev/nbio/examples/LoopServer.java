package dev.nbio.examples;

import dev.nbio.EventLoop;
import dev.nbio.Operation;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A server on its own event-loop thread: the plumbing that every server of the examples
 * shares. {@link TcpServer} adds listening and accepting for the TCP ones.
 *
 * <p>{@link #startOn} starts a platform thread, which acquires its loop, lets the subclass
 * {@linkplain #open open} its sockets and arm the first operations, and ticks until the
 * server is stopped and {@linkplain #drained drained}. Then it runs the loop until nothing
 * waits, so the callbacks of the closes run, and lets the loop go.
 *
 * <p><b>Threads.</b> {@link #startOn} returns once the server listens. {@link #stop()} and
 * {@link #awaitStop()} may be called from any thread: stop queues {@link #beginStop} to the
 * loop's thread with {@code nextTick}, which wakes the loop.
 */
public abstract class LoopServer implements RunningServer {
    private final Logger log = LoggerFactory.getLogger(getClass());
    private final String name;
    private final CompletableFuture<Void> listening = new CompletableFuture<>();
    private final CompletableFuture<Void> stopped = new CompletableFuture<>();
    private final AtomicBoolean stopRequested = new AtomicBoolean();

    // Written by the loop's thread before `listening` completes, read by others after.
    private EventLoop loop;
    private InetSocketAddress address;

    // Owned by the loop's thread.
    private boolean stopping;

    /**
     * Creates a server that is not running yet.
     *
     * @param name the short name used in thread names and log lines, e.g. {@code udp-echo}
     */
    protected LoopServer(String name) {
        this.name = Objects.requireNonNull(name, "name");
    }

    /**
     * Starts a server's thread and returns the server once it listens: what each server's
     * static {@code start} method does with a new instance.
     *
     * @param server      the server, not started yet
     * @param bindAddress where to listen; port 0 picks a free port
     * @param backend     the nbio backend ({@code nio}, {@code uring}, ...), or {@code null}
     *                    for the one nbio selects
     * @param <S>         the kind of server
     * @return the server, listening
     * @throws IOException when the server cannot listen on the address
     * @throws dev.nbio.BackendUnavailableException when the backend is missing or cannot start
     */
    protected static <S extends LoopServer> S startOn(S server, InetSocketAddress bindAddress, String backend)
            throws IOException {
        Objects.requireNonNull(bindAddress, "bindAddress");
        LoopServer starting = server;   // its private methods, which S does not inherit
        Thread.ofPlatform()
                .name(starting.threadName(bindAddress.getPort()))
                .daemon(true)
                .start(() -> starting.serve(bindAddress, backend));
        starting.awaitListening();
        return server;
    }

    /**
     * On the loop's thread: opens the server's sockets and starts its first operations.
     *
     * @param loop        the server's loop
     * @param bindAddress where to listen
     * @return the bound address, with the real port when asked for port 0
     * @throws IOException when the address cannot be bound; the message should name it
     */
    protected abstract InetSocketAddress open(EventLoop loop, InetSocketAddress bindAddress) throws IOException;

    /**
     * On the loop's thread, once: closes the sockets so that every pending operation ends.
     *
     * @param loop the server's loop
     */
    protected abstract void beginStop(EventLoop loop);

    /**
     * On the loop's thread, after {@link #beginStop}: whether the server has nothing left
     * that must finish before the loop stops ticking. The default is true.
     *
     * @return true when the loop may stop ticking
     */
    protected boolean drained() {
        return true;
    }

    /**
     * On the loop's thread, last: releases what the server owns besides its loop. Runs
     * after a failed start too. Does nothing by default.
     */
    protected void afterLoop() {
    }

    /**
     * The name of the server's thread: {@code nbio-<name>-<port>}.
     *
     * @param port the port the server listens on, or 0 until it is bound
     * @return the thread's name
     */
    protected String threadName(int port) {
        return "nbio-" + name + "-" + port;
    }

    /**
     * The server's loop, once its thread has acquired it.
     *
     * @return the loop; for use on the loop's thread
     */
    protected final EventLoop loop() {
        return loop;
    }

    /**
     * Whether {@link #stop()} has reached the loop's thread. Read on the loop's thread only.
     *
     * @return true once the server is stopping
     */
    protected final boolean stopping() {
        return stopping;
    }

    @Override
    public final InetSocketAddress address() {
        return address;
    }

    @Override
    public final String backend() {
        return loop.backend();
    }

    /**
     * Asks the server to stop: {@link #beginStop} runs on the loop's thread. Returns at once;
     * use {@link #awaitStop()} to wait. Safe from any thread, and calling it again does nothing.
     */
    @Override
    public final void stop() {
        if (!stopRequested.compareAndSet(false, true) || stopped.isDone()) {
            return;
        }
        try {
            // From another thread the operation is queued and the loop woken; it runs in the next tick.
            loop.nextTick(this, LoopServer::onStopRequested);
        } catch (IllegalStateException e) {
            // The loop's thread failed and let its loop go between the check above and here.
            log.debug("{} on {} had already ended", name, address, e);
        }
    }

    @Override
    public final void awaitStop() throws InterruptedException {
        try {
            stopped.get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("the " + name + " server's thread failed", e.getCause());
        }
    }

    private void awaitListening() throws IOException {
        try {
            listening.join();
        } catch (CompletionException e) {
            switch (e.getCause()) {
                // Rethrown here so the exception carries the caller's stack too.
                case IOException io -> throw new IOException(io.getMessage(), io);
                case RuntimeException re -> throw re;
                default -> throw new IllegalStateException("the " + name + " server failed to start", e.getCause());
            }
        }
    }

    // ---- the loop's thread ------------------------------------------------------------------

    private void serve(InetSocketAddress bindAddress, String backend) {
        try (EventLoop acquired = backend == null ? EventLoop.acquire() : EventLoop.acquire(backend)) {
            loop = acquired;
            address = open(acquired, bindAddress);
            Thread.currentThread().setName(threadName(address.getPort()));   // the real port, when asked for 0
            listening.complete(null);
            log.info("{} server listening on {} (backend {})", name, address, acquired.backend());
            while (!stopping || !drained()) {
                acquired.tick();
            }
            // Let the callbacks of the closes, and of the operations they end, run.
            acquired.run();
            log.info("{} server on {} stopped", name, address);
        } catch (IOException | RuntimeException | Error e) {
            if (!listening.completeExceptionally(e)) {
                log.error("{} server on {} failed", name, address, e);
            }
        } finally {
            try {
                afterLoop();
            } finally {
                stopped.complete(null);
            }
        }
    }

    private static void onStopRequested(Operation op, LoopServer server) {
        server.stopping = true;
        server.beginStop(op.loop());
    }
}
