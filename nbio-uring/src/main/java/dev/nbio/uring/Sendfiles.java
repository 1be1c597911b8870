package dev.nbio.uring;

import static dev.nbio.uring.IoUringAbi.*;
import static dev.nbio.uring.Slots.*;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.nbio.internal.Transfers;
import dev.nbio.spi.Failure;
import dev.nbio.spi.OperationRecord;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Sendfile on io_uring: the file's bytes go through a pipe of the operation's own, by two
 * linked splices per round (file to pipe, pipe to socket), so neither the disk read nor the
 * socket write ever blocks the loop's thread and no byte passes through user memory. A whole
 * file's length comes from an asynchronous statx first. A round that moved fewer bytes out
 * than in leaves them in the pipe; the next round sends those first. The deadline is a linked
 * timeout on each round's socket splice.
 */
final class Sendfiles {
    /** One round moves at most a pipe's default capacity. */
    private static final int ROUND_BYTES = 64 * 1024;
    private static final int SPLICE_F_MOVE = 1;
    /** user_data bit of a round's first splice (file to pipe); the second carries the operation's own. */
    static final long SPLICE_IN = 1L << 61;
    /** user_data bit of the poll that waits for room in the socket when a splice found none. */
    static final long SOCKET_POLL = 1L << 60;
    /** {@code struct statx}: the size and mode, for a whole-file sendfile. */
    private static final int STATX_WANTED = STATX_TYPE | STATX_SIZE;

    /** Where one sendfile is. */
    private static final class State {
        int pipeRead = -1;
        int pipeWrite = -1;
        boolean sizing;
        int pending;
        long inPipe;
        long sinceProgress;
        long roundIn;
        boolean fileEnded;
        boolean socketFull;
        int errno;
        String failedCall;
    }

    private final UringNotifier notifier;

    Sendfiles(UringNotifier notifier) {
        this.notifier = notifier;
    }

