package dev.nbio;

/** Why an open failed. */
public enum OpenError implements OpError {
    /** The file or a directory on its path does not exist. */
    NOT_FOUND,
    /** Access to the file or a directory on its path was denied. */
    PERMISSION_DENIED,
    /** The file exists and the exclusive flag was given. */
    ALREADY_EXISTS,
    /** The path names a directory and writing was asked for. */
    IS_DIRECTORY,
    /** A component of the path, or the directory handle, is not a directory. */
    NOT_DIRECTORY,
    /** The process or system ran out of file descriptors or memory. */
    INSUFFICIENT_RESOURCES,
    /** The flags or path were not valid. */
    INVALID_ARGUMENT,
    /** An error without a name of its own here; {@link Operation#errno()} and {@link Operation#cause()} keep the details. */
    UNEXPECTED
}
