package dev.nbio.examples;

import java.nio.ByteBuffer;

/**
 * Reading and writing ASCII text in place in byte buffers, with absolute indexes, so that
 * the servers parse requests and format replies without making strings.
 */
final class Ascii {
    /** What {@link #parseLong} returns for text that is not a number. */
    static final long NOT_A_NUMBER = Long.MIN_VALUE;

    /** More digits than this cannot be a length or count that any of the servers accepts. */
    private static final int MAX_DIGITS = 18;

    private Ascii() {
    }

    /**
     * Where a byte first occurs between two indexes.
     *
     * @return its index, or -1 when it does not occur in {@code [from, to)}
     */
    static int indexOf(ByteBuffer buffer, int from, int to, byte wanted) {
        for (int i = from; i < to; i++) {
            if (buffer.get(i) == wanted) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Whether {@code length} bytes at {@code start} spell {@code upperCaseWord}, ignoring the
     * case of ASCII letters.
     */
    static boolean equalsIgnoreCase(ByteBuffer buffer, int start, int length, byte[] upperCaseWord) {
        if (length != upperCaseWord.length) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            int b = buffer.get(start + i);
            if (b >= 'a' && b <= 'z') {
                b -= 'a' - 'A';
            }
            if (b != upperCaseWord[i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * Parses a decimal number, with an optional leading minus, that fills {@code [start, end)}
     * exactly.
     *
     * @return the number, or {@link #NOT_A_NUMBER} when the text is empty, has another
     *         character than a digit, or is too long
     */
    static long parseLong(ByteBuffer buffer, int start, int end) {
        boolean negative = start < end && buffer.get(start) == '-';
        int first = negative ? start + 1 : start;
        if (first == end || end - first > MAX_DIGITS) {
            return NOT_A_NUMBER;
        }
        long value = 0;
        for (int i = first; i < end; i++) {
            int digit = buffer.get(i) - '0';
            if (digit < 0 || digit > 9) {
                return NOT_A_NUMBER;
            }
            value = value * 10 + digit;
        }
        return negative ? -value : value;
    }

    /** How many characters {@link #putLong} writes for a value that is not negative. */
    static int length(long value) {
        int digits = 1;
        for (long rest = value / 10; rest > 0; rest /= 10) {
            digits++;
        }
        return digits;
    }

    /**
     * Writes a value that is not negative in decimal at the buffer's position and advances it.
     *
     * @throws IllegalArgumentException when the value is negative
     */
    static void putLong(ByteBuffer out, long value) {
        if (value < 0) {
            throw new IllegalArgumentException("negative: " + value);
        }
        int end = out.position() + length(value);
        for (int i = end - 1; i >= out.position(); i--) {
            out.put(i, (byte) ('0' + value % 10));
            value /= 10;
        }
        out.position(end);
    }
}
