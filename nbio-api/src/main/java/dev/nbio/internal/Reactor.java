package dev.nbio.internal;

import dev.nbio.OperationKind;
import dev.nbio.PollEvent;
import dev.nbio.spi.Failure;
import dev.nbio.spi.LoopContext;
import dev.nbio.spi.Notifier;
import dev.nbio.spi.OperationExtras;
import dev.nbio.spi.OperationRecord;

/**
 * The reactor driver shared by readiness-based backends (NIO, kqueue, epoll): try the
 * non-blocking call at once; when it would block, queue the operation on its handle and
 * arm readiness; on readiness, retry the queued operations in order until one would block.
 * A backend supplies the single non-blocking attempt per operation kind, the readiness
 * registration and the wait; files, which have no readiness, it runs its own way.
 *
 * <p>A read-side call is not tried at once when the socket was found empty and no
 * readiness was reported since ({@link ReactorHandle#receiveEmptied()}): a server's next
 * receive usually comes right after it answered, before the client's next request, and
 * trying it would cost a system call that finds nothing. The operation is queued and
 * readiness armed instead, which reports whatever is there by the next wait.
 */
public abstract class Reactor implements Notifier {
    /** {@link #attempt} result: the call would block; wait for readiness. */
    protected static final long WOULD_BLOCK = -1;
    /** {@link #attempt} result: the operation failed; the failure is recorded on it. */
    protected static final long FAILED = -2;

    /** The loop core. */
    protected final LoopContext context;

    /**
     * Creates the driver.
     *
     * @param context the loop core
     */
    protected Reactor(LoopContext context) {
        this.context = context;
    }

    /**
     * Makes one non-blocking attempt at a socket operation (accept, dial completion, recv,
     * send, sendfile chunk).
     *
     * @param handle the operation's handle
     * @param op     the operation
     * @return bytes moved (0 for accept and dial on success), {@link #WOULD_BLOCK} or {@link #FAILED}
     */
    protected abstract long attempt(ReactorHandle handle, OperationRecord op);

    /**
     * Starts a dial: creates the socket, sets {@link OperationExtras#result} and begins the connect.
     *
     * @param op the dial
     * @return the new socket's handle when the connect is in progress; {@code null} when it
     *         already finished (connected, or failed with the failure recorded)
     */
    protected abstract ReactorHandle startDial(OperationRecord op);

    /**
     * Arms or disarms readiness for a handle after its queues changed.
     *
     * @param handle the handle; see {@link ReactorHandle#wantsRead()} and {@link ReactorHandle#wantsWrite()}
     */
    protected abstract void updateInterest(ReactorHandle handle);

    /**
     * Starts a file operation (open, read, write, stat) the backend's own way.
     *
     * @param op the operation
     */
    protected abstract void submitFile(OperationRecord op);

    /**
     * Cancels a file operation.
     *
     * @param op the operation
     * @return as {@link Notifier#cancel}
     */
    protected abstract boolean cancelFile(OperationRecord op);

    /**
     * Closes a handle now, recording a failure on the close operation if it fails.
     *
     * @param op the close operation
     */
    protected abstract void closeNow(OperationRecord op);

    @Override
    public final void submit(OperationRecord op) {
        switch (op.kind) {
            case OPEN, READ, WRITE, STAT -> submitFile(op);
            case CLOSE -> close(op);
            case DIAL -> dial(op);
            default -> submitSocket(op, (ReactorHandle) op.handle.handle());
        }
    }

    private void submitSocket(OperationRecord op, ReactorHandle handle) {
        if (!handle.isOpen()) {
            // Closed behind the loop's back: what waits on it ends too, not only this one.
            failQueued(handle);
            op.fail(Failure.CLOSED, 0, null);
            context.complete(op);
            return;
        }
        boolean read = isReadSide(op);
        if (handle.head(read) == null && op.kind != OperationKind.POLL && perform(handle, op)) {
            context.complete(op);
            return;
        }
        handle.append(read, op);
        updateInterest(handle);
    }

