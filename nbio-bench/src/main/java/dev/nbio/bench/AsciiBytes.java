package dev.nbio.bench;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/** Small ASCII helpers for the Netty servers' parsers, reading a {@code ByteBuf} at absolute indexes. */
final class AsciiBytes {
    /** What {@link #parseDecimal} returns for text that is not a non-negative decimal number. */
    static final long NOT_A_NUMBER = -1;

    private AsciiBytes() {
    }

    /** The text's bytes, for constants. */
    static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * Whether {@code [start, start + length)} of {@code buf} is {@code lower}, ignoring ASCII case.
     *
     * @param lower the expected text in lower case
     */
    static boolean equalsIgnoreCase(ByteBuf buf, int start, int length, byte[] lower) {
        if (length != lower.length) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            int b = buf.getByte(start + i);
            if (b >= 'A' && b <= 'Z') {
                b += 'a' - 'A';
            }
            if (b != lower[i]) {
                return false;
            }
        }
        return true;
    }

    /** Whether {@code [start, start + length)} of {@code buf} is exactly {@code text}. */
    static boolean equals(ByteBuf buf, int start, int length, byte[] text) {
        if (length != text.length) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (buf.getByte(start + i) != text[i]) {
                return false;
            }
        }
        return true;
    }

    /** A non-negative decimal number of at most 18 digits in {@code [start, end)}, or {@link #NOT_A_NUMBER}. */
    static long parseDecimal(ByteBuf buf, int start, int end) {
        if (start >= end || end - start > 18) {
            return NOT_A_NUMBER;
        }
        long value = 0;
        for (int i = start; i < end; i++) {
            int digit = buf.getByte(i) - '0';
            if (digit < 0 || digit > 9) {
                return NOT_A_NUMBER;
            }
            value = value * 10 + digit;
        }
        return value;
    }

    /** Writes a non-negative number in ASCII decimal, without making a string. */
    static void writeDecimal(ByteBuf out, long value) {
        int digits = 1;
        for (long rest = value; rest >= 10; rest /= 10) {
            digits++;
        }
        int start = out.writerIndex();
        out.ensureWritable(digits);
        long rest = value;
        for (int i = start + digits - 1; i >= start; i--) {
            out.setByte(i, (int) ('0' + rest % 10));
            rest /= 10;
        }
        out.writerIndex(start + digits);
    }

    /** Whether the byte is a space or a horizontal tab. */
    static boolean isBlank(byte b) {
        return b == ' ' || b == '\t';
    }
}
