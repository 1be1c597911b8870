package dev.nbio.uring;

import static dev.nbio.uring.IoUringAbi.*;
import static dev.nbio.uring.Slots.*;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import dev.nbio.TcpSocket;
import dev.nbio.spi.Failure;
import dev.nbio.spi.OperationExtras;
import dev.nbio.spi.OperationRecord;
import java.io.IOException;
import java.lang.foreign.MemorySegment;

/**
 * Accepts for a notifier: one multishot accept per listener keeps delivering connections;
 * accept operations take them in order, and up to {@link #ACCEPT_BACKLOG} are held ahead of
 * demand before the kernel's own queue holds the rest. Where the kernel has no multishot
 * accept (before Linux 5.19), each accept is one SQE.
 */
final class Accepts {
    /** Connections accepted ahead of any accept operation, per listener, before the multishot pauses. */
    private static final int ACCEPT_BACKLOG = 64;

    private final UringNotifier notifier;
    /** Off when {@code -Dnbio.uring.multishotAccept=false}, or once the kernel refused it. */
    private boolean multishotAccept =
            Boolean.parseBoolean(System.getProperty("nbio.uring.multishotAccept", "true"));

    Accepts(UringNotifier notifier) {
        this.notifier = notifier;
    }

    void accept(OperationRecord op) {
        UringHandle listener = UringNotifier.handleOf(op);
        if (!multishotAccept) {
            acceptOnce(op);
            return;
        }
        int fd = listener.takeAccepted();
        if (fd >= 0) {
            deliverAccepted(op, fd);
            return;
        }
        // Wait for the listener's multishot accept to hand over the next connection.
        listener.enqueue(true, op);
        notifier.slots.waiting[Slots.slotOf(op)] = true;
        notifier.armWaitingTimer(op, Slots.slotOf(op));
        armMultishot(listener);
    }

    private void acceptOnce(OperationRecord op) {
        int slot = Slots.slotOf(op);
        MemorySegment s = notifier.slots.scratchOf(slot);
        s.set(JAVA_INT, Slots.base(slot) + ADDRLEN, (int) SOCKADDR_STORAGE_SIZE);
        long sqe = notifier.ring.nextSqe();
        notifier.ring.prepare(sqe, IORING_OP_ACCEPT, UringNotifier.handleOf(op).fd, notifier.slots.address(slot, SOCKADDR), 0,
                notifier.slots.address(slot, ADDRLEN), op.backendLong);
        notifier.ring.opFlags(sqe, SOCK_NONBLOCK | SOCK_CLOEXEC);
        notifier.linkDeadline(op, sqe);
    }

    /** Arms one accept SQE that keeps delivering connections until cancelled or failed. */
    private void armMultishot(UringHandle listener) {
        if (listener.multishotArmed || !listener.isOpen()) {
            return;
        }
        notifier.register(listener);
        listener.multishotArmed = true;
        long sqe = notifier.ring.nextSqe();
        notifier.ring.prepare(sqe, IORING_OP_ACCEPT, listener.fd, 0, 0, 0, UringNotifier.MULTISHOT_ACCEPT | listener.multishotIndex);
        notifier.ring.sqes().set(java.lang.foreign.ValueLayout.JAVA_SHORT, sqe + SQE_IOPRIO, IORING_ACCEPT_MULTISHOT);
        notifier.ring.opFlags(sqe, SOCK_NONBLOCK | SOCK_CLOEXEC);
    }

    /** A connection (or the end) from a listener's multishot accept. */
    void multishotAccepted(int index, int result, int flags) {
        UringHandle listener = notifier.multishot(index);
        if (listener == null) {
            if (result >= 0) {
                Libc.close(result);
            }
            return;
        }
        boolean more = (flags & IORING_CQE_F_MORE) != 0;
        if (!more && !listener.isOpen()) {
            listener.multishotArmed = false;
            if (result >= 0) {
                Libc.close(result);
            }
            failAcceptWaiters(listener, result >= 0 ? -UringErrors.EBADF : result);
            notifier.unregister(listener);
            return;
        }
        if (!more) {
            listener.multishotArmed = false;
        }
        if (result >= 0) {
            OperationRecord op = notifier.firstWaiting(listener, true);
            if (op != null) {
                listener.dequeue(true, op);
                notifier.slots.waiting[Slots.slotOf(op)] = false;
                deliverAccepted(op, result);
            } else if (!listener.isOpen()) {
                Libc.close(result);
            } else {
                listener.keepAccepted(result);
                if (listener.acceptedCount() >= ACCEPT_BACKLOG && more) {
                    // Nobody is accepting: leave further connections in the kernel's queue.
                    long sqe = notifier.ring.nextSqe();
                    notifier.ring.prepare(sqe, IORING_OP_ASYNC_CANCEL, -1, UringNotifier.MULTISHOT_ACCEPT | index, 0, 0, UringNotifier.IGNORED);
                }
            }
        } else if (result == -UringErrors.EINVAL && listener.isOpen() && !listener.everAccepted) {
            // This kernel has no multishot accept (before 5.19): accept one at a time from now on.
            multishotAccept = false;
            OperationRecord op;
            while ((op = notifier.firstWaiting(listener, true)) != null) {
                listener.dequeue(true, op);
                notifier.slots.waiting[Slots.slotOf(op)] = false;
                acceptOnce(op);
            }
            return;
        } else if (result != -UringErrors.ECANCELED || !listener.isOpen()) {
            failAcceptWaiters(listener, result);
            return;
        }
        if (!more && notifier.firstWaiting(listener, true) != null) {
            armMultishot(listener);
        }
    }

    private void failAcceptWaiters(UringHandle listener, int result) {
        OperationRecord op;
        while ((op = notifier.firstWaiting(listener, true)) != null) {
            listener.dequeue(true, op);
            notifier.slots.release(Slots.slotOf(op));
            if (!listener.isOpen()) {
                op.fail(Failure.CLOSED, -result, null);
            } else {
                UringErrors.fail(op, -result, "accept");
            }
            notifier.context.complete(op);
        }
    }

    private void deliverAccepted(OperationRecord op, int fd) {
        UringHandle listener = UringNotifier.handleOf(op);
        listener.everAccepted = true;
        UringHandle handle = new UringHandle(fd, UringHandle.Kind.STREAM, listener.ipv6, null);
        UringNotifier.noDelay(handle);
        OperationExtras extras = op.extras();
        try {
            extras.address = handle.remoteAddress();
        } catch (IOException e) {
            extras.address = null;
        }
        extras.result = new TcpSocket(notifier.loop(), handle);
        notifier.finishSlot(op);
    }
}
