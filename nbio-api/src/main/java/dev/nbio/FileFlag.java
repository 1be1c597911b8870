package dev.nbio;

/**
 * How to open a file. Combine them in a set, e.g.
 * {@code EnumSet.of(FileFlag.WRITE, FileFlag.CREATE, FileFlag.TRUNCATE)}; without
 * {@link #READ} or {@link #WRITE} a file is opened for reading.
 */
public enum FileFlag {
    /** Open for reading. */
    READ,
    /** Open for writing. */
    WRITE,
    /** Writes go to the end of the file (positional writes still name their offset on most systems). */
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
