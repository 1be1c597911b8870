package dev.nbio.internal;

import dev.nbio.spi.OperationRecord;

/**
 * A FIFO of operations whose callbacks are due, linked through
 * {@link OperationRecord#readyNext} so queueing allocates nothing.
 */
final class ReadyQueue {
    private OperationRecord head;
    private OperationRecord tail;

    boolean isEmpty() {
        return head == null;
    }

    void add(OperationRecord op) {
        op.queued = true;
        op.readyNext = null;
        if (tail == null) {
            head = op;
        } else {
            tail.readyNext = op;
        }
        tail = op;
    }

    OperationRecord poll() {
        OperationRecord op = head;
        if (op != null) {
            head = op.readyNext;
            if (head == null) {
                tail = null;
            }
            op.readyNext = null;
            op.queued = false;
        }
        return op;
    }

    /** Moves every entry of {@code other} to the end of this queue. */
    void takeAll(ReadyQueue other) {
        if (other.head == null) {
            return;
        }
        if (tail == null) {
            head = other.head;
        } else {
            tail.readyNext = other.head;
        }
        tail = other.tail;
        other.head = other.tail = null;
    }
}
