package dev.nbio.internal;

import dev.nbio.spi.OperationRecord;
import java.util.Arrays;

/**
 * A binary min-heap of operations ordered by {@link OperationRecord#deadlineNanos}, holding
 * both timeout operations and the deadlines of operations with a timeout. Each record keeps
 * its slot in {@link OperationRecord#timerIndex}, so removal is O(log n) and needs no search.
 * Shared by every backend that has no native timers; it allocates only when it grows.
 */
final class TimerHeap {
    private OperationRecord[] heap = new OperationRecord[64];
    private int size;

    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    /** The earliest deadline; only valid when not empty. */
    long earliestDeadline() {
        return heap[0].deadlineNanos;
    }

    OperationRecord peek() {
        return size == 0 ? null : heap[0];
    }

    void add(OperationRecord op) {
        if (size == heap.length) {
            heap = Arrays.copyOf(heap, size * 2);
        }
        heap[size] = op;
        op.timerIndex = size;
        siftUp(size++);
    }

    /** Removes the record if it is in the heap; a no-op otherwise. */
    void remove(OperationRecord op) {
        int index = op.timerIndex;
        if (index < 0) {
            return;
        }
        op.timerIndex = -1;
        size--;
        if (index == size) {
            heap[size] = null;
            return;
        }
        OperationRecord last = heap[size];
        heap[size] = null;
        heap[index] = last;
        last.timerIndex = index;
        siftDown(index);
        if (last.timerIndex == index) {
            siftUp(index);
        }
    }

    private void siftUp(int index) {
        OperationRecord op = heap[index];
        while (index > 0) {
            int parent = (index - 1) >>> 1;
            OperationRecord above = heap[parent];
            if (!before(op, above)) {
                break;
            }
            heap[index] = above;
            above.timerIndex = index;
            index = parent;
        }
        heap[index] = op;
        op.timerIndex = index;
    }

    private void siftDown(int index) {
        OperationRecord op = heap[index];
        int half = size >>> 1;
        while (index < half) {
            int child = 2 * index + 1;
            int right = child + 1;
            if (right < size && before(heap[right], heap[child])) {
                child = right;
            }
            if (!before(heap[child], op)) {
                break;
            }
            heap[index] = heap[child];
            heap[index].timerIndex = index;
            index = child;
        }
        heap[index] = op;
        op.timerIndex = index;
    }

    // Compare by difference, not value, so deadlines stay ordered across a nanoTime wrap.
    private static boolean before(OperationRecord a, OperationRecord b) {
        return a.deadlineNanos - b.deadlineNanos < 0;
    }
}
