package dev.nbio.internal;

import dev.nbio.EventLoop;
import dev.nbio.spi.OperationRecord;

/**
 * The loop's queue of free operation records, confined to the loop's thread; records made by
 * other threads join it when recycled.
 *
 * <p>Records are reused oldest first, and only once more than {@link #QUARANTINE} are free.
 * A user who keeps an operation past its callback holds a recycled record; while it waits in
 * the queue, any use of it throws. Reusing the oldest record, never the one just freed, keeps
 * that check working for at least {@code QUARANTINE} later operations instead of none. The
 * system property {@code nbio.pool=false} turns reuse off, so every such use is caught (a
 * debugging aid that allocates a record per operation).
 */
final class OperationPool {
    static final boolean ENABLED = !"false".equals(System.getProperty("nbio.pool"));
    /** How many free records a record waits behind before it is reused. */
    static final int QUARANTINE = 64;
    private static final int CAPACITY = 4096;

    private final EventLoop loop;
    private final OperationRecord[] free = new OperationRecord[CAPACITY];
    private int head;
    private int size;

    OperationPool(EventLoop loop) {
        this.loop = loop;
    }

    OperationRecord take() {
        if (size <= QUARANTINE) {
            return new OperationRecord(loop);
        }
        OperationRecord op = free[head];
        free[head] = null;
        head = (head + 1) & (CAPACITY - 1);
        size--;
        return op;
    }

    void give(OperationRecord op) {
        op.reset();
        op.state = OperationRecord.State.FREE;
        if (ENABLED && size < CAPACITY) {
            free[(head + size) & (CAPACITY - 1)] = op;
            size++;
        }
    }

    int size() {
        return size;
    }
}
