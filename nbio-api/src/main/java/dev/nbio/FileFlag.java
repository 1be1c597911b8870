package dev.nbio;

/**
 * How to open a file. Combine them in a set, e.g.
 * {@code EnumSet.of(FileFlag.WRITE, FileFlag.CREATE, FileFlag.TRUNCATE)}. Without
 * {@link #WRITE} or {@link #APPEND} a file is opened for reading ({@link #READ} is added);
 * with either of them it is opened for writing, and for reading too only when {@link #READ}
 * is in the set. {@link #EXCLUSIVE} without {@link #CREATE} is refused with an
 * {@link IllegalArgumentException}.
 */
public enum FileFlag {
    /** Open for reading. */
    READ,
    /** Open for writing. */
    WRITE,
    /**
     * Open for writing, and every write goes to the end of the file whatever offset it names
     * (as {@code O_APPEND} does on Linux).
     */
    APPEND,
    /** Create the file when it does not exist. */
    CREATE,
    /** With {@link #CREATE}: fail with {@link OpenError#ALREADY_EXISTS} when the file exists. */
    EXCLUSIVE,
    /** Truncate the file to zero length when it is opened for writing. */
    TRUNCATE,
    /** Every write reaches the device before it completes. */
    SYNC
}
