package dev.nbio;

/**
 * Thrown by {@link EventLoop#acquire()} when the backend forced with {@code nbio.backend}
 * cannot start here, or no backend can. The message names the cause.
 */
public class BackendUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what failed and why
     * @param cause   the underlying failure, or {@code null}
     */
    public BackendUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
