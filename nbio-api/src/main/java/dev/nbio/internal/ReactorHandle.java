package dev.nbio.internal;

import dev.nbio.spi.Handle;
import dev.nbio.spi.OperationRecord;

/**
 * The per-handle state every reactor backend needs: a FIFO of operations waiting for
 * readability and one waiting for writability, linked through {@link OperationRecord#next}.
 * Two operations of the same direction on one socket run in the order they were started.
 */
public abstract class ReactorHandle implements Handle {
    private OperationRecord readHead;
    private OperationRecord readTail;
    private OperationRecord writeHead;
    private OperationRecord writeTail;

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
