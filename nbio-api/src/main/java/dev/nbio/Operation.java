package dev.nbio;

/**
 * One operation on an event loop: what to do, and once its callback runs, what came of it.
 *
 * <p>Every operation kind shares this type, so a callback, a coroutine or a future adapter
 * can handle all of them alike. The results are read through the typed view of the
 * operation's kind ({@link #recv()}, {@link #accept()}, ...); asking for the view of another
 * kind throws {@link IllegalStateException}.
 *
 * <p><b>Lifetime.</b> An operation is valid from the call that returned it until its
 * callback returns (at least until the end of the current tick, since callbacks never run
 * synchronously). Then the loop recycles it for a later operation, unless it was
 * {@linkplain EventLoop#detach(Operation) detached}. Using an operation after it was
 * recycled throws {@link IllegalStateException}; set the system property
 * {@code nbio.pool=false} while debugging to have every such use caught, even once the
 * object would have been reused.
 *
 * <p><b>Threading.</b> The accessors are meant for the loop's thread. {@link #userData(Object)}
 * and {@link #withAttachment} may be called from the thread that prepared the operation
 * before it is executed.
 */
public interface Operation {
    /**
     * What this operation does.
     *
     * @return the kind
     */
    OperationKind kind();

    /**
     * The loop this operation belongs to.
     *
     * @return the loop
     */
    EventLoop loop();

    /**
     * Whether the operation failed (including by timing out).
     *
     * @return true when {@link #error()} is not {@code null}
     */
    boolean failed();

    /**
     * The named error of a failed operation, an instance of the error enum of its kind.
     *
     * @return the error, or {@code null} on success
     */
    OpError error();

    /**
     * The operating system's error code, when the backend saw one.
     *
     * @return the errno (or Windows error code), or 0 when there is none
     */
    int errno();

    /**
     * The exception behind a failure, when the backend has one (the NIO backend does).
     *
     * @return the cause, or {@code null}
     */
    Throwable cause();

    /**
     * The user data set with {@link #userData(Object)}.
     *
     * @return the user data, or {@code null}
     */
    Object userData();

    /**
     * Sets free-form user data for the callback to read; may be set after the operation was
     * started, since the callback runs in a later tick.
     *
     * @param data anything, or {@code null}
     * @return this operation
     */
    Operation userData(Object data);

    /**
     * The attachment of an operation started in the attachment form.
     *
     * @return the attachment, or {@code null}
     */
    Object attachment();

    /**
     * Replaces the callback of a prepared, not yet executed, operation with the attachment
     * form, so that {@code prep*} operations get typed state too.
     *
     * @param attachment handed to the callback
     * @param callback   the callback
     * @param <T>        the attachment type
     * @return this operation
     * @throws IllegalStateException when the operation was already executed
     */
    <T> Operation withAttachment(T attachment, AttachmentCallback<? super T> callback);

    /**
     * The results of an accept.
     *
     * @return the accept view
     * @throws IllegalStateException when this is not an accept
     */
    AcceptResult accept();

    /**
     * The results of a dial.
     *
     * @return the dial view
     * @throws IllegalStateException when this is not a dial
     */
    DialResult dial();

    /**
     * The results of a receive.
     *
     * @return the receive view
     * @throws IllegalStateException when this is not a receive
     */
    RecvResult recv();

    /**
     * The results of a send.
     *
     * @return the send view
     * @throws IllegalStateException when this is not a send
     */
    SendResult send();

    /**
     * The results of a positional read.
     *
     * @return the read view
     * @throws IllegalStateException when this is not a read
     */
    ReadResult read();

    /**
     * The results of a positional write.
     *
     * @return the write view
     * @throws IllegalStateException when this is not a write
     */
    WriteResult write();

    /**
     * The results of an open.
     *
     * @return the open view
     * @throws IllegalStateException when this is not an open
     */
    OpenResult open();

    /**
     * The results of a stat.
     *
     * @return the stat view
     * @throws IllegalStateException when this is not a stat
     */
    StatResult stat();

    /**
     * The results of a close.
     *
     * @return the close view
     * @throws IllegalStateException when this is not a close
     */
    CloseResult close();

    /**
     * The results of a poll.
     *
     * @return the poll view
     * @throws IllegalStateException when this is not a poll
     */
    PollResult poll();

    /**
     * The results, or progress, of a sendfile.
     *
     * @return the sendfile view
     * @throws IllegalStateException when this is not a sendfile
     */
    SendfileResult sendfile();
}
