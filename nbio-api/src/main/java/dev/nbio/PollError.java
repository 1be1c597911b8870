package dev.nbio;

/** Why a poll failed. */
public enum PollError implements OpError {
    /** The operation's timeout expired before it completed. */
    TIMEOUT,
    /** The handle was closed, or closed while the operation was pending. */
    CLOSED,
    /** An error without a name of its own here; {@link Operation#errno()} and {@link Operation#cause()} keep the details. */
    UNEXPECTED
}
