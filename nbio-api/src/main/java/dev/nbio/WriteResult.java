package dev.nbio;

/** The result of a positional write. Valid while the operation is; read it in the callback. */
public interface WriteResult {
    /**
     * How many bytes were written.
     *
     * @return the byte count
     */
    int written();

    /**
     * The named error, or {@code null} when the operation succeeded.
     *
     * @return the error or {@code null}
     */
    WriteError error();
}
