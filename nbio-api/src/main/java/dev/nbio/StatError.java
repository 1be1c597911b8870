package dev.nbio;

/** Why a stat failed. */
public enum StatError implements OpError {
    /** The handle was closed, or closed while the operation was pending. */
    CLOSED,
    /** The file no longer exists. */
    NOT_FOUND,
    /** Access to the file's attributes was denied. */
    PERMISSION_DENIED,
    /** An error without a name of its own here; {@link Operation#errno()} and {@link Operation#cause()} keep the details. */
    UNEXPECTED
}
