package dev.nbio;

import dev.nbio.internal.Loops;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.FileChannel;
import java.nio.channels.NetworkChannel;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;

/**
 * A per-thread event loop: it starts operations, waits for them in ticks and runs their
 * callbacks.
 *
 * <p><b>One loop per thread, reference counted.</b> {@link #acquire()} creates the calling
 * thread's loop or adds a reference to it; {@link #release()} (or {@link #close()}, so
 * try-with-resources works) drops one, and the last release closes the loop.
 *
 * <p><b>Ticks.</b> The loop progresses in {@link #tick(Duration) ticks}: each runs the
 * callbacks of operations that have finished and, when there is nothing to run, blocks up
 * to the given time for work. {@link #run()} ticks until no operation is waiting.
 *
 * <p><b>Callbacks.</b> A callback always runs on the loop's thread, in a tick later than
 * the one that started the operation, never synchronously, so the returned operation can
 * still be given user data or removed. Every executed operation's callback runs exactly
 * once, on success, failure or timeout, unless the operation was {@linkplain
 * #remove(Operation) removed}. A callback that throws does not stop the loop: the exception
 * goes to the {@linkplain #errorHandler(BiConsumer) error handler}.
 *
 * <p><b>Threads.</b> Operations started on the loop's thread execute at once. Operations
 * started from any other thread (the operation methods, {@code prep*} and {@link #exec})
 * are queued to the loop and the loop is woken; the loop's thread executes them in its
 * next tick. {@link #tick}, {@link #run}, {@link #remove}, {@link #detach},
 * {@link #reattach} and the handle-creating methods MUST be called on the loop's thread.
 */
public interface EventLoop extends SocketOperations, FileOperations, AutoCloseable {

    /**
     * Acquires the calling thread's loop: creates it on first use (on the backend chosen as
     * described in {@link #backends()}) or adds a reference.
     *
     * @return the calling thread's loop
     * @throws BackendUnavailableException when no backend can start; the message says why
     */
    static EventLoop acquire() {
        return Loops.acquire();
    }

    /**
     * Acquires the calling thread's loop on a named backend, as {@code -Dnbio.backend} would.
     *
     * @param backend the backend's name ({@code uring}, {@code nio}, ...)
     * @return the calling thread's loop
     * @throws BackendUnavailableException when that backend is missing or cannot start; the message says why
     * @throws IllegalStateException       when this thread already has a loop on another backend
     */
    static EventLoop acquire(String backend) {
        return Loops.acquire(backend);
    }

    /**
     * The calling thread's loop.
     *
     * @return the loop acquired on this thread
     * @throws IllegalStateException when this thread has not acquired a loop
     */
    static EventLoop current() {
        return Loops.current();
    }

    /**
     * Whether a native backend for this system is present and can run (Odin's
     * {@code FULLY_SUPPORTED}). When false, everything still works on the NIO fallback.
     *
     * @return true when a native backend is available
     */
    static boolean fullySupported() {
        return Loops.fullySupported();
    }

    /**
     * Every backend found, with its availability and, for the unavailable, the cause.
     * Auto-selection picks the available one with the highest priority; the system property
     * {@code nbio.backend} ({@code uring}, {@code kqueue}, {@code iocp}, {@code nio}) forces one.
     *
     * @return the backends, highest priority first
     */
    static List<BackendInfo> backends() {
        return Loops.backends();
    }

    /**
     * Drops one reference to this loop; the last one closes it and its backend. Handles and
     * operations of a closed loop are unusable.
     *
     * @throws IllegalStateException when called from another thread
     */
    void release();

    /** The same as {@link #release()}, for try-with-resources. */
    @Override
    default void close() {
        release();
    }

    /**
     * The name of the backend this loop runs on.
     *
     * @return {@code uring}, {@code nio}, ...
     */
    String backend();

    /**
     * The thread this loop belongs to.
     *
     * @return the loop's thread
     */
    Thread thread();

    /**
     * Runs one tick: callbacks that are ready run; when none are, it blocks up to
     * {@code timeout} (or until the next timer) waiting for work.
     *
     * @param timeout the longest time to block; {@code null} blocks until something happens,
     *                {@link Duration#ZERO} does not block
     * @throws java.io.UncheckedIOException when the backend fails to wait
     */
    void tick(Duration timeout);

    /**
     * Runs one tick, blocking until something happens when nothing is ready.
     */
    default void tick() {
        tick(null);
    }

    /**
     * Ticks until no operation is waiting ({@link #numWaiting()} is 0).
     */
    void run();

    /**
     * Ticks until no operation is waiting or {@code done} says so; {@code done} is checked
     * before every tick.
     *
     * @param done true to stop
     */
    void runUntil(BooleanSupplier done);

    /**
     * The current time as the loop sees it: read once per tick, so cheap to call.
     *
     * @return the cached wall-clock time
     */
    Instant now();

    /**
     * The monotonic clock ({@link System#nanoTime()}) as read at the start of this tick; what
     * timeouts are measured with.
     *
     * @return the cached monotonic time in nanoseconds
     */
    long nanoTime();

    /**
     * How many executed operations have not yet completed (had their last callback) or been removed.
     *
     * @return the count
     */
    int numWaiting();

    /**
     * Wakes the loop from a blocking tick. Safe from any thread.
     */
    void wakeUp();

