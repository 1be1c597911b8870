package dev.nbio.spi;

import dev.nbio.AcceptResult;
import dev.nbio.AttachmentCallback;
import dev.nbio.Callback;
import dev.nbio.CloseResult;
import dev.nbio.DialResult;
import dev.nbio.EventLoop;
import dev.nbio.IoHandle;
import dev.nbio.OpError;
import dev.nbio.OpenResult;
import dev.nbio.Operation;
import dev.nbio.OperationKind;
import dev.nbio.PollResult;
import dev.nbio.ReadResult;
import dev.nbio.RecvResult;
import dev.nbio.SendResult;
import dev.nbio.SendfileResult;
import dev.nbio.StatResult;
import dev.nbio.WriteResult;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * The one operation record shared by the public API, the loop core and the backends: the
 * kind, the inputs, the results, the callback and the backend's scratch fields. Records are
 * pooled per loop and reused, which is why every field is plain and {@link #reset()} clears
 * them. The fields are public for backends; applications see only {@link Operation}.
 *
 * <p>The record holds what every operation uses; what only some kinds use is in its
 * {@link OperationExtras}, made on first use. The split is for the records the pool cannot
 * supply: every pending operation beyond the pool's capacity (a million pending timeouts,
 * say) is a new record, and its size is what adding it costs, in allocation and in the
 * collector's copying. A timeout makes nothing but its record.
 *
 * <p>Everything here is confined to the loop's thread, except that another thread may fill
 * in a freshly prepared record before handing it over through the loop's queue.
 */
public final class OperationRecord implements Operation {
    /** Where a record is in its life. */
    public enum State {
        /** In the pool, or dropped: any use is a bug. */
        FREE,
        /** Prepared, not executed. */
        PREPARED,
        /** Handed from another thread to the loop's queue. */
        QUEUED,
        /** Executed, not finished. */
        PENDING,
        /** Finished, waiting for its callback in the ready queue. */
        COMPLETED,
        /** Its final callback is running. */
        CALLING,
        /** Detached and called back: kept for the user until reattached or executed again. */
        DONE,
        /** Removed or called back while the backend still holds it: waits for release. */
        ORPHANED
    }

    /** The loop that owns the record. */
    public final EventLoop loop;

    /** The kind of operation. */
    public OperationKind kind;
    /** Where the record is in its life. */
    public State state = State.FREE;
    /** Set by {@code detach}: not recycled after the callback. */
    public boolean detached;
    /** Set by {@code remove} on a completed record whose callback has not run. */
    public boolean removed;
    /** Set when the core asked the backend to cancel; a backend that still holds the record releases it. */
    public boolean cancelRequested;
    /** Set while the backend still holds a record that was removed; its release recycles it. */
    public boolean heldByBackend;
    /** Whether the record is linked into the core's ready queue. */
    public boolean queued;
    /**
     * A receive into a buffer the backend provides ({@code recvProvided}); {@link #buffers} is
     * null, and the buffer goes to {@link OperationExtras#provided}.
     */
    public boolean provideBuffer;
    /** A progress update is queued for the callback (sendfile with progress updates). */
    public boolean progressDue;
    /**
     * The deadline passed while the backend could not stop the operation; the loop ends it
     * with the timeout error when the backend reports it finished.
     */
    public boolean timedOut;
    /** Increments on every reuse, to tell uses of one record apart (also usable in io_uring user_data). */
    public int generation;

    // One field for either form of callback, told apart by the flag: a Callback, or an
    // AttachmentCallback<Object> to be called with the attachment.
    private Object callback;
    private boolean attachmentForm;
    private Object attachment;

