package dev.nbio.uring;

import dev.nbio.spi.OperationRecord;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * The in-flight operations of a notifier, by slot. An operation holds a slot from submission
 * until it is reported; its {@code user_data} is the slot and the slot's generation (bumped at
 * each release, so a late completion for a slot's previous holder is recognised and dropped).
 * Each slot owns native scratch memory for what the kernel reads and writes for it, laid out
 * at the offsets below, and, when its buffers are on the heap, a bounce block.
 */
final class Slots {
    /**
     * Generations take bits 32 to 59 of user_data; bits 60 to 63 mark internal requests and
     * the parts of an operation that has more than one request in flight.
     */
    static final int GENERATION_MASK = 0x0fff_ffff;
    static final long SLOT_BYTES = 1024;
    private static final int SLOTS_PER_CHUNK = 256;
    /** Offsets in a slot's scratch memory. */
    static final long MSGHDR = 0;
    static final long ADDRLEN = 56;
    static final long SOCKADDR = 64;
    static final long IOVECS = 192;
    static final int MAX_IOVECS = 16;
    static final long STATX = 448;
    static final long TIMESPEC_FIELD = 712;
    static final long WAIT_TIMESPEC = 728;
    /** Heap buffers go through native blocks this big. */
    static final int BOUNCE_BYTES = 64 * 1024;

    private final Arena arena;
    private OperationRecord[] ops = new OperationRecord[SLOTS_PER_CHUNK];
    private int[] generations = new int[SLOTS_PER_CHUNK];
    /** Slots of operations queued behind another on their socket, not yet in the kernel. */
    boolean[] waiting = new boolean[SLOTS_PER_CHUNK];
    private MemorySegment[] bounces = new MemorySegment[SLOTS_PER_CHUNK];
    private MemorySegment[] scratch = new MemorySegment[1];
    private int[] free = new int[SLOTS_PER_CHUNK];
    private int freeCount;
    private int count;
    private final MemorySegment[] spareBounces = new MemorySegment[64];
    private int spareCount;

    Slots(Arena arena) {
        this.arena = arena;
    }

    /** Gives an operation a slot and sets its {@code backendLong} to its user_data. */
    int take(OperationRecord op) {
        int slot;
        if (freeCount > 0) {
            slot = free[--freeCount];
        } else {
            slot = count++;
            if (slot == ops.length) {
                int size = ops.length * 2;
                ops = Arrays.copyOf(ops, size);
                generations = Arrays.copyOf(generations, size);
                waiting = Arrays.copyOf(waiting, size);
                bounces = Arrays.copyOf(bounces, size);
                free = Arrays.copyOf(free, size);
            }
            int chunk = slot / SLOTS_PER_CHUNK;
            if (chunk == scratch.length) {
                scratch = Arrays.copyOf(scratch, chunk * 2);
            }
            if (scratch[chunk] == null) {
                scratch[chunk] = arena.allocate(SLOT_BYTES * SLOTS_PER_CHUNK, 64);
            }
        }
        ops[slot] = op;
        op.backendLong = ((long) generations[slot] << 32) | slot;
        return slot;
    }

    /** Frees a slot: its bounce block goes back to the spares, its generation moves on. */
    void release(int slot) {
        ops[slot] = null;
        generations[slot] = (generations[slot] + 1) & GENERATION_MASK;
        waiting[slot] = false;
        if (bounces[slot] != null) {
            // A few spares are kept for the next heap-buffer operations; the rest go to the
            // garbage collector (each block has an automatic arena of its own).
            if (spareCount < spareBounces.length) {
                spareBounces[spareCount++] = bounces[slot];
            }
            bounces[slot] = null;
        }
        free[freeCount++] = slot;
    }

    /** The operation a completion's user_data names, or null when the slot has moved on. */
    OperationRecord find(long userData) {
        int slot = (int) userData;
        int generation = (int) (userData >>> 32) & GENERATION_MASK;
        OperationRecord op = slot < count ? ops[slot] : null;
        return op != null && generations[slot] == generation ? op : null;
    }

    /** How many operations hold a slot. */
    int inUse() {
        return count - freeCount;
    }

    /** How many operations wait their turn on a socket, not yet in the kernel (a scan, for tests and diagnostics). */
    int waitingCount() {
        int waitingNow = 0;
        for (int slot = 0; slot < count; slot++) {
            waitingNow += waiting[slot] ? 1 : 0;
        }
        return waitingNow;
    }

    /** Whether no operation holds a slot. */
    boolean idle() {
        return count == freeCount;
    }

    MemorySegment scratchOf(int slot) {
        return scratch[slot / SLOTS_PER_CHUNK];
    }

    static long base(int slot) {
        return (long) (slot % SLOTS_PER_CHUNK) * SLOT_BYTES;
    }

    /** The native address of a field of a slot's scratch memory. */
    long address(int slot, long field) {
        return scratchOf(slot).address() + base(slot) + field;
    }

    /** The slot's bounce block, taken from the spares (or made) on first need. */
    MemorySegment bounce(int slot) {
        MemorySegment block = bounces[slot];
        if (block == null) {
            block = spareCount > 0 ? spareBounces[--spareCount] : Arena.ofAuto().allocate(BOUNCE_BYTES, 64);
            bounces[slot] = block;
        }
        return block;
    }

    /** The slot's bounce block if it has one. */
    MemorySegment bounceOf(int slot) {
        return bounces[slot];
    }

    static int slotOf(OperationRecord op) {
        return (int) op.backendLong;
    }

    boolean isWaiting(OperationRecord op) {
        return waiting[slotOf(op)];
    }
}
