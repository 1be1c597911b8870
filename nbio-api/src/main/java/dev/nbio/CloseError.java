package dev.nbio;

/** Why a close failed. */
public enum CloseError implements OpError {
    /** The handle was closed, or closed while the operation was pending. */
    CLOSED,
    /** An error without a name of its own here; {@link Operation#errno()} and {@link Operation#cause()} keep the details. */
    UNEXPECTED
}