    /** The socket or file the operation works on (for dial: none; for accept: the listener). */
    public IoHandle handle;
    /** The buffers to fill or drain; the record's own one-element array for one buffer ({@link #useSingleBuffer}). */
    public ByteBuffer[] buffers;
    /** Keep going until the buffers are full or drained. */
    public boolean all;
    /** Timeout op: its duration; other ops: their timeout; {@code -1} for none. */
    public long timeoutNanos = -1;
    /** When the timer fires, on the {@link System#nanoTime()} scale. */
    public long deadlineNanos;
    /** The record's slot in the core's timer heap, {@code -1} when not in it. */
    public int timerIndex = -1;

    /** Bytes received, sent, read or written so far. */
    public long transferred;
    /** The failure, or {@code null} on success. */
    public Failure failure;

    /** Backend scratch: any object (a pending syscall state, a future, ...). */
    public Object backendData;
    /** Backend scratch: any number (an fd, a slot, ...). */
    public long backendLong;
    /** Backend scratch: a link for the backend's intrusive queues. */
    public OperationRecord next;
    /** The core's link for its ready queue. */
    public OperationRecord readyNext;
    /** Prepared on a thread other than the loop's; the core recycles it for such threads. */
    public boolean preparedElsewhere;

    // Made on first use and kept through pooling: a timeout needs none of them, so a million
    // pending timeouts (each a fresh record once the pool is empty) do not pay for them.
    private OperationExtras extras;
    private ByteBuffer[] single;
    private ResultViews views;

    /**
     * Creates a free record.
     *
     * @param loop the owning loop
     */
    public OperationRecord(EventLoop loop) {
        this.loop = Objects.requireNonNull(loop, "loop");
    }

    /**
     * The inputs and results only some kinds of operation use, made on first use: call it to
     * fill them in, or to read what the operation's kind always has (a dial's endpoint, an
     * open's path).
     *
     * @return the record's extras, never {@code null}
     */
    public OperationExtras extras() {
        OperationExtras x = extras;
        return x != null ? x : (extras = new OperationExtras());
    }

    /**
     * The extras if the record has any, without making them: for reading a field that may
     * never have been set (a TCP receive's source address).
     *
     * @return the record's extras, or {@code null}
     */
    public OperationExtras extrasIfAny() {
        return extras;
    }

    /**
     * Points {@link #buffers} at the record's own one-element array holding {@code buffer},
     * so single-buffer operations allocate no array once the record has made it.
     *
     * @param buffer the operation's one buffer
     */
    public void useSingleBuffer(ByteBuffer buffer) {
        ByteBuffer[] array = single;
        if (array == null) {
            single = array = new ByteBuffer[1];
        }
        array[0] = buffer;
        buffers = array;
    }

    /** Clears every input, result and link, keeping the owner, for reuse. */
    public void reset() {
        kind = null;
        detached = removed = cancelRequested = heldByBackend = queued = all = false;
        progressDue = timedOut = provideBuffer = attachmentForm = false;
        callback = null;
        attachment = null;
        handle = null;
        buffers = null;
        if (single != null) {
            single[0] = null;
        }
        if (extras != null) {
            extras.clear();
        }
        timeoutNanos = -1;
        deadlineNanos = 0;
        timerIndex = -1;
        clearResults();
        backendData = null;
        backendLong = 0;
        next = readyNext = null;
        generation++;
    }

    /** Clears the results, and the backend's own progress in {@link #backendLong}, before a (re-)execution. */
    public void clearResults() {
        backendLong = 0;
        transferred = 0;
        failure = null;
        if (extras != null) {
            extras.clearResults();
        }
    }

    /**
     * Records a failure.
     *
     * @param failure the named failure
     * @param errno   the OS error code, or 0
     * @param cause   the exception, or {@code null}
     */
    public void fail(Failure failure, int errno, Throwable cause) {
        this.failure = failure;
        if (errno != 0 || cause != null) {
            OperationExtras x = extras();
            x.errno = errno;
            x.cause = cause;
        } else if (extras != null) {
            extras.errno = 0;
            extras.cause = null;
        }
    }

