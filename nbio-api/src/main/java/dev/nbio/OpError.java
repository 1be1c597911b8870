package dev.nbio;

/**
 * The named error of a failed operation. Each operation kind has its own enum
 * ({@link AcceptError}, {@link RecvError}, ...) that implements this interface, so code that
 * does not care about the kind can still log or compare the error.
 */
public interface OpError {
    /**
     * The error's name, as the enum constant is named.
     *
     * @return the name, e.g. {@code "TIMEOUT"}
     */
    String name();

    /**
     * Whether the operation ended because its timeout expired.
     *
     * @return true for the {@code TIMEOUT} constant of any error enum
     */
    default boolean isTimeout() {
        return "TIMEOUT".equals(name());
    }
}
