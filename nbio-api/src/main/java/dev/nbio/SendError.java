package dev.nbio;

/** Why a send failed. */
public enum SendError implements OpError {
    /** The operation's timeout expired before it completed. */
    TIMEOUT,
    /** The peer reset or closed the connection (ECONNRESET, EPIPE). */
    CONNECTION_RESET,
    /** A UDP peer answered an earlier datagram with a port-unreachable message. */
    CONNECTION_REFUSED,
    /** The socket is not connected. */
    NOT_CONNECTED,
    /** The handle was closed, or closed while the operation was pending. */
    CLOSED,
    /** The datagram is larger than the socket can send at once. */
    MESSAGE_TOO_LONG,
    /** No route to the destination's network. */
    NETWORK_UNREACHABLE,
    /** No route to the destination's host. */
    HOST_UNREACHABLE,
    /** The system ran out of memory or buffers. */
    INSUFFICIENT_RESOURCES,
    /** An error without a name of its own here; {@link Operation#errno()} and {@link Operation#cause()} keep the details. */
    UNEXPECTED
}