    /**
     * Sets the plain callback, the one an operation is prepared with; {@link #withAttachment}
     * replaces it.
     *
     * @param callback the callback, not {@code null}
     */
    public void callback(Callback callback) {
        this.callback = callback;
        this.attachmentForm = false;
        this.attachment = null;
    }

    /** Runs the callback of whichever form the operation was started in. */
    @SuppressWarnings("unchecked")
    public void invokeCallback() {
        if (attachmentForm) {
            ((AttachmentCallback<Object>) callback).onComplete(this, attachment);
        } else {
            ((Callback) callback).onComplete(this);
        }
    }

    /**
     * Throws when the record is free: the user holds an operation that was recycled.
     *
     * @throws IllegalStateException when the record is free
     */
    public void checkLive() {
        if (state == State.FREE || state == State.ORPHANED) {
            throw new IllegalStateException("the operation is no longer valid: it was recycled when its callback "
                    + "returned, or it was removed; detach() an operation to keep using it after its callback");
        }
    }

    @Override
    public OperationKind kind() {
        checkLive();
        return kind;
    }

    @Override
    public EventLoop loop() {
        return loop;
    }

    @Override
    public boolean failed() {
        checkLive();
        return failure != null;
    }

    @Override
    public OpError error() {
        checkLive();
        return failure == null ? null : ErrorTables.map(kind, failure);
    }

    @Override
    public int errno() {
        checkLive();
        return extras == null ? 0 : extras.errno;
    }

    @Override
    public Throwable cause() {
        checkLive();
        return extras == null ? null : extras.cause;
    }

    @Override
    public Object userData() {
        checkLive();
        return extras == null ? null : extras.userData;
    }

    @Override
    public Operation userData(Object data) {
        checkLive();
        if (data != null || extras != null) {
            extras().userData = data;
        }
        return this;
    }

    @Override
    public Object attachment() {
        checkLive();
        return attachment;
    }

    @Override
    public <T> Operation withAttachment(T attachment, AttachmentCallback<? super T> callback) {
        Objects.requireNonNull(callback, "callback");
        if (state != State.PREPARED) {
            checkLive();
            throw new IllegalStateException("withAttachment is only allowed before exec; the operation is " + state);
        }
        this.attachment = attachment;
        this.callback = callback;
        this.attachmentForm = true;
        return this;
    }

    private void expect(OperationKind expected) {
        checkLive();
        if (kind != expected) {
            throw new IllegalStateException("this is a " + kind + " operation, not " + expected);
        }
    }

    @Override
    public AcceptResult accept() {
        expect(OperationKind.ACCEPT);
        return views().accept();
    }

    @Override
    public DialResult dial() {
        expect(OperationKind.DIAL);
        return views().dial();
    }

    @Override
    public RecvResult recv() {
        expect(OperationKind.RECV);
        return views().recv();
    }

    @Override
    public SendResult send() {
        expect(OperationKind.SEND);
        return views().send();
    }

    @Override
    public ReadResult read() {
        expect(OperationKind.READ);
        return views().read();
    }

    @Override
    public WriteResult write() {
        expect(OperationKind.WRITE);
        return views().write();
    }

    @Override
    public OpenResult open() {
        expect(OperationKind.OPEN);
        return views().open();
    }

    @Override
    public StatResult stat() {
        expect(OperationKind.STAT);
        return views().stat();
    }

    @Override
    public CloseResult close() {
        expect(OperationKind.CLOSE);
        return views().close();
    }

    @Override
    public PollResult poll() {
        expect(OperationKind.POLL);
        return views().poll();
    }

    @Override
    public SendfileResult sendfile() {
        expect(OperationKind.SENDFILE);
        return views().sendfile();
    }

    private ResultViews views() {
        ResultViews v = views;
        return v != null ? v : (views = new ResultViews(this));
    }

    @Override
    public String toString() {
        return "Operation[" + kind + ", " + state + (failure != null ? ", " + failure : "") + "]";
    }
}
