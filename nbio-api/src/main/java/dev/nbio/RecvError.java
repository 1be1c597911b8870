package dev.nbio;

/** Why a receive failed. Note that a peer that closed the connection is not an error: the receive completes with 0 bytes. */
public enum RecvError implements OpError {
    /** The operation's timeout expired before it completed. */
    TIMEOUT,
    /** The peer reset the connection. */
    CONNECTION_RESET,
    /** A UDP peer answered an earlier datagram with a port-unreachable message. */
    CONNECTION_REFUSED,
    /** The socket is not connected. */
    NOT_CONNECTED,
    /** The handle was closed, or closed while the operation was pending. */
    CLOSED,
    /** The system ran out of memory or buffers. */
    INSUFFICIENT_RESOURCES,
    /** An error without a name of its own here; {@link Operation#errno()} and {@link Operation#cause()} keep the details. */
    UNEXPECTED
}
