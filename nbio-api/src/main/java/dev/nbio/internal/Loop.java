package dev.nbio.internal;

import dev.nbio.AddressFamily;
import dev.nbio.Callback;
import dev.nbio.EntireFileCallback;
import dev.nbio.EventLoop;
import dev.nbio.FileFlag;
import dev.nbio.FileHandle;
import dev.nbio.IoHandle;
import dev.nbio.Operation;
import dev.nbio.OperationKind;
import dev.nbio.Permissions;
import dev.nbio.PollEvent;
import dev.nbio.SocketHandle;
import dev.nbio.SocketProtocol;
import dev.nbio.TcpSocket;
import dev.nbio.UdpSocket;
import dev.nbio.spi.Failure;
import dev.nbio.spi.Handle;
import dev.nbio.spi.LoopContext;
import dev.nbio.spi.Notifier;
import dev.nbio.spi.NotifierProvider;
import dev.nbio.spi.OperationRecord;
import dev.nbio.spi.OperationRecord.State;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.FileChannel;
import java.nio.channels.NetworkChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import org.jctools.queues.atomic.MpscUnboundedAtomicArrayQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The loop core: one implementation of the event loop's promises for every backend. It owns
 * the operation pool, the timer heap, the ready queues that keep callbacks out of the call
 * that started them, the queue for operations from other threads, and callback isolation.
 * The backend behind it only starts, cancels and reports operations.
 *
 * <p>A tick: take work queued by other threads, wait on the backend (not at all when
 * callbacks are already due), expire timers, then run the due callbacks. Completions that
 * happen outside the backend's wait (an operation that finished at once) are deferred to
 * the next tick, which is what keeps every callback in a later tick than its start.
 */
public final class Loop implements EventLoop, LoopContext {
    private static final Logger LOG = LoggerFactory.getLogger(Loop.class);

    private final Thread thread = Thread.currentThread();
    private final String backendName;
    private final OperationPool pool = new OperationPool(this);
    private final TimerHeap timers = new TimerHeap();
    private final ReadyQueue ready = new ReadyQueue();
    private final ReadyQueue deferred = new ReadyQueue();
    private final MpscUnboundedAtomicArrayQueue<OperationRecord> remote = new MpscUnboundedAtomicArrayQueue<>(256);
    private Notifier notifier;
    private BiConsumer<Operation, Throwable> errorHandler = Loop::logCallbackError;
    private int references = 1;
    private boolean closed;
    private boolean awaiting;
    private long tickCount;
    private long nowNanos = System.nanoTime();
    private Instant nowInstant;
    private int waiting;

    private Loop(String backendName) {
        this.backendName = backendName;
    }

    static Loop start(NotifierProvider provider) throws IOException {
        Loop loop = new Loop(provider.name());
        loop.notifier = Objects.requireNonNull(provider.create(loop), "notifier");
        return loop;
    }

    void retain() {
        checkThread("acquire");
        references++;
    }

    @Override
    public void release() {
        checkThread("release");
        if (closed) {
            throw new IllegalStateException("event loop was already released completely");
        }
        if (--references == 0) {
            closed = true;
            Loops.forget(this);
            notifier.close();
        }
    }

    @Override
    public String backend() {
        return backendName;
    }

    @Override
    public Thread thread() {
        return thread;
    }

    @Override
    public EventLoop loop() {
        return this;
    }

    // ---- ticking ------------------------------------------------------------------------

    @Override
    public void tick(Duration timeout) {
        checkThread("tick");
        checkOpen();
        long timeoutNanos = Checks.timeoutNanos(timeout);
        tickCount++;
        refreshNow();
        drainRemote();
        ready.takeAll(deferred);
        long waitNanos = ready.isEmpty() && remote.isEmpty() ? waitNanos(timeoutNanos) : 0;
        awaiting = true;
        try {
            notifier.await(waitNanos);
        } catch (IOException e) {
            throw new UncheckedIOException(backendName + " backend failed to wait for events", e);
        } finally {
            awaiting = false;
        }
        refreshNow();
        expireTimers();
        dispatch();
    }

    private long waitNanos(long timeoutNanos) {
        if (timers.isEmpty()) {
            return timeoutNanos;
        }
        long untilTimer = Math.max(0, timers.earliestDeadline() - nowNanos);
        return timeoutNanos < 0 ? untilTimer : Math.min(untilTimer, timeoutNanos);
    }

    @Override
    public void run() {
        runUntil(() -> false);
    }

