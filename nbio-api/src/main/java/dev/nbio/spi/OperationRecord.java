package dev.nbio.spi;

import dev.nbio.AcceptResult;
import dev.nbio.AttachmentCallback;
import dev.nbio.Callback;
import dev.nbio.CloseResult;
import dev.nbio.DialResult;
import dev.nbio.EventLoop;
import dev.nbio.FileFlag;
import dev.nbio.FileHandle;
import dev.nbio.FileType;
import dev.nbio.IoHandle;
import dev.nbio.OpError;
import dev.nbio.OpenResult;
import dev.nbio.Operation;
import dev.nbio.OperationKind;
import dev.nbio.PollEvent;
import dev.nbio.PollResult;
import dev.nbio.ReadResult;
import dev.nbio.RecvResult;
import dev.nbio.SendResult;
import dev.nbio.SendfileResult;
import dev.nbio.StatResult;
import dev.nbio.WriteResult;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Set;

/**
 * The one operation record shared by the public API, the loop core and the backends: the
 * kind, the inputs, the results, the callback and the backend's scratch fields. Records are
 * pooled per loop and reused, which is why every field is plain and {@link #reset()} clears
 * them. The fields are public for backends; applications see only {@link Operation}.
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
    /** One-element array reused for single-buffer operations, so they allocate nothing. */
    public final ByteBuffer[] single = new ByteBuffer[1];

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
    /** A receive into a buffer the backend provides ({@code recvProvided}); {@link #buffers} is null. */
    public boolean provideBuffer;
    /** The provided buffer holding a receive's bytes, position 0 to limit; the backend takes it back. */
    public java.nio.ByteBuffer provided;
    /** The backend's number for {@link #provided}. */
    public int providedId = -1;
    /** A progress update is queued for the callback (sendfile with progress updates). */
    public boolean progressDue;
    /**
     * The deadline passed while the backend could not stop the operation; the loop ends it
     * with the timeout error when the backend reports it finished.
     */
    public boolean timedOut;
    /** Increments on every reuse, to tell uses of one record apart (also usable in io_uring user_data). */
    public int generation;

    /** The plain callback, when no attachment callback is set. */
    public Callback callback;
    /** The attachment form's callback. */
    public AttachmentCallback<Object> attachmentCallback;
    /** The attachment form's attachment. */
    public Object attachment;
    /** Free-form user data. */
    public Object userData;

    /** The socket or file the operation works on (for dial: none; for accept: the listener). */
    public IoHandle handle;
    /** The buffers to fill or drain; {@link #single} for one buffer. */
    public ByteBuffer[] buffers;
    /** Keep going until the buffers are full or drained. */
    public boolean all;
    /** Dial: where to connect; send: the UDP destination. */
    public InetSocketAddress endpoint;
    /** Read, write, sendfile: the file offset. */
    public long offset;
    /** Sendfile: bytes to send, {@code -1} for the rest of the file. */
    public long length;
    /** Sendfile: the file to send. */
    public FileHandle file;
    /** Poll: the readiness waited for. */
    public PollEvent pollEvent;
    /** Sendfile: report progress after every chunk. */
    public boolean progressUpdates;
    /** Open: the path. */
    public Path path;
    /** Open: the directory a relative path starts from, or {@code null}. */
    public FileHandle directory;
    /** Open: the flags. */
    public Set<FileFlag> flags;
    /** Open: the mode of a created file. */
    public int permissions;
    /** Timeout op: its duration; other ops: their timeout; {@code -1} for none. */
    public long timeoutNanos = -1;
    /** When the timer fires, on the {@link System#nanoTime()} scale. */
    public long deadlineNanos;
    /** The record's slot in the core's timer heap, {@code -1} when not in it. */
    public int timerIndex = -1;
    /** The tick in which the record was executed. */
    public long execTick;

    /** Bytes received, sent, read or written so far. */
    public long transferred;
    /** Sendfile: the bytes the transfer covers. */
    public long total;
    /** Recv: the UDP source; accept: the client's address. */
    public InetSocketAddress address;
    /** Accept, dial, open: the new handle. */
    public IoHandle result;
    /** Stat: the file type. */
    public FileType fileType;
    /** Stat: the file size. */
    public long fileSize;
    /** The failure, or {@code null} on success. */
    public Failure failure;
    /** The OS error code behind the failure, or 0. */
    public int errno;
    /** The exception behind the failure, or {@code null}. */
    public Throwable cause;

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

    private final ResultViews views = new ResultViews(this);

    /**
     * Creates a free record.
     *
     * @param loop the owning loop
     */
    public OperationRecord(EventLoop loop) {
        this.loop = Objects.requireNonNull(loop, "loop");
    }

    /** Clears every input, result and link, keeping the owner, for reuse. */
    public void reset() {
        kind = null;
        detached = removed = cancelRequested = heldByBackend = queued = all = progressUpdates = false;
        progressDue = timedOut = provideBuffer = false;
        provided = null;
        providedId = -1;
        callback = null;
        attachmentCallback = null;
        attachment = userData = null;
        handle = null;
        buffers = null;
        single[0] = null;
        endpoint = null;
        offset = length = 0;
        pollEvent = null;
        file = null;
        path = null;
        directory = null;
        flags = null;
        permissions = 0;
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
        transferred = total = fileSize = 0;
        address = null;
        result = null;
        fileType = null;
        failure = null;
        errno = 0;
        cause = null;
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
        this.errno = errno;
        this.cause = cause;
    }

    /** Runs the callback of whichever form the operation was started in. */
    public void invokeCallback() {
        if (attachmentCallback != null) {
            attachmentCallback.onComplete(this, attachment);
        } else {
            callback.onComplete(this);
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
        return errno;
    }

    @Override
    public Throwable cause() {
        checkLive();
        return cause;
    }

    @Override
    public Object userData() {
        checkLive();
        return userData;
    }

    @Override
    public Operation userData(Object data) {
        checkLive();
        this.userData = data;
        return this;
    }

    @Override
    public Object attachment() {
        checkLive();
        return attachment;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> Operation withAttachment(T attachment, AttachmentCallback<? super T> callback) {
        Objects.requireNonNull(callback, "callback");
        if (state != State.PREPARED) {
            checkLive();
            throw new IllegalStateException("withAttachment is only allowed before exec; the operation is " + state);
        }
        this.attachment = attachment;
        this.attachmentCallback = (AttachmentCallback<Object>) callback;
        this.callback = null;
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
        return views.accept();
    }

    @Override
    public DialResult dial() {
        expect(OperationKind.DIAL);
        return views.dial();
    }

    @Override
    public RecvResult recv() {
        expect(OperationKind.RECV);
        return views.recv();
    }

    @Override
    public SendResult send() {
        expect(OperationKind.SEND);
        return views.send();
    }

    @Override
    public ReadResult read() {
        expect(OperationKind.READ);
        return views.read();
    }

    @Override
    public WriteResult write() {
        expect(OperationKind.WRITE);
        return views.write();
    }

    @Override
    public OpenResult open() {
        expect(OperationKind.OPEN);
        return views.open();
    }

    @Override
    public StatResult stat() {
        expect(OperationKind.STAT);
        return views.stat();
    }

    @Override
    public CloseResult close() {
        expect(OperationKind.CLOSE);
        return views.close();
    }

    @Override
    public PollResult poll() {
        expect(OperationKind.POLL);
        return views.poll();
    }

    @Override
    public SendfileResult sendfile() {
        expect(OperationKind.SENDFILE);
        return views.sendfile();
    }

    @Override
    public String toString() {
        return "Operation[" + kind + ", " + state + (failure != null ? ", " + failure : "") + "]";
    }
}
