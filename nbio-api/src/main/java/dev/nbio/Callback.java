package dev.nbio;

/**
 * What an operation calls when it finishes: the one callback type shared by every operation.
 *
 * <p>A callback runs on the loop's thread, in a tick later than the one that started the
 * operation, never inside the call that started it. It runs exactly once per executed
 * operation, failed or not, unless the operation was removed; the one exception is
 * {@code sendfile} with progress updates, which calls it once per progress step as well.
 * The operation passed in is valid until the callback returns; after that it is recycled
 * unless it was {@linkplain EventLoop#detach(Operation) detached}.
 */
@FunctionalInterface
public interface Callback {
    /**
     * Called when the operation has completed, failed or timed out.
     *
     * @param op the finished operation; read its results through the typed view for its kind
     */
    void onComplete(Operation op);
}
