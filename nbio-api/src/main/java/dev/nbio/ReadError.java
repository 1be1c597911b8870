package dev.nbio;

/** Why a positional read failed. */
public enum ReadError implements OpError {
    /** The operation's timeout expired before it completed. */
    TIMEOUT,
    /** The offset is at or past the end of the file, or the file ended before the buffer was full with {@code all}. */
    EOF,
    /** The handle was closed, or closed while the operation was pending. */
    CLOSED,
    /** The handle is a directory. */
    IS_DIRECTORY,
    /** The handle was not opened for reading. */
    PERMISSION_DENIED,
    /** An error without a name of its own here; {@link Operation#errno()} and {@link Operation#cause()} keep the details. */
    UNEXPECTED
}
