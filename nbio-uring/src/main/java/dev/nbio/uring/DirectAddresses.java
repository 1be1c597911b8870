package dev.nbio.uring;

import java.lang.foreign.MemorySegment;
import java.lang.ref.WeakReference;
import java.nio.ByteBuffer;

/**
 * Native addresses of direct buffers. Asking the FFM API makes a segment object per call; a
 * buffer's base address never changes, so it is looked up once per buffer and kept in a small
 * table of the last {@value #SIZE} buffers seen. The table holds them weakly, so a buffer the
 * program drops can still be freed; only a buffer seen for the first time costs an object.
 */
final class DirectAddresses {
    private static final int SIZE = 1024;
    @SuppressWarnings({"unchecked", "rawtypes"}) // an array of a generic type can only be made raw
    private final WeakReference<ByteBuffer>[] keys = new WeakReference[SIZE];
    private final long[] bases = new long[SIZE];

    /** The address of a direct buffer's position. */
    long of(ByteBuffer buffer) {
        int index = System.identityHashCode(buffer) & (SIZE - 1);
        WeakReference<ByteBuffer> key = keys[index];
        if (key == null || key.get() != buffer) {
            keys[index] = new WeakReference<>(buffer);
            bases[index] = MemorySegment.ofBuffer(buffer).address() - buffer.position();
        }
        return bases[index] + buffer.position();
    }
}
