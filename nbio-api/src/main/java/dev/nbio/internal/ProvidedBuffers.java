package dev.nbio.internal;

import java.nio.ByteBuffer;

/**
 * A loop's pool of receive buffers for {@code recvProvided}, for backends that have no
 * kernel-side pool: direct buffers made on first need, handed out by number and taken back
 * after the callback. Confined to the loop's thread.
 */
public final class ProvidedBuffers {
    /** How many buffers a loop may hold, from {@code nbio.recv.buffers}. */
    public static final int COUNT = positive("nbio.recv.buffers", 256);
    /** The size of each, from {@code nbio.recv.bufferSize}. */
    public static final int SIZE = positive("nbio.recv.bufferSize", 16 * 1024);

    private final ByteBuffer[] buffers = new ByteBuffer[COUNT];
    private final int[] free = new int[COUNT];
    private int freeCount;
    private int made;

    /** An empty pool; buffers are made as receives need them. */
    public ProvidedBuffers() {
    }

    private static int positive(String property, int fallback) {
        int value = Integer.getInteger(property, fallback);
        if (value <= 0) {
            org.slf4j.LoggerFactory.getLogger(ProvidedBuffers.class).warn(
                    "{} must be positive, got {}; using {}", property, value, fallback);
            return fallback;
        }
        return value;
    }

    /**
     * Takes a buffer.
     *
     * @return its number, or -1 when all {@link #COUNT} are in use
     */
    public int take() {
        if (freeCount > 0) {
            return free[--freeCount];
        }
        if (made == COUNT) {
            return -1;
        }
        buffers[made] = ByteBuffer.allocateDirect(SIZE);
        return made++;
    }

    /**
     * The buffer with a number.
     *
     * @param id a number from {@link #take}
     * @return the buffer
     */
    public ByteBuffer buffer(int id) {
        return buffers[id];
    }

    /**
     * Takes a buffer back.
     *
     * @param id a number from {@link #take}
     */
    public void give(int id) {
        free[freeCount++] = id;
    }
}
