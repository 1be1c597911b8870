package dev.nbio.internal;

import dev.nbio.spi.Failure;
import dev.nbio.spi.OperationRecord;
import java.nio.ByteBuffer;

/**
 * The {@code all} semantics, written once for every backend: after each system call a
 * backend reports how many bytes moved, and this decides whether the operation is finished
 * or needs another call. Reactor backends loop on it; proactor backends resubmit.
 */
public final class Transfers {
    private Transfers() {
    }

    /**
     * Accounts for one call's bytes and says whether the operation is finished.
     *
     * @param op    a recv, send, read, write or sendfile
     * @param bytes what the call moved; 0 for a recv means the peer closed, for a read the end of file
     * @return true when finished (successfully or with a failure recorded on the operation)
     */
    public static boolean advance(OperationRecord op, long bytes) {
        switch (op.kind) {
            case RECV, SEND, WRITE -> {
                op.transferred += bytes;
                return bytes == 0 || !op.all || remaining(op.buffers) == 0;
            }
            case READ -> {
                if (bytes == 0) {
                    if (op.transferred == 0 || op.all) {
                        op.fail(Failure.EOF, 0, null);
                    }
                    return true;
                }
                op.transferred += bytes;
                return !op.all || remaining(op.buffers) == 0;
            }
            case SENDFILE -> {
                op.transferred += bytes;
                return op.transferred >= op.extras().total;
            }
            default -> {
                return true;
            }
        }
    }

    /**
     * The bytes left in a set of buffers.
     *
     * @param buffers the buffers
     * @return the sum of their remaining bytes
     */
    public static long remaining(ByteBuffer[] buffers) {
        long sum = 0;
        for (ByteBuffer buffer : buffers) {
            sum += buffer.remaining();
        }
        return sum;
    }
}
