package dev.nbio;

/** The result of a close. Valid while the operation is; read it in the callback. */
public interface CloseResult {

    /**
     * The named error, or {@code null} when the operation succeeded.
     *
     * @return the error or {@code null}
     */
    CloseError error();
}
