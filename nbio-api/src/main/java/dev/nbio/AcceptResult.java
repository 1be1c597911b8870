package dev.nbio;

/** The result of an accept. Valid while the operation is; read it in the callback. */
public interface AcceptResult {
    /**
     * The accepted connection, associated with the same loop as the listening socket.
     *
     * @return the client socket, or {@code null} when the accept failed
     */
    TcpSocket client();

    /**
     * The address of the connected peer.
     *
     * @return the peer address, or {@code null} when the accept failed
     */
    java.net.InetSocketAddress clientAddress();

    /**
     * The named error, or {@code null} when the operation succeeded.
     *
     * @return the error or {@code null}
     */
    AcceptError error();
}
