package dev.nbio;

/** The result of an open. Valid while the operation is; read it in the callback. */
public interface OpenResult {
    /**
     * The opened file, associated with the loop that ran the open.
     *
     * @return the file handle, or {@code null} when the open failed
     */
    FileHandle file();

    /**
     * The named error, or {@code null} when the operation succeeded.
     *
     * @return the error or {@code null}
     */
    OpenError error();
}