    @Override
    public void runUntil(BooleanSupplier done) {
        Objects.requireNonNull(done, "done");
        checkThread("run");
        while (!closed && waiting > 0 && !done.getAsBoolean()) {
            tick(null);
        }
    }

    private void refreshNow() {
        nowNanos = System.nanoTime();
        nowInstant = null;
    }

    @Override
    public Instant now() {
        Instant now = nowInstant;
        if (now == null) {
            nowInstant = now = Instant.now();
        }
        return now;
    }

    @Override
    public long nanoTime() {
        return nowNanos;
    }

    @Override
    public int numWaiting() {
        return waiting;
    }

    @Override
    public void wakeUp() {
        if (!closed) {
            notifier.wakeUp();
        }
    }

    @Override
    public void errorHandler(BiConsumer<Operation, Throwable> handler) {
        this.errorHandler = Objects.requireNonNull(handler, "handler");
    }

    private static void logCallbackError(Operation op, Throwable error) {
        LOG.error("The callback of a {} operation threw; the loop goes on", op.kind(), error);
    }

    // ---- completion side (LoopContext) ----------------------------------------------------

    @Override
    public void complete(OperationRecord op) {
        if (op.cancelRequested) {
            release(op);
            return;
        }
        timers.remove(op);
        op.state = State.COMPLETED;
        enqueue(op);
    }

    @Override
    public void progress(OperationRecord op) {
        enqueue(op);
    }

    private void enqueue(OperationRecord op) {
        if (!op.queued) {
            (awaiting ? ready : deferred).add(op);
        }
    }

    @Override
    public void release(OperationRecord op) {
        op.heldByBackend = false;
        if (op.state == State.ORPHANED) {
            pool.give(op);
        }
    }

    private void expireTimers() {
        while (!timers.isEmpty() && timers.earliestDeadline() - nowNanos <= 0) {
            OperationRecord op = timers.peek();
            timers.remove(op);
            if (op.kind != OperationKind.TIMEOUT) {
                op.fail(Failure.TIMEOUT, 0, null);
                op.cancelRequested = true;
                op.heldByBackend = !notifier.cancel(op);
            }
            op.state = State.COMPLETED;
            if (!op.queued) {
                ready.add(op);
            }
        }
    }

    private void dispatch() {
        OperationRecord op;
        while ((op = ready.poll()) != null) {
            if (op.removed) {
                finish(op);
            } else if (op.state == State.PENDING) {
                invoke(op);
            } else {
                op.state = State.CALLING;
                waiting--;
                invoke(op);
                if (op.state == State.CALLING) {
                    finish(op);
                }
            }
        }
    }

    private void invoke(OperationRecord op) {
        try {
            op.invokeCallback();
        } catch (VirtualMachineError fatal) {
            throw fatal;
        } catch (Throwable error) {
            try {
                errorHandler.accept(op, error);
            } catch (RuntimeException handlerError) {
                LOG.error("The loop's error handler threw", handlerError);
            }
        }
    }

    /** Decides a finished record's fate: kept for the user, held for the backend, or recycled. */
    private void finish(OperationRecord op) {
        if (op.detached && !op.removed) {
            op.state = State.DONE;
        } else if (op.heldByBackend) {
            op.state = State.ORPHANED;
        } else {
            pool.give(op);
        }
    }

    // ---- starting operations ---------------------------------------------------------------

    @Override
    public Operation exec(Operation op, boolean wakeUp) {
        OperationRecord record = own(op);
        if (!inLoopThread()) {
            if (record.state != State.PREPARED) {
                throw new IllegalStateException("only a prepared operation can be executed from another thread; it is "
                        + record.state);
            }
            checkOpen();
            record.state = State.QUEUED;
            remote.offer(record);
            if (wakeUp) {
                notifier.wakeUp();
            }
            return record;
        }
        start(record);
        return record;
    }

    private void drainRemote() {
        OperationRecord op;
        while ((op = remote.relaxedPoll()) != null) {
            start(op);
        }
    }

    private void start(OperationRecord op) {
        checkOpen();
        switch (op.state) {
            case PREPARED, QUEUED -> { }
            case DONE, CALLING -> restart(op);
            default -> throw new IllegalStateException("the operation is already running (" + op.state + ")");
        }
        op.state = State.PENDING;
        op.execTick = tickCount;
        waiting++;
        if (op.timeoutNanos >= 0 && op.kind != OperationKind.NEXT_TICK) {
            timers.add(op);
        }
        switch (op.kind) {
            case TIMEOUT -> { }
            case NEXT_TICK -> complete(op);
            default -> notifier.submit(op);
        }
    }

