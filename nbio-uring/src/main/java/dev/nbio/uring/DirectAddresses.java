package dev.nbio.uring;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;

/**
 * Native addresses of direct buffers. Asking the FFM API makes a segment object per call; a
 * buffer's base address never changes, so it is looked up once per buffer and kept in a small
 * table, which holds (and keeps reachable) the last {@value #SIZE} buffers seen.
 */
final class DirectAddresses {
    private static final int SIZE = 1024;
    private final ByteBuffer[] keys = new ByteBuffer[SIZE];
    private final long[] bases = new long[SIZE];

    /** The address of a direct buffer's position. */
    long of(ByteBuffer buffer) {
        int index = System.identityHashCode(buffer) & (SIZE - 1);
        if (keys[index] != buffer) {
            keys[index] = buffer;
            bases[index] = MemorySegment.ofBuffer(buffer).address() - buffer.position();
        }
        return bases[index] + buffer.position();
    }
}
