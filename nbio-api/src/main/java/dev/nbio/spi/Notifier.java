package dev.nbio.spi;

import dev.nbio.AddressFamily;
import dev.nbio.FileFlag;
import dev.nbio.SocketProtocol;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.NetworkChannel;
import java.nio.file.Path;
import java.util.Set;

/**
 * A backend's event source for one loop. Proactor backends (io_uring, IOCP) submit
 * operations to the kernel and report completions; reactor backends (NIO, kqueue, epoll)
 * extend {@link dev.nbio.internal.Reactor}, which performs the non-blocking call, waits for
 * readiness and retries.
 *
 * <p>Every method except {@link #wakeUp()} is called on the loop's thread. The core has
 * validated each operation before {@link #submit}; timeouts, removal, recycling and the
 * callback rules live in the core, not here.
 */
public interface Notifier extends AutoCloseable {
    /**
     * Starts an operation: any kind but {@code TIMEOUT} and {@code NEXT_TICK}, which the core
     * keeps. When it finishes, the backend calls {@link LoopContext#complete}.
     *
     * @param op the operation, inputs set
     */
    void submit(OperationRecord op);

    /**
     * Cancels a submitted operation that has not been reported complete.
     *
     * @param op the operation
     * @return true when the backend no longer holds it; false when it still does (the kernel
     *         or a worker thread may touch its buffers) and will report it through
     *         {@link LoopContext#complete} (or {@link LoopContext#release}) once it does not: the
     *         core then discards the results of a removed operation and ends a timed-out one
     *         with the timeout error
     */
    boolean cancel(OperationRecord op);

    /**
     * Takes back the buffer a receive into a provided buffer used ({@link OperationExtras#provided},
     * {@link OperationExtras#providedId}); the core calls it once the callback has returned, or
     * when the operation will not be called back. Every backend that completes a
     * {@code provideBuffer} receive with a buffer implements it.
     *
     * @param op the receive
     */
    default void giveBack(OperationRecord op) {
        throw new UnsupportedOperationException(getClass().getName() + " provides no receive buffers");
    }

    /**
     * Whether this notifier keeps the deadlines of the operations it runs. When true, it ends
     * every submitted operation that has a timeout at its deadline
     * ({@link OperationRecord#deadlineNanos}, on the {@link System#nanoTime()} clock),
     * reporting it through {@link LoopContext#complete} with {@link Failure#TIMEOUT}, and the
     * core keeps no timer for it. {@code TIMEOUT} operations are never submitted: they stay in
     * the core's timer heap, which is cheaper than a kernel timer each. When false (the
     * default), the core's heap holds every deadline and calls {@link #cancel} when one passes.
     *
     * @return true for a notifier with native deadlines (io_uring's linked timeouts)
     */
    default boolean keepsTime() {
        return false;
    }

    /**
     * Whether operations started since the last {@link #await} still wait to be handed to the
     * system, which only the next {@code await} does (io_uring's unsubmitted SQEs). A tick
     * that starts with callbacks due skips its poll only when this is false, so started work
     * never waits a tick longer to begin.
     *
     * @return true when an {@code await} would hand something to the system
     */
    default boolean hasUnsubmitted() {
        return false;
    }

    /**
     * Waits up to {@code timeoutNanos} for completions and reports them through the context.
     *
     * @param timeoutNanos 0 to not block; {@code -1} to block until something happens
     * @throws IOException when waiting fails
     */
    void await(long timeoutNanos) throws IOException;

    /**
     * Wakes a blocked {@link #await}. Safe from any thread.
     */
    void wakeUp();

    /**
     * Releases the backend's resources. Pending operations are dropped without callbacks.
     */
    @Override
    void close();

    /**
     * Creates a socket: for TCP a listener-to-be, for UDP an unbound datagram socket.
     *
     * @param family   IPv4 or IPv6
     * @param protocol TCP or UDP
     * @return the handle
     * @throws IOException when the system refuses
     */
    Handle createSocket(AddressFamily family, SocketProtocol protocol) throws IOException;

    /**
     * Opens a file, blocking the calling thread.
     *
     * @param dir         the directory a relative path starts from, or {@code null} for the working directory
     * @param path        the path
     * @param flags       how to open it
     * @param permissions the mode of a created file
     * @return the handle
     * @throws IOException when the open fails
     */
    Handle openFile(Handle dir, Path path, Set<FileFlag> flags, int permissions) throws IOException;

    /**
     * Adopts a JDK socket channel.
     *
     * @param channel the channel
     * @return the handle
     * @throws IOException when it cannot be adopted
     */
    Handle associateSocket(NetworkChannel channel) throws IOException;

    /**
     * Adopts a JDK file channel.
     *
     * @param channel the channel
     * @return the handle
     * @throws IOException when it cannot be adopted
     */
    Handle associateFile(FileChannel channel) throws IOException;
}