    /** A detached operation executed again: fresh results and a fresh deadline. */
    private void restart(OperationRecord op) {
        if (!op.detached) {
            throw new IllegalStateException("the operation's callback is running; only a detached operation may be executed again");
        }
        op.clearResults();
        op.cancelRequested = false;
        if (op.timeoutNanos >= 0) {
            op.deadlineNanos = System.nanoTime() + op.timeoutNanos;
        }
    }

    @Override
    public void remove(Operation op) {
        checkThread("remove");
        OperationRecord record = own(op);
        switch (record.state) {
            case PREPARED -> pool.give(record);
            case PENDING -> removePending(record);
            case COMPLETED -> {
                waiting--;
                record.removed = true;
            }
            case CALLING, DONE -> throw new IllegalStateException(
                    "cannot remove an operation whose callback has already run (" + record.kind + ")");
            default -> throw new IllegalStateException("cannot remove an operation that is " + record.state);
        }
    }

    private void removePending(OperationRecord op) {
        waiting--;
        timers.remove(op);
        boolean released = true;
        if (op.kind != OperationKind.TIMEOUT) {
            op.cancelRequested = true;
            released = notifier.cancel(op);
        }
        op.heldByBackend = !released;
        if (op.queued) {
            op.removed = true;
        } else if (released) {
            pool.give(op);
        } else {
            op.state = State.ORPHANED;
        }
    }

    @Override
    public void detach(Operation op) {
        checkThread("detach");
        OperationRecord record = own(op);
        if (record.state == State.ORPHANED) {
            throw new IllegalStateException("cannot detach a removed operation");
        }
        record.detached = true;
    }

    @Override
    public void reattach(Operation op) {
        checkThread("reattach");
        OperationRecord record = own(op);
        if (!record.detached) {
            throw new IllegalStateException("the operation is not detached");
        }
        record.detached = false;
        if (record.state == State.DONE) {
            pool.give(record);
        }
    }

    private OperationRecord own(Operation op) {
        Objects.requireNonNull(op, "op");
        if (!(op instanceof OperationRecord record) || record.loop != this) {
            throw new IllegalArgumentException("the operation belongs to another event loop");
        }
        record.checkLive();
        return record;
    }

    // ---- preparing operations -------------------------------------------------------------

    private OperationRecord prepare(OperationKind kind, Callback callback, long timeoutNanos) {
        Objects.requireNonNull(callback, "callback");
        checkOpen();
        OperationRecord op = inLoopThread() ? pool.take() : new OperationRecord(this, true);
        op.kind = kind;
        op.callback = callback;
        op.timeoutNanos = timeoutNanos;
        if (timeoutNanos >= 0) {
            op.deadlineNanos = System.nanoTime() + timeoutNanos;
        }
        op.state = State.PREPARED;
        return op;
    }

    private <H extends IoHandle> H mine(H handle, String what) {
        Objects.requireNonNull(handle, what);
        if (handle.loop() != this) {
            throw new IllegalArgumentException("the " + what + " belongs to the event loop of thread "
                    + handle.loop().thread().getName() + ", not this one (" + thread.getName() + ")");
        }
        return handle;
    }

    @Override
    public Operation prepTimeout(Duration duration, Callback callback) {
        return prepare(OperationKind.TIMEOUT, callback, Checks.timeoutNanos(Objects.requireNonNull(duration, "duration")));
    }

    @Override
    public Operation prepNextTick(Callback callback) {
        return prepare(OperationKind.NEXT_TICK, callback, -1);
    }

    @Override
    public Operation prepAccept(TcpSocket socket, Duration timeout, Callback callback) {
        OperationRecord op = prepare(OperationKind.ACCEPT, callback, Checks.timeoutNanos(timeout));
        op.handle = mine(socket, "socket");
        return op;
    }

    @Override
    public Operation prepDial(InetSocketAddress endpoint, Duration timeout, Callback callback) {
        Objects.requireNonNull(endpoint, "endpoint");
        if (endpoint.isUnresolved()) {
            throw new IllegalArgumentException("dial needs a resolved address, got unresolved " + endpoint);
        }
        OperationRecord op = prepare(OperationKind.DIAL, callback, Checks.timeoutNanos(timeout));
        op.endpoint = endpoint;
        return op;
    }

    @Override
    public Operation prepRecv(SocketHandle socket, ByteBuffer[] buffers, boolean all, Duration timeout,
                              Callback callback) {
        return prepareRecv(socket, Checks.receiveBuffers(buffers, "recv").clone(), all, timeout, callback);
    }

