package dev.nbio;

/** The result of a receive. Valid while the operation is; read it in the callback. */
public interface RecvResult {
    /**
     * How many bytes were received in all buffers. Zero with no error means the peer closed
     * the connection (TCP).
     *
     * @return the byte count
     */
    int received();

    /**
     * Where the datagram came from (UDP only).
     *
     * @return the source address, or {@code null} for TCP or on failure
     */
    java.net.InetSocketAddress source();

    /**
     * For a receive into a loop-provided buffer ({@code recvProvided}): the bytes received,
     * from position 0 to the limit. It belongs to the loop: read it (or copy it) in the
     * callback; once the callback returns, the loop reuses it.
     *
     * @return the buffer, or {@code null} for a receive into your own buffers, or when nothing
     *         was received (the peer closed, or the receive failed)
     */
    java.nio.ByteBuffer buffer();

    /**
     * The named error, or {@code null} when the operation succeeded.
     *
     * @return the error or {@code null}
     */
    RecvError error();
}