    /**
     * Executes a prepared operation, waking the loop when called from another thread.
     *
     * @param op an operation prepared by this loop
     * @return the same operation
     */
    @Override
    default Operation exec(Operation op) {
        return exec(op, true);
    }

    /**
     * Executes a prepared operation. On the loop's thread it starts at once; from another
     * thread it is queued and runs in the loop's next tick. A detached operation whose
     * callback has run may be executed again.
     *
     * @param op      an operation prepared by this loop
     * @param wakeUp  when called from another thread, whether to wake the loop
     * @return the same operation
     * @throws IllegalStateException    when the operation is already running or was recycled
     * @throws IllegalArgumentException when the operation belongs to another loop
     */
    Operation exec(Operation op, boolean wakeUp);

    /**
     * Removes an operation: cancels it if it has not completed, and its callback will not
     * run. Removal is silent and final. The operation may have done part or all of its work
     * already (a send may have sent bytes); only the callback is guaranteed not to run.
     *
     * @param op an executed or prepared operation of this loop whose callback has not run
     * @throws IllegalStateException when called from another thread, or when the callback
     *                               already ran (the operation is gone)
     */
    void remove(Operation op);

    /**
     * Takes an operation out of the loop's lifetime management: it is not recycled after its
     * callback, so it may be kept, inspected and executed again. Give it back with {@link #reattach}.
     *
     * @param op an operation of this loop
     * @throws IllegalStateException when called from another thread or the operation was recycled
     */
    void detach(Operation op);

    /**
     * Gives a detached operation back: recycled now if its callback has run, else after it runs.
     *
     * @param op a detached operation of this loop
     * @throws IllegalStateException when called from another thread or the operation was not detached
     */
    void reattach(Operation op);

    /**
     * Sets what happens with an exception thrown by a callback. The default logs it through
     * SLF4J at error level; either way the loop keeps running.
     *
     * @param handler receives the operation whose callback threw, and the exception
     */
    void errorHandler(BiConsumer<Operation, Throwable> handler);

    /**
     * Creates a TCP socket, binds it and listens, with {@code SO_REUSEADDR} set.
     *
     * @param address where to listen; port 0 picks a free port
     * @param backlog the maximum length of the queue of pending connections
     * @return the listening socket
     * @throws IOException when the socket cannot be created, bound or listen; the message says which
     */
    TcpSocket listenTcp(InetSocketAddress address, int backlog) throws IOException;

    /**
     * Listens on TCP with a backlog of 1000.
     *
     * @param address where to listen
     * @return the listening socket
     * @throws IOException when the socket cannot be created, bound or listen
     */
    default TcpSocket listenTcp(InetSocketAddress address) throws IOException {
        return listenTcp(address, Defaults.BACKLOG);
    }

    /**
     * Creates a socket associated with this loop. A TCP socket made here is for listening:
     * bind it and call {@link TcpSocket#listen(int)}; outgoing connections come from {@code dial}.
     *
     * @param family   IPv4 or IPv6
     * @param protocol TCP or UDP
     * @return a {@link TcpSocket} or {@link UdpSocket}
     * @throws IOException when the system refuses the socket
     */
    SocketHandle createSocket(AddressFamily family, SocketProtocol protocol) throws IOException;

    /**
     * Creates a TCP socket for listening.
     *
     * @param family IPv4 or IPv6
     * @return the socket
     * @throws IOException when the system refuses the socket
     */
    default TcpSocket createTcpSocket(AddressFamily family) throws IOException {
        return (TcpSocket) createSocket(family, SocketProtocol.TCP);
    }

    /**
     * Creates a UDP socket.
     *
     * @param family IPv4 or IPv6
     * @return the socket
     * @throws IOException when the system refuses the socket
     */
    default UdpSocket createUdpSocket(AddressFamily family) throws IOException {
        return (UdpSocket) createSocket(family, SocketProtocol.UDP);
    }

    /**
     * Creates a UDP socket bound to an address.
     *
     * @param address where to receive datagrams; port 0 picks a free port
     * @return the bound socket
     * @throws IOException when the socket cannot be created or bound
     */
    default UdpSocket bindUdp(InetSocketAddress address) throws IOException {
        UdpSocket socket = createUdpSocket(AddressFamily.of(address));
        try {
            socket.bind(address);
        } catch (IOException | RuntimeException e) {
            socket.handle().close();
            throw e;
        }
        return socket;
    }

    /**
     * Associates a socket channel opened elsewhere with this loop. The channel is switched to
     * non-blocking mode; the returned handle is the same socket, so close only one of them.
     *
     * @param channel a {@code SocketChannel}, {@code ServerSocketChannel} or {@code DatagramChannel}
     * @return a {@link TcpSocket} or {@link UdpSocket}
     * @throws IOException                   when the channel cannot be made non-blocking
     * @throws IllegalArgumentException      when the channel is of another kind or closed
     * @throws UnsupportedOperationException when this backend cannot adopt JDK channels
     */
    SocketHandle associateSocket(NetworkChannel channel) throws IOException;

    /**
     * Associates a file channel opened elsewhere with this loop.
     *
     * @param channel an open file channel
     * @return the file handle
     * @throws IOException                   when the channel cannot be associated
     * @throws UnsupportedOperationException when this backend cannot adopt JDK channels
     */
    FileHandle associateFile(FileChannel channel) throws IOException;
}