    @Override
    public Operation prepRecv(SocketHandle socket, ByteBuffer buffer, boolean all, Duration timeout,
                              Callback callback) {
        OperationRecord op = prepareRecv(socket, null, all, timeout, callback);
        op.single[0] = buffer;
        op.buffers = Checks.receiveBuffers(op.single, "recv");
        return op;
    }

    private OperationRecord prepareRecv(SocketHandle socket, ByteBuffer[] buffers, boolean all, Duration timeout,
                                 Callback callback) {
        mine(socket, "socket");
        OperationRecord op = prepare(OperationKind.RECV, callback, Checks.timeoutNanos(timeout));
        op.handle = socket;
        op.buffers = buffers;
        op.all = all && socket instanceof TcpSocket;
        return op;
    }

    @Override
    public Operation prepSend(SocketHandle socket, ByteBuffer[] buffers, InetSocketAddress destination, boolean all,
                              Duration timeout, Callback callback) {
        return prepareSend(socket, Checks.sendBuffers(buffers, "send").clone(), destination, all, timeout, callback);
    }

    @Override
    public Operation prepSend(SocketHandle socket, ByteBuffer buffer, InetSocketAddress destination, boolean all,
                              Duration timeout, Callback callback) {
        OperationRecord op = prepareSend(socket, null, destination, all, timeout, callback);
        op.single[0] = buffer;
        op.buffers = Checks.sendBuffers(op.single, "send");
        return op;
    }

    private OperationRecord prepareSend(SocketHandle socket, ByteBuffer[] buffers, InetSocketAddress destination,
                                 boolean all, Duration timeout, Callback callback) {
        mine(socket, "socket");
        if (destination != null && !(socket instanceof UdpSocket)) {
            throw new IllegalArgumentException("a destination is for UDP sockets; a TCP socket sends to its peer");
        }
        if (destination != null && destination.isUnresolved()) {
            throw new IllegalArgumentException("send needs a resolved destination, got unresolved " + destination);
        }
        OperationRecord op = prepare(OperationKind.SEND, callback, Checks.timeoutNanos(timeout));
        op.handle = socket;
        op.buffers = buffers;
        op.endpoint = destination;
        op.all = all && socket instanceof TcpSocket;
        return op;
    }

    @Override
    public Operation prepPoll(SocketHandle socket, PollEvent event, Duration timeout, Callback callback) {
        mine(socket, "socket");
        OperationRecord op = prepare(OperationKind.POLL, callback, Checks.timeoutNanos(timeout));
        op.handle = socket;
        op.pollEvent = Objects.requireNonNull(event, "event");
        return op;
    }

    @Override
    public Operation prepSendfile(TcpSocket socket, FileHandle file, long offset, long length,
                                  boolean progressUpdates, Duration timeout, Callback callback) {
        mine(socket, "socket");
        mine(file, "file");
        if (length < -1) {
            throw new IllegalArgumentException("length must be -1 (the rest of the file) or at least 0, got " + length);
        }
        OperationRecord op = prepare(OperationKind.SENDFILE, callback, Checks.timeoutNanos(timeout));
        op.handle = socket;
        op.file = file;
        op.offset = Checks.offset(offset);
        op.length = length;
        op.progressUpdates = progressUpdates;
        return op;
    }

    @Override
    public Operation prepClose(IoHandle handle, Callback callback) {
        mine(handle, "handle");
        OperationRecord op = prepare(OperationKind.CLOSE, callback, -1);
        op.handle = handle;
        return op;
    }

    @Override
    public Operation prepOpen(FileHandle dir, Path path, Set<FileFlag> flags, int permissions, Callback callback) {
        Objects.requireNonNull(path, "path");
        Permissions.checkMode(permissions);
        if (dir != null) {
            mine(dir, "directory");
        }
        OperationRecord op = prepare(OperationKind.OPEN, callback, -1);
        op.directory = dir;
        op.path = path;
        op.flags = flags(flags);
        op.permissions = permissions;
        return op;
    }

    private static Set<FileFlag> flags(Set<FileFlag> flags) {
        Objects.requireNonNull(flags, "flags");
        EnumSet<FileFlag> copy = flags.isEmpty() ? EnumSet.noneOf(FileFlag.class) : EnumSet.copyOf(flags);
        if (copy.contains(FileFlag.EXCLUSIVE) && !copy.contains(FileFlag.CREATE)) {
            throw new IllegalArgumentException("FileFlag.EXCLUSIVE needs FileFlag.CREATE");
        }
        if (!copy.contains(FileFlag.WRITE) && !copy.contains(FileFlag.APPEND)) {
            copy.add(FileFlag.READ);
        }
        return copy;
    }

