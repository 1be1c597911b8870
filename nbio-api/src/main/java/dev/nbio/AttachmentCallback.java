package dev.nbio;

/**
 * The callback of the attachment form of an operation: it receives the operation and the
 * attachment given when the operation was started.
 *
 * <p>This is the Java counterpart of Odin's {@code _poly} procedures: with a static method
 * reference as the callback and the per-connection state as the attachment, starting an
 * operation needs no capturing lambda and allocates nothing. The same rules as for
 * {@link Callback} apply.
 *
 * @param <T> the type of the attachment
 */
@FunctionalInterface
public interface AttachmentCallback<T> {
    /**
     * Called when the operation has completed, failed or timed out.
     *
     * @param op         the finished operation
     * @param attachment the attachment the operation was started with
     */
    void onComplete(Operation op, T attachment);
}
