package dev.nbio;

/** Why a sendfile failed. */
public enum SendfileError implements OpError {
    /** The operation's timeout expired before it completed. */
    TIMEOUT,
    /** The peer reset or closed the connection (ECONNRESET, EPIPE). */
    CONNECTION_RESET,
    /** The socket is not connected. */
    NOT_CONNECTED,
    /** The handle was closed, or closed while the operation was pending. */
    CLOSED,
    /** The file ended before the requested number of bytes was sent. */
    EOF,
    /** An error without a name of its own here; {@link Operation#errno()} and {@link Operation#cause()} keep the details. */
    UNEXPECTED
}
