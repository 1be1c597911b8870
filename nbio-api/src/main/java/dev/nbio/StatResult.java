package dev.nbio;

/** The result of a stat. Valid while the operation is; read it in the callback. */
public interface StatResult {
    /**
     * The type of the file.
     *
     * @return the type, or {@code null} when the stat failed
     */
    FileType type();

    /**
     * The size of the file in bytes, for a regular file; what the system reports for other
     * types varies, and some backends (NIO) report 0 for them.
     *
     * @return the size, 0 when the stat failed
     */
    long size();

    /**
     * The named error, or {@code null} when the operation succeeded.
     *
     * @return the error or {@code null}
     */
    StatError error();
}
