package dev.nbio;

/** The result of a positional read. Valid while the operation is; read it in the callback. */
public interface ReadResult {
    /**
     * How many bytes were read into the buffer, also when the read failed: a read with
     * {@code all} that meets the end of the file fails with {@link ReadError#EOF} and counts
     * the bytes it did read here.
     *
     * @return the byte count
     */
    int read();

    /**
     * The named error, or {@code null} when the operation succeeded.
     *
     * @return the error or {@code null}
     */
    ReadError error();
}
