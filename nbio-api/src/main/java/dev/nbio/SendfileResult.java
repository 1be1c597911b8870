package dev.nbio;

/** The result, or progress, of a sendfile. Valid while the operation is; read it in the callback. */
public interface SendfileResult {
    /**
     * How many bytes of the file have been sent so far.
     *
     * @return the byte count
     */
    long sent();

    /**
     * How many bytes the whole transfer covers.
     *
     * @return the total byte count
     */
    long total();

    /**
     * Whether this is the final callback rather than a progress update.
     *
     * @return true once the transfer has finished or failed
     */
    boolean done();

    /**
     * The named error, or {@code null} when the operation succeeded.
     *
     * @return the error or {@code null}
     */
    SendfileError error();
}
