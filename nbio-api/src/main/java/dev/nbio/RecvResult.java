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
     * The named error, or {@code null} when the operation succeeded.
     *
     * @return the error or {@code null}
     */
    RecvError error();
}