    void start(OperationRecord op) {
        UringHandle file = (UringHandle) op.file.handle();
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
            state.pipeRead = fds.get(JAVA_INT, 0);
            state.pipeWrite = fds.getAtIndex(JAVA_INT, 1);
        }
        if (op.length >= 0) {
            op.total = op.length;
            round(op, state);
            return;
        }
        // The whole file from the offset: its size first.
        state.sizing = true;
        int slot = slotOf(op);
        long sqe = notifier.ring.nextSqe();
        notifier.ring.prepare(sqe, IORING_OP_STATX, file.fd, notifier.emptyPathAddress(), STATX_WANTED,
                notifier.slots.address(slot, STATX), op.backendLong);
        notifier.ring.opFlags(sqe, AT_EMPTY_PATH);
    }

    /** Starts the next round, or ends the transfer. */
    private void round(OperationRecord op, State state) {
        if (op.cancelRequested || op.timedOut) {
            finish(op);
            return;
        }
        long left = op.total - op.transferred;
        if (left <= 0 && state.inPipe == 0) {
            finish(op);
            return;
        }
        if (state.fileEnded && state.inPipe == 0) {
            op.fail(Failure.EOF, 0, null);
            finish(op);
            return;
        }
        UringHandle socket = UringNotifier.handleOf(op);
        Ring ring = notifier.ring;
        state.roundIn = 0;
        if (state.inPipe > 0) {
            // What the last round's socket splice left in the pipe goes first.
            ring.reserve(2);
            long out = ring.linkedSqe();
            splice(ring, out, state.pipeRead, -1L, socket.fd, (int) state.inPipe, op.backendLong);
            state.pending = 1;
            notifier.linkDeadline(op, out);
            return;
        }
        int bytes = (int) Math.min(left - state.inPipe, ROUND_BYTES);
        UringHandle file = (UringHandle) op.file.handle();
        ring.reserve(3);
        long in = ring.linkedSqe();
        splice(ring, in, file.fd, op.offset + op.transferred, state.pipeWrite, bytes, op.backendLong | SPLICE_IN);
        ring.sqeFlags(in, IOSQE_IO_LINK);
        long out = ring.linkedSqe();
        splice(ring, out, state.pipeRead, -1L, socket.fd, bytes, op.backendLong);
        state.roundIn = bytes;
        state.pending = 2;
        notifier.linkDeadline(op, out);
    }

    private static void splice(Ring ring, long sqe, int in, long inOffset, int out, int length, long userData) {
        ring.prepare(sqe, IORING_OP_SPLICE, out, inOffset, length, -1L, userData);
        ring.opFlags(sqe, SPLICE_F_MOVE);
        ring.sqes().set(JAVA_INT, sqe + SQE_SPLICE_FD_IN, in);
    }

    /** A completion for a sendfile: the statx, or one of a round's splices. */
    void completed(OperationRecord op, long userData, int result) {
        State state = (State) op.backendData;
        if (state.sizing) {
            state.sizing = false;
            sized(op, state, result);
            return;
        }
        if ((userData & SOCKET_POLL) != 0) {
            // Room in the socket again (or the poll failed, which the next splice reports).
            if (result == -UringErrors.ECANCELED) {
                record(state, result, "poll");
            }
            state.pending--;
            settle(op, state);
            return;
        }
        boolean fileSide = (userData & SPLICE_IN) != 0;
        if (fileSide) {
            if (result > 0) {
                state.inPipe += result;
            } else if (result == 0) {
                state.fileEnded = true;
            } else {
                record(state, result, "splice from the file");
            }
        } else if (result > 0) {
            state.inPipe -= result;
            state.sinceProgress += result;
            Transfers.advance(op, result);
        } else if (result == -UringErrors.EAGAIN) {
            state.socketFull = true; // a non-blocking socket with no room: wait for it, the bytes stay in the pipe
        } else if (result == -UringErrors.ECANCELED) {
            // Cancelled after a short file splice (a broken link, nothing lost), or by the
            // deadline, a removal or a close: the last three end the transfer.
            boolean brokenLink = state.roundIn > 0 && state.inPipe < state.roundIn && !op.cancelRequested
                    && UringNotifier.handleOf(op).isOpen() && !deadlinePassed(op);
            if (!brokenLink) {
                record(state, result, "splice to the socket");
            }
        } else if (result < 0) {
            record(state, result, "splice to the socket");
        }
        state.pending--;
        settle(op, state);
    }

    /** When a round's requests are all back: fail, report progress, wait for room, or go on. */
    private void settle(OperationRecord op, State state) {
        if (state.pending > 0) {
            return;
        }
        if (state.errno != 0) {
            if (state.errno == UringErrors.ECANCELED) {
                UringNotifier.cancelled(op);
            } else {
                notifier.failedCall(op, state.errno, state.failedCall);
            }
            finish(op);
            return;
        }
        // An update after every round that moved bytes; while one waits for its callback the
        // core merges the next into it, so there is at most one per tick.
        if (op.progressUpdates && state.sinceProgress > 0 && op.transferred < op.total && !op.cancelRequested) {
            state.sinceProgress = 0;
            notifier.context.progress(op);
        }
        if (state.socketFull && !op.cancelRequested && !op.timedOut) {
            state.socketFull = false;
            Ring ring = notifier.ring;
            ring.reserve(2);
            long poll = ring.linkedSqe();
            ring.prepare(poll, IORING_OP_POLL_ADD, UringNotifier.handleOf(op).fd, 0, 0, 0, op.backendLong | SOCKET_POLL);
            ring.opFlags(poll, POLLOUT);
            state.pending = 1;
            notifier.linkDeadline(op, poll);
            return;
        }
        round(op, state);
    }

    private static boolean deadlinePassed(OperationRecord op) {
        return op.timeoutNanos >= 0 && System.nanoTime() - op.deadlineNanos >= 0;
    }

    private static void record(State state, int result, String call) {
        if (state.errno == 0) {
            state.errno = -result;
            state.failedCall = call;
        }
    }

    private void sized(OperationRecord op, State state, int result) {
        if (result < 0) {
            notifier.failedCall(op, -result, "statx");
            finish(op);
            return;
        }
        MemorySegment scratch = notifier.slots.scratchOf(slotOf(op));
        long size = scratch.get(JAVA_LONG, base(slotOf(op)) + STATX + STATX_SIZE_OFFSET);
        op.total = Math.max(0, size - op.offset);
        round(op, state);
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