    @Override
    public Operation prepRead(FileHandle file, long offset, ByteBuffer buffer, boolean all, Duration timeout,
                              Callback callback) {
        OperationRecord op = fileTransfer(OperationKind.READ, file, offset, all, timeout, callback);
        op.single[0] = buffer;
        op.buffers = Checks.receiveBuffers(op.single, "read");
        return op;
    }

    @Override
    public Operation prepWrite(FileHandle file, long offset, ByteBuffer buffer, boolean all, Duration timeout,
                               Callback callback) {
        OperationRecord op = fileTransfer(OperationKind.WRITE, file, offset, all, timeout, callback);
        op.single[0] = buffer;
        op.buffers = Checks.sendBuffers(op.single, "write");
        return op;
    }

    private OperationRecord fileTransfer(OperationKind kind, FileHandle file, long offset, boolean all,
                                         Duration timeout, Callback callback) {
        mine(file, "file");
        Checks.offset(offset);
        OperationRecord op = prepare(kind, callback, Checks.timeoutNanos(timeout));
        op.handle = file;
        op.offset = offset;
        op.all = all;
        return op;
    }

    @Override
    public Operation prepStat(FileHandle file, Callback callback) {
        mine(file, "file");
        OperationRecord op = prepare(OperationKind.STAT, callback, -1);
        op.handle = file;
        return op;
    }

    @Override
    public <T> void readEntireFile(FileHandle dir, Path path, T attachment, EntireFileCallback<? super T> callback) {
        new EntireFileRead<T>(this, attachment, callback).start(dir, path);
    }

    // ---- handles ------------------------------------------------------------------------------

    @Override
    public TcpSocket listenTcp(InetSocketAddress address, int backlog) throws IOException {
        Objects.requireNonNull(address, "address");
        TcpSocket socket = createTcpSocket(AddressFamily.of(address));
        try {
            socket.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            socket.bind(address);
            socket.listen(backlog);
        } catch (IOException | RuntimeException e) {
            socket.handle().close();
            if (e instanceof IOException io) {
                throw new IOException("cannot listen on " + address + ": " + io.getMessage(), io);
            }
            throw e;
        }
        return socket;
    }

    @Override
    public SocketHandle createSocket(AddressFamily family, SocketProtocol protocol) throws IOException {
        Objects.requireNonNull(family, "family");
        Objects.requireNonNull(protocol, "protocol");
        checkThread("createSocket");
        checkOpen();
        Handle handle = notifier.createSocket(family, protocol);
        return protocol == SocketProtocol.TCP ? new TcpSocket(this, handle) : new UdpSocket(this, handle);
    }

    @Override
    public SocketHandle associateSocket(NetworkChannel channel) throws IOException {
        Objects.requireNonNull(channel, "channel");
        checkThread("associateSocket");
        checkOpen();
        if (!channel.isOpen()) {
            throw new IllegalArgumentException("the channel is closed");
        }
        Handle handle = notifier.associateSocket(channel);
        return channel instanceof DatagramChannel ? new UdpSocket(this, handle) : new TcpSocket(this, handle);
    }

    @Override
    public FileHandle associateFile(FileChannel channel) throws IOException {
        Objects.requireNonNull(channel, "channel");
        checkThread("associateFile");
        checkOpen();
        if (!channel.isOpen()) {
            throw new IllegalArgumentException("the channel is closed");
        }
        return new FileHandle(this, notifier.associateFile(channel));
    }

    @Override
    public FileHandle openSync(FileHandle dir, Path path, Set<FileFlag> flags, int permissions) throws IOException {
        Objects.requireNonNull(path, "path");
        Permissions.checkMode(permissions);
        checkOpen();
        Handle directory = dir == null ? null : mine(dir, "directory").handle();
        return new FileHandle(this, notifier.openFile(directory, path, flags(flags), permissions));
    }

    // ---- guards -------------------------------------------------------------------------------

    private boolean inLoopThread() {
        return Thread.currentThread() == thread;
    }

    private void checkThread(String what) {
        if (!inLoopThread()) {
            throw new IllegalStateException(what + " must be called on the loop's thread (" + thread.getName()
                    + "), not on " + Thread.currentThread().getName());
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the event loop of thread " + thread.getName() + " is closed");
        }
    }

    @Override
    public String toString() {
        return "EventLoop[" + backendName + ", thread=" + thread.getName() + ", waiting=" + waiting + "]";
    }
}
