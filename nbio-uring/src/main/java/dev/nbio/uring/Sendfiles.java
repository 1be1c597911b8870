package dev.nbio.uring;

import static dev.nbio.uring.IoUringAbi.*;
import static dev.nbio.uring.Slots.*;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.nbio.internal.Transfers;
import dev.nbio.spi.Failure;
import dev.nbio.spi.OperationExtras;
import dev.nbio.spi.OperationRecord;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Sendfile on io_uring: the file's bytes go through a pipe of the operation's own, by splices
 * (file to pipe, then pipe to socket), so neither the disk read nor the socket write blocks
 * the loop's thread and no byte passes through user memory. One request is in the kernel at a
 * time, each issued only after checking that the socket and the file are still open, and a
 * close of the socket cancels the one in flight by its user_data first (see
 * {@link #inFlight}), so a closed descriptor's reused number is not written to. Bytes left in the
 * pipe go out before more are read; a socket with no room gets a poll; a whole file's length
 * comes from an asynchronous statx first. Each request carries the deadline as a linked timeout.
 */
final class Sendfiles {
    /** The pipe is enlarged to this (F_SETPIPE_SZ) so a round moves more; 64 KiB where refused. */
    private static final int PIPE_BYTES = 1024 * 1024;
    private static final int DEFAULT_PIPE_BYTES = 64 * 1024;
    private static final int F_SETPIPE_SZ = 1031;
    private static final int SPLICE_F_MOVE = 1;
    /** user_data bit of a splice from the file into the pipe. */
    static final long SPLICE_IN = 1L << 61;
    /** user_data bit of the poll that waits for room in the socket. */
    static final long SOCKET_POLL = 1L << 60;

    /** Where one sendfile is. */
    private static final class State {
        int pipeRead = -1;
        int pipeWrite = -1;
        int pipeBytes = DEFAULT_PIPE_BYTES;
        boolean sizing;
        long inPipe;
        boolean fileEnded;
        /** The user_data of the one request in the kernel, for cancelling it. */
        long inFlight;
    }

    private final UringNotifier notifier;

    Sendfiles(UringNotifier notifier) {
        this.notifier = notifier;
    }

    void start(OperationRecord op) {
        OperationExtras extras = op.extras();
        UringHandle file = (UringHandle) extras.file.handle();
        if (!file.isOpen()) {
            op.fail(Failure.CLOSED, 0, null);
            notifier.finishSlot(op);
            return;
        }
        State state = new State();
        op.backendData = state;
        try (Arena call = Arena.ofConfined()) {
            MemorySegment fds = call.allocate(JAVA_INT, 2);
            int result = Libc.pipe2(fds, O_CLOEXEC);
            if (result < 0) {
                UringErrors.fail(op, -result, "pipe2");
                finish(op);
                return;
            }
            state.pipeRead = fds.getAtIndex(JAVA_INT, 0);
            state.pipeWrite = fds.getAtIndex(JAVA_INT, 1);
        }
        int size = Libc.fcntl(state.pipeWrite, F_SETPIPE_SZ, PIPE_BYTES);
        state.pipeBytes = size > 0 ? size : DEFAULT_PIPE_BYTES;
        if (extras.length >= 0) {
            extras.total = extras.length;
            next(op, state);
            return;
        }
        // The whole file from the offset: its size first.
        state.sizing = true;
        state.inFlight = op.backendLong;
        long sqe = notifier.ring.nextSqe();
        notifier.ring.prepare(sqe, IORING_OP_STATX, file.fd, notifier.emptyPathAddress(), STATX_TYPE | STATX_SIZE,
                notifier.slots.address(slotOf(op), STATX), op.backendLong);
        notifier.ring.opFlags(sqe, AT_EMPTY_PATH);
    }

    /** Issues the one next request, or ends the transfer. */
    private void next(OperationRecord op, State state) {
        if (op.cancelRequested || op.timedOut || op.failure != null) {
            finish(op);
            return;
        }
        UringHandle socket = UringNotifier.handleOf(op);
        OperationExtras extras = op.extras();
        UringHandle file = (UringHandle) extras.file.handle();
        if (!socket.isOpen() || !file.isOpen()) {
            op.fail(Failure.CLOSED, 0, null);
            finish(op);
            return;
        }
        Ring ring = notifier.ring;
        if (state.inPipe > 0) {
            long sqe = ring.nextSqe();
            splice(ring, sqe, state.pipeRead, -1L, socket.fd, (int) state.inPipe, op.backendLong);
            state.inFlight = op.backendLong;
            notifier.linkDeadline(op, sqe);
            return;
        }
        long left = extras.total - op.transferred;
        if (left <= 0) {
            finish(op);
            return;
        }
        if (state.fileEnded) {
            op.fail(Failure.EOF, 0, null);
            finish(op);
            return;
        }
        long sqe = ring.nextSqe();
        splice(ring, sqe, file.fd, extras.offset + op.transferred, state.pipeWrite, (int) Math.min(left, state.pipeBytes),
                op.backendLong | SPLICE_IN);
        state.inFlight = op.backendLong | SPLICE_IN;
        notifier.linkDeadline(op, sqe);
    }

    private static void splice(Ring ring, long sqe, int in, long inOffset, int out, int length, long userData) {
        ring.prepare(sqe, IORING_OP_SPLICE, out, inOffset, length, -1L, userData);
        ring.opFlags(sqe, SPLICE_F_MOVE);
        ring.sqes().set(JAVA_INT, sqe + SQE_SPLICE_FD_IN, in);
    }

    /** A completion for a sendfile: the statx, a splice or the poll. */
    void completed(OperationRecord op, long userData, int result) {
        State state = (State) op.backendData;
        if (state.sizing) {
            state.sizing = false;
            sized(op, state, result);
            return;
        }
        if (result == -UringErrors.ECANCELED) {
            UringNotifier.cancelled(op); // closed, timed out or removed
        } else if ((userData & SOCKET_POLL) != 0) {
            if (result < 0) {
                notifier.failedCall(op, -result, "poll");
            }
        } else if ((userData & SPLICE_IN) != 0) {
            if (result > 0) {
                state.inPipe += result;
            } else if (result == 0) {
                state.fileEnded = true;
            } else {
                notifier.failedCall(op, -result, "splice from the file");
            }
        } else if (result > 0) {
            state.inPipe -= result;
            Transfers.advance(op, result);
            // An update after every splice that sent bytes; while one waits for its callback
            // the core merges the next into it, so there is at most one per tick.
            OperationExtras extras = op.extras();
            if (extras.progressUpdates && op.transferred < extras.total && !op.cancelRequested) {
                notifier.context.progress(op);
            }
        } else if (result == -UringErrors.EAGAIN) {
            waitForRoom(op, state);
            return;
        } else if (result == 0) {
            // Bytes wait in the pipe and the socket took none without saying why: do not spin.
            op.fail(Failure.UNEXPECTED, 0, new java.io.IOException("splice to the socket moved nothing"));
        } else if (result < 0) {
            notifier.failedCall(op, -result, "splice to the socket");
        }
        next(op, state);
    }

    /** The socket has no room: poll for it, the bytes stay in the pipe. */
    private void waitForRoom(OperationRecord op, State state) {
        UringHandle socket = UringNotifier.handleOf(op);
        if (!socket.isOpen() || op.cancelRequested || op.timedOut) {
            next(op, state);
            return;
        }
        Ring ring = notifier.ring;
        long sqe = ring.nextSqe();
        ring.prepare(sqe, IORING_OP_POLL_ADD, socket.fd, 0, 0, 0, op.backendLong | SOCKET_POLL);
        ring.opFlags(sqe, POLLOUT);
        state.inFlight = op.backendLong | SOCKET_POLL;
        notifier.linkDeadline(op, sqe);
    }

    private void sized(OperationRecord op, State state, int result) {
        if (result == -UringErrors.ECANCELED) {
            UringNotifier.cancelled(op);
            finish(op);
            return;
        }
        if (result < 0) {
            notifier.failedCall(op, -result, "statx");
            finish(op);
            return;
        }
        MemorySegment scratch = notifier.slots.scratchOf(slotOf(op));
        long size = scratch.get(JAVA_LONG, base(slotOf(op)) + STATX + STATX_SIZE_OFFSET);
        OperationExtras extras = op.extras();
        extras.total = Math.max(0, size - extras.offset);
        next(op, state);
    }

    /**
     * The user_data of a sendfile's request in the kernel: a close cancels it by that before
     * cancelling by descriptor, since a splice still queued for an io-wq worker has no file yet
     * for the descriptor to match.
     */
    static long inFlight(OperationRecord op) {
        return op.backendData instanceof State state ? state.inFlight : op.backendLong;
    }

    /**
     * Asks the kernel to cancel a sendfile's request in flight; its completion then ends the
     * sendfile.
     */
    void cancel(OperationRecord op) {
        State state = (State) op.backendData;
        long userData = state != null ? state.inFlight : op.backendLong;
        long sqe = notifier.ring.nextSqe();
        notifier.ring.prepare(sqe, IORING_OP_ASYNC_CANCEL, -1, userData, 0, 0, UringNotifier.IGNORED);
    }

    /** Closes the operation's pipe and reports it. */
    void finish(OperationRecord op) {
        State state = (State) op.backendData;
        if (state != null) {
            closeQuietly(state.pipeRead);
            closeQuietly(state.pipeWrite);
        }
        op.backendData = null;
        notifier.finishSlot(op);
    }

    private static void closeQuietly(int fd) {
        if (fd >= 0) {
            Libc.close(fd); // a pipe end that fails to close has nothing left to lose
        }
    }
}
