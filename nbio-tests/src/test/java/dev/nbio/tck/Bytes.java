package dev.nbio.tck;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Random;

/** Test data and copies out of buffers, for every test that moves bytes (sockets and files alike). */
final class Bytes {
    private Bytes() {
    }

    /**
     * Reproducible pseudo-random bytes, so a chunk that lands misplaced, repeated or from the
     * wrong offset shows in a comparison.
     *
     * @param size how many
     * @param seed the seed; two transfers that must not be mistaken for each other take different seeds
     * @return the bytes
     */
    static byte[] random(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    /**
     * Reproducible pseudo-random bytes with a fixed seed: the same size always gives the same bytes.
     *
     * @param size how many
     * @return the bytes
     */
    static byte[] random(int size) {
        return random(size, 0);
    }

    /**
     * A buffer holding a text's ASCII bytes, positioned at 0.
     *
     * @param text the text
     * @return the buffer
     */
    static ByteBuffer ascii(String text) {
        return ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * A copy of a range of a buffer, whatever its kind, without moving its position.
     *
     * @param buffer the buffer
     * @param from   the first index
     * @param to     the index after the last
     * @return the bytes
     */
    static byte[] contents(ByteBuffer buffer, int from, int to) {
        byte[] bytes = new byte[to - from];
        buffer.get(from, bytes);
        return bytes;
    }

    /**
     * The bytes between index 0 and a buffer's position: what a read or receive put into a
     * buffer that was empty.
     *
     * @param buffer the buffer
     * @return a copy of its filled part
     */
    static byte[] filled(ByteBuffer buffer) {
        return contents(buffer, 0, buffer.position());
    }
}
