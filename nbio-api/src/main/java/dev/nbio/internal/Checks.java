package dev.nbio.internal;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Objects;

/** Argument checks for the operation methods: every misuse gets an exception that says what was wrong. */
final class Checks {
    /** Clamp for huge durations, far beyond any real timeout, that keeps deadline arithmetic from overflowing. */
    private static final long MAX_TIMEOUT_NANOS = Long.MAX_VALUE / 4;

    private Checks() {
    }

    /** Converts an optional timeout to nanoseconds; {@code -1} means none. */
    static long timeoutNanos(Duration timeout) {
        if (timeout == null) {
            return -1;
        }
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("timeout must not be negative, got " + timeout);
        }
        try {
            return Math.min(timeout.toNanos(), MAX_TIMEOUT_NANOS);
        } catch (ArithmeticException tooLong) {
            return MAX_TIMEOUT_NANOS;
        }
    }

    static void receiveBuffer(ByteBuffer buffer, String what) {
        Objects.requireNonNull(buffer, "buffer");
        if (buffer.isReadOnly()) {
            throw new IllegalArgumentException(what + " needs a writable buffer, this one is read-only");
        }
        if (!buffer.hasRemaining()) {
            throw new IllegalArgumentException(what + " needs buffer space: the buffer has 0 bytes remaining "
                    + "(did you forget to clear() or compact() it?)");
        }
    }

    static void sendBuffer(ByteBuffer buffer, String what) {
        Objects.requireNonNull(buffer, "buffer");
        if (!buffer.hasRemaining()) {
            throw new IllegalArgumentException(what + " has nothing to send: the buffer has 0 bytes remaining "
                    + "(did you forget to flip() it?)");
        }
    }

    static ByteBuffer[] receiveBuffers(ByteBuffer[] buffers, String what) {
        long space = 0;
        for (int i = 0; i < checkArray(buffers).length; i++) {
            ByteBuffer buffer = Objects.requireNonNull(buffers[i], "buffers[" + i + "]");
            if (buffer.isReadOnly()) {
                throw new IllegalArgumentException(what + " needs writable buffers, buffers[" + i + "] is read-only");
            }
            space += buffer.remaining();
        }
        if (space == 0) {
            throw new IllegalArgumentException(what + " needs buffer space: the buffers have 0 bytes remaining "
                    + "(did you forget to clear() or compact() them?)");
        }
        return buffers;
    }

    static ByteBuffer[] sendBuffers(ByteBuffer[] buffers, String what) {
        long bytes = 0;
        for (int i = 0; i < checkArray(buffers).length; i++) {
            bytes += Objects.requireNonNull(buffers[i], "buffers[" + i + "]").remaining();
        }
        if (bytes == 0) {
            throw new IllegalArgumentException(what + " has nothing to send: the buffers have 0 bytes remaining "
                    + "(did you forget to flip() them?)");
        }
        return buffers;
    }

    private static ByteBuffer[] checkArray(ByteBuffer[] buffers) {
        Objects.requireNonNull(buffers, "buffers");
        if (buffers.length == 0) {
            throw new IllegalArgumentException("at least one buffer is needed");
        }
        return buffers;
    }

    static long offset(long offset) {
        if (offset < 0) {
            throw new IllegalArgumentException("offset must not be negative, got " + offset);
        }
        return offset;
    }
}
