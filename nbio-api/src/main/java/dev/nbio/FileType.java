package dev.nbio;

/** The type of a file, as reported by {@code stat}. */
public enum FileType {
    /** A regular file. */
    REGULAR,
    /** A directory. */
    DIRECTORY,
    /** A symbolic link. */
    SYMLINK,
    /** A named pipe, socket, device or anything else. */
    OTHER
}