    private void dial(OperationRecord op) {
        ReactorHandle handle = startDial(op);
        if (handle == null) {
            context.complete(op);
            return;
        }
        handle.append(false, op);
        updateInterest(handle);
    }

    /** Performs attempts until the operation is finished or would block; true when finished. */
    private boolean perform(ReactorHandle handle, OperationRecord op) {
        if (op.progressDue) {
            // The last chunk's update has not reached the callback yet: send on after it has.
            return false;
        }
        boolean read = isReadSide(op);
        while (true) {
            if (read) {
                if (handle.receiveEmptied()) {
                    // Found empty, and no readiness since: the call would find nothing.
                    return false;
                }
                handle.readAttempted();
            }
            long result = attempt(handle, op);
            if (result == WOULD_BLOCK) {
                if (read) {
                    handle.readWouldBlock();
                }
                return false;
            }
            if (result == FAILED || Transfers.advance(op, result)) {
                return true;
            }
            if (op.kind == OperationKind.SENDFILE && op.extras().progressUpdates && result > 0) {
                // One chunk per readiness: the update reaches the callback before the next
                // chunk goes, and a long sendfile does not hold the loop.
                context.progress(op);
                return false;
            }
        }
    }

    /**
     * Runs the queued operations of a handle after readiness was reported.
     *
     * @param handle   the handle
     * @param readable whether it is readable (or has an error or hang-up)
     * @param writable whether it is writable (or connected, or has an error)
     */
    protected final void onReady(ReactorHandle handle, boolean readable, boolean writable) {
        if (readable) {
            handle.readinessReported(handle.wantsRead());
            drain(handle, true);
        }
        if (writable) {
            drain(handle, false);
        }
        updateInterest(handle);
    }

    private void drain(ReactorHandle handle, boolean read) {
        OperationRecord op;
        while ((op = handle.head(read)) != null) {
            if (op.kind != OperationKind.POLL && !perform(handle, op)) {
                return;
            }
            handle.pop(read);
            context.complete(op);
        }
    }

    @Override
    public final boolean cancel(OperationRecord op) {
        switch (op.kind) {
            case OPEN, READ, WRITE, STAT -> {
                return cancelFile(op);
            }
            case CLOSE -> {
                return true;
            }
            case DIAL -> {
                // The socket being connected is the dial's result until the dial is done.
                OperationExtras extras = op.extras();
                ReactorHandle handle = extras.result == null ? null : (ReactorHandle) extras.result.handle();
                if (handle != null) {
                    handle.unlink(false, op);
                    closeQuietly(handle);
                    extras.result = null;
                }
                return true;
            }
            default -> {
                ReactorHandle handle = (ReactorHandle) op.handle.handle();
                if (handle.unlink(isReadSide(op), op)) {
                    updateInterest(handle);
                }
                return true;
            }
        }
    }

    /** Closing ends every operation still queued on the handle with {@code CLOSED}, then closes it. */
    private void close(OperationRecord op) {
        if (op.handle.handle() instanceof ReactorHandle handle) {
            failQueued(handle);
        }
        closeNow(op);
        context.complete(op);
    }

    /**
     * Ends every operation queued on a handle with {@code CLOSED}: the handle was closed.
     *
     * @param handle the handle
     */
    protected final void failQueued(ReactorHandle handle) {
        failQueued(handle, true);
        failQueued(handle, false);
    }

    private void failQueued(ReactorHandle handle, boolean read) {
        OperationRecord queued;
        while ((queued = handle.pop(read)) != null) {
            queued.fail(Failure.CLOSED, 0, null);
            if (queued.kind == OperationKind.DIAL) {
                queued.extras().result = null;
            }
            context.complete(queued);
        }
    }

    private static void closeQuietly(ReactorHandle handle) {
        try {
            handle.close();
        } catch (java.io.IOException ignored) {
            // The dial was abandoned; a failing close of its half-made socket changes nothing for anyone.
        }
    }

    private static boolean isReadSide(OperationRecord op) {
        return switch (op.kind) {
            case ACCEPT, RECV -> true;
            case POLL -> op.extras().pollEvent == PollEvent.READABLE;
            default -> false;
        };
    }
}
