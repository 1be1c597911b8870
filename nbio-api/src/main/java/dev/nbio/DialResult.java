package dev.nbio;

/** The result of a dial. Valid while the operation is; read it in the callback. */
public interface DialResult {
    /**
     * The connected socket, associated with the loop that ran the dial.
     *
     * @return the socket, or {@code null} when the dial failed
     */
    TcpSocket socket();

    /**
     * The named error, or {@code null} when the operation succeeded.
     *
     * @return the error or {@code null}
     */
    DialError error();
}
