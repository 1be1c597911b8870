package dev.nbio;

/** Why an accept failed. */
public enum AcceptError implements OpError {
    /** The operation's timeout expired before it completed. */
    TIMEOUT,
    /** A connection was aborted before it could be accepted. */
    CONNECTION_ABORTED,
    /** The process or system ran out of file descriptors or memory (EMFILE, ENFILE, ENOBUFS, ENOMEM). */
    INSUFFICIENT_RESOURCES,
    /** The handle was closed, or closed while the operation was pending. */
    CLOSED,
    /** An error without a name of its own here; {@link Operation#errno()} and {@link Operation#cause()} keep the details. */
    UNEXPECTED
}
