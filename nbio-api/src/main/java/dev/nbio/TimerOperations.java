package dev.nbio;

import java.time.Duration;

/**
 * Timeouts and next-tick callbacks. Part of {@link EventLoop}; see there for the threading
 * rules that apply to every operation.
 */
public interface TimerOperations {
    /**
     * Prepares a timeout without executing it; run it with {@link EventLoop#exec(Operation)}.
     * The duration counts from this call, not from the exec.
     *
     * @param duration how long to wait; zero completes on the next tick
     * @param callback called once the duration has passed (timeouts are checked once per tick,
     *                 so they may fire a little late, never early)
     * @return the prepared operation
     * @throws IllegalArgumentException when the duration is negative
     */
    Operation prepTimeout(Duration duration, Callback callback);

    /**
     * Prepares an operation that completes on the next tick.
     *
     * @param callback called on the next tick
     * @return the prepared operation
     */
    Operation prepNextTick(Callback callback);

    /**
     * Calls back after a duration.
     *
     * @param duration how long to wait
     * @param callback called once the duration has passed
     * @return the running operation, valid until its callback returns
     */
    default Operation timeout(Duration duration, Callback callback) {
        return exec(prepTimeout(duration, callback));
    }

    /**
     * Calls back after a duration, handing over an attachment.
     *
     * @param duration   how long to wait
     * @param attachment handed to the callback
     * @param callback   called once the duration has passed
     * @param <T>        the attachment type
     * @return the running operation
     */
    default <T> Operation timeout(Duration duration, T attachment, AttachmentCallback<? super T> callback) {
        return exec(prepTimeout(duration, Defaults.IGNORE).withAttachment(attachment, callback));
    }

    /**
     * Calls back on the next tick: the same as a zero timeout.
     *
     * @param callback called on the next tick
     * @return the running operation
     */
    default Operation nextTick(Callback callback) {
        return exec(prepNextTick(callback));
    }

    /**
     * Calls back on the next tick, handing over an attachment.
     *
     * @param attachment handed to the callback
     * @param callback   called on the next tick
     * @param <T>        the attachment type
     * @return the running operation
     */
    default <T> Operation nextTick(T attachment, AttachmentCallback<? super T> callback) {
        return exec(prepNextTick(Defaults.IGNORE).withAttachment(attachment, callback));
    }

    /**
     * Executes a prepared operation: see {@link EventLoop#exec(Operation, boolean)}.
     *
     * @param op the prepared operation
     * @return the same operation
     */
    Operation exec(Operation op);
}
