package dev.nbio.internal;

import dev.nbio.spi.Handle;
import dev.nbio.spi.OperationRecord;

/**
 * The per-handle state every reactor backend needs: a FIFO of operations waiting for
 * readability and one waiting for writability, linked through {@link OperationRecord#next},
 * and what the last look at the receive side found. Two operations of the same direction on
 * one socket run in the order they were started.
 *
 * <p>The receive-side hints save system calls that would find nothing; they never decide
 * whether an operation completes. A receive that is not tried at once is queued and its
 * readiness armed, and a reactor backend's readiness must be level-triggered (a
 * {@link java.nio.channels.Selector} is; so are epoll without {@code EPOLLET} and kqueue
 * without {@code EV_CLEAR}), so bytes that are there, or a peer's close, are reported at
 * the next wait whatever the hints said.
 */
public abstract class ReactorHandle implements Handle {
    private OperationRecord readHead;
    private OperationRecord readTail;
    private OperationRecord writeHead;
    private OperationRecord writeTail;
    /** The receive side was found empty and no readiness has been reported since. */
    private boolean receiveEmptied;
    /** Readiness reports to read that found no read-side operation waiting, since the last read-side attempt. */
    private int unclaimedReadiness;

    /** For subclasses. */
    protected ReactorHandle() {
    }

    /**
     * Whether operations wait for readability.
     *
     * @return true when the read queue is not empty
     */
    public final boolean wantsRead() {
        return readHead != null;
    }

    /**
     * Whether operations wait for writability.
     *
     * @return true when the write queue is not empty
     */
    public final boolean wantsWrite() {
        return writeHead != null;
    }

    /**
     * Whether the receive side was found empty (a call would have blocked, or a stream
     * receive took less than its buffers had room for) and no readiness to read has been
     * reported since. A new receive then waits for readiness instead of trying at once.
     *
     * @return true when a receive tried now would most likely find nothing
     */
    public final boolean receiveEmptied() {
        return receiveEmptied;
    }

    /**
     * Records that a receive took everything the socket had: a stream receive that got less
     * than its buffers had room for. Backends call this from their receive attempt; the
     * driver records calls that would block itself, and readiness clears the mark.
     */
    public final void markReceiveEmptied() {
        receiveEmptied = true;
    }

    /**
     * Whether readiness to read has been reported at least twice with no read-side operation
     * waiting and none tried in between: the application is not reading, so a backend that
     * keeps read interest registered after its operations (to save re-arming it) may drop it
     * instead of being woken for the same bytes again and again.
     *
     * @return true when read interest is no longer worth keeping without an operation
     */
    public final boolean readinessIgnored() {
        return unclaimedReadiness >= 2;
    }

    /** Readiness to read was reported; {@code claimed} when a read-side operation was waiting for it. */
    final void readinessReported(boolean claimed) {
        receiveEmptied = false;
        if (claimed) {
            unclaimedReadiness = 0;
        } else if (unclaimedReadiness < 2) {
            unclaimedReadiness++;
        }
    }

    /** A read-side call is about to be made: whatever readiness was reported, someone reads now. */
    final void readAttempted() {
        unclaimedReadiness = 0;
    }

    /** A read-side call would have blocked. */
    final void readWouldBlock() {
        receiveEmptied = true;
    }

    final OperationRecord head(boolean read) {
        return read ? readHead : writeHead;
    }

    final void append(boolean read, OperationRecord op) {
        op.next = null;
        if (read) {
            if (readTail == null) {
                readHead = op;
            } else {
                readTail.next = op;
            }
            readTail = op;
        } else {
            if (writeTail == null) {
                writeHead = op;
            } else {
                writeTail.next = op;
            }
            writeTail = op;
        }
    }

    final OperationRecord pop(boolean read) {
        OperationRecord op = read ? readHead : writeHead;
        if (op != null) {
            unlink(read, op);
        }
        return op;
    }

    /** Unlinks an operation from a queue; returns false when it was not there. */
    final boolean unlink(boolean read, OperationRecord op) {
        OperationRecord previous = null;
        for (OperationRecord at = read ? readHead : writeHead; at != null; previous = at, at = at.next) {
            if (at != op) {
                continue;
            }
            OperationRecord next = at.next;
            if (previous == null) {
                if (read) {
                    readHead = next;
                } else {
                    writeHead = next;
                }
            } else {
                previous.next = next;
            }
            if ((read ? readTail : writeTail) == op) {
                if (read) {
                    readTail = previous;
                } else {
                    writeTail = previous;
                }
            }
            op.next = null;
            return true;
        }
        return false;
    }
}
