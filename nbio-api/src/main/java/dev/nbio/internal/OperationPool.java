package dev.nbio.internal;

import dev.nbio.EventLoop;
import dev.nbio.spi.OperationRecord;

/**
 * The loop's stack of free operation records. Confined to the loop's thread; records made
 * by other threads join it when recycled. The system property {@code nbio.pool=false} turns
 * reuse off, so that every use of a recycled operation is caught (a debugging aid).
 */
final class OperationPool {
    static final boolean ENABLED = !"false".equals(System.getProperty("nbio.pool"));
    private static final int MAX_FREE = 4096;

    private final EventLoop loop;
    private final OperationRecord[] free = new OperationRecord[MAX_FREE];
    private int size;

    OperationPool(EventLoop loop) {
        this.loop = loop;
    }

    OperationRecord take() {
        if (size > 0) {
            OperationRecord op = free[--size];
            free[size] = null;
            return op;
        }
        return new OperationRecord(loop, true);
    }

    void give(OperationRecord op) {
        op.reset();
        op.state = OperationRecord.State.FREE;
        if (ENABLED && size < MAX_FREE) {
            free[size++] = op;
        }
    }

    int size() {
        return size;
    }
}
