package dev.nbio;

/** The result of a poll. Valid while the operation is; read it in the callback. */
public interface PollResult {
    /**
     * The readiness that was waited for.
     *
     * @return the event given to {@code poll}
     */
    PollEvent event();

    /**
     * The named error, or {@code null} when the operation succeeded.
     *
     * @return the error or {@code null}
     */
    PollError error();
}
