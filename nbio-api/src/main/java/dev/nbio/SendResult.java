package dev.nbio;

/** The result of a send. Valid while the operation is; read it in the callback. */
public interface SendResult {
    /**
     * How many bytes were sent; with {@code all}, everything unless the send failed.
     *
     * @return the byte count
     */
    int sent();

    /**
     * The named error, or {@code null} when the operation succeeded.
     *
     * @return the error or {@code null}
     */
    SendError error();
}
