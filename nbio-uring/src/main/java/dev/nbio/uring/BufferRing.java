package dev.nbio.uring;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import dev.nbio.internal.ProvidedBuffers;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;

/**
 * A provided buffer ring ({@code IORING_REGISTER_PBUF_RING}): receive buffers the kernel picks
 * from when data arrives, so an idle connection's pending receive holds no memory. Each
 * buffer has a {@link ByteBuffer} view made once; a buffer handed to a callback is put back
 * in the ring when the callback has returned.
 */
final class BufferRing {
    static final int IORING_REGISTER_PBUF_RING = 22;
    static final short GROUP = 0;
    private static final long BUF_SIZE = 16;
    private static final long TAIL = 14;
    private static final VarHandle SHORT = JAVA_SHORT.varHandle();

    private final MemorySegment ring;
    private final MemorySegment memory;
    private final ByteBuffer[] views;
    private final int mask;
    private final int size;
    private short tail;

    private BufferRing(MemorySegment ring, MemorySegment memory, int entries, int size) {
        this.ring = ring;
        this.memory = memory;
        this.size = size;
        this.mask = entries - 1;
        this.views = new ByteBuffer[entries];
        for (int id = 0; id < entries; id++) {
            views[id] = memory.asSlice((long) id * size, size).asByteBuffer();
            put(id);
        }
        publish();
    }

    /**
     * Registers a ring of {@code nbio.recv.buffers} (rounded up to a power of two, at most
     * 32768) buffers of {@code nbio.recv.bufferSize} bytes.
     *
     * @throws IOException when the kernel refuses (before Linux 5.19 it has no buffer rings)
     */
    static BufferRing register(Ring uring, Arena arena) throws IOException {
        int entries = Math.min(32768, Integer.highestOneBit(Math.max(1, ProvidedBuffers.COUNT - 1)) << 1);
        int size = ProvidedBuffers.SIZE;
        MemorySegment ring = arena.allocate(entries * BUF_SIZE, 4096);
        MemorySegment memory = arena.allocate((long) entries * size, 64);
        MemorySegment registration = arena.allocate(40, 8);
        registration.set(JAVA_LONG, 0, ring.address());
        registration.set(JAVA_INT, 8, entries);
        registration.set(JAVA_SHORT, 12, GROUP);
        long result = Libc.ioUringRegister(uring.fd, IORING_REGISTER_PBUF_RING, registration, 1);
        if (result < 0) {
            throw UringErrors.exception("io_uring_register(PBUF_RING)", result);
        }
        return new BufferRing(ring, memory, entries, size);
    }

    private void put(int id) {
        long entry = (long) (tail & mask) * BUF_SIZE;
        ring.set(JAVA_LONG, entry, memory.address() + (long) id * size);
        ring.set(JAVA_INT, entry + 8, size);
        ring.set(JAVA_SHORT, entry + 12, (short) id);
        tail++;
    }

    private void publish() {
        SHORT.setRelease(ring, TAIL, tail);
    }

    /** The view of buffer {@code id}, from position 0 to {@code length}. */
    ByteBuffer deliver(int id, int length) {
        return views[id].clear().limit(length);
    }

    /** Puts buffer {@code id} back in the ring for the kernel to use again. */
    void giveBack(int id) {
        put(id);
        publish();
    }

    int bufferSize() {
        return size;
    }
}
