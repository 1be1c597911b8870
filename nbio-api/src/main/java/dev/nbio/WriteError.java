package dev.nbio;

/** Why a positional write failed. */
public enum WriteError implements OpError {
    /** The operation's timeout expired before it completed. */
    TIMEOUT,
    /** The device has no space left, or a size limit was reached. */
    NO_SPACE,
    /** The handle was closed, or closed while the operation was pending. */
    CLOSED,
    /** The handle was not opened for writing. */
    PERMISSION_DENIED,
    /** An error without a name of its own here; {@link Operation#errno()} and {@link Operation#cause()} keep the details. */
    UNEXPECTED
}
