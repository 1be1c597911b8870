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
import dev.nbio.spi.OperationExtras;
import dev.nbio.spi.OperationRecord;
import dev.nbio.spi.OperationRecord.State;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
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
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import org.jctools.queues.atomic.MpmcAtomicArrayQueue;
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
 * the next tick, which is what keeps every callback in a later tick than its start. A tick
 * that has callbacks due before it polls skips the backend altogether, unless the tick
 * before it skipped too: the poll would find nothing the callbacks need, and skipping only
 * every other one keeps I/O from waiting on a loop that always has callbacks due.
 */
public final class Loop extends Preparations implements LoopContext {
    private static final Logger LOG = LoggerFactory.getLogger(Loop.class);
    private static final VarHandle SLEEPING;

    static {
        try {
            SLEEPING = MethodHandles.lookup().findVarHandle(Loop.class, "sleeping", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Thread thread = Thread.currentThread();
    private final String backendName;
    private final OperationPool pool = new OperationPool(this);
    private final TimerHeap timers = new TimerHeap();
    private final ReadyQueue ready = new ReadyQueue();
    private final ReadyQueue deferred = new ReadyQueue();
    private final MpscUnboundedAtomicArrayQueue<OperationRecord> remote = new MpscUnboundedAtomicArrayQueue<>(256);
    /**
     * Free records for other threads to prepare operations with: records they made come back
     * here when recycled, so a steady flow of operations from other threads allocates nothing.
     */
    private final MpmcAtomicArrayQueue<OperationRecord> foreignFree = new MpmcAtomicArrayQueue<>(1024);
    private Notifier notifier;
    /** The notifier runs timeouts and deadlines itself; the timer heap stays empty. */
    private boolean keepsTime;
    private BiConsumer<Operation, Throwable> errorHandler = Loop::logCallbackError;
    private int references = 1;
    private final AtomicInteger queuedRemotely = new AtomicInteger();
    /** Read by other threads in {@link #wakeUp} and {@link #exec}. */
    private volatile boolean closed;
    /**
     * True while the loop's thread may block in the notifier's wait. Other threads that queue
     * work wake the loop only then (see {@link #exec}); set before the loop's last look at
     * the queue, so either the loop sees the work or the other thread sees the flag.
     */
    @SuppressWarnings("unused") // accessed through SLEEPING
    private volatile boolean sleeping;
    private boolean awaiting;
    /**
     * The last tick ran its due callbacks without polling the backend; this one polls, so a
     * loop that always has callbacks due (a chain of next ticks) still sees its I/O every
     * second tick.
     */
    private boolean skippedPoll;
    private long nowNanos = System.nanoTime();
    private Instant nowInstant;
    private int waiting;

    private Loop(String backendName) {
        this.backendName = backendName;
    }

    static Loop start(NotifierProvider provider) throws IOException {
        Loop loop = new Loop(provider.name());
        loop.notifier = Objects.requireNonNull(provider.create(loop), "notifier");
        loop.keepsTime = loop.notifier.keepsTime();
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
        refreshNow();
        drainRemote();
        ready.takeAll(deferred);
        if (callbacksDue() && !skippedPoll && !notifier.hasUnsubmitted()) {
            // The callbacks due need nothing from the backend: most often completions of
            // operations that finished at once in the last tick (a send, whose callback starts
            // the next receive). Polling for them would find nothing new and cost a system
            // call per request; the next tick polls, so I/O waits at most one tick longer.
            // Work the backend has yet to hand to the system is not kept waiting: then it polls.
            skippedPoll = true;
        } else {
            skippedPoll = false;
            poll(timeoutNanos);
        }
        expireTimers();
        dispatch();
    }

    /** True when a callback is due without asking the backend: a completion or an expired timer. */
    private boolean callbacksDue() {
        return !ready.isEmpty() || !timers.isEmpty() && timers.earliestDeadline() - nowNanos <= 0;
    }

    /** Waits on the backend (not at all when work is due) and takes what the wait brought. */
    private void poll(long timeoutNanos) {
        long waitNanos = ready.isEmpty() && remote.isEmpty() ? waitNanos(timeoutNanos) : 0;
        if (waitNanos != 0) {
            sleeping = true;
            if (!remote.isEmpty()) {
                waitNanos = 0; // queued after the look above, by a thread that saw no sleeper
            }
        }
        awaiting = true;
        try {
            notifier.await(waitNanos);
        } catch (IOException e) {
            throw new UncheckedIOException(backendName + " backend failed to wait for events", e);
        } finally {
            awaiting = false;
            sleeping = false;
        }
        refreshNow();
        // Work queued while the loop waited (the wake-up that ended the wait) starts in this
        // tick, and what it completes at once is called back in this tick too: no call of the
        // user's is on the stack, and a next tick would cost another wait for nothing.
        drainRemote();
        ready.takeAll(deferred);
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
        checkOpen();
        while (!closed && numWaiting() > 0 && !done.getAsBoolean()) {
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
        return waiting + queuedRemotely.get();
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
            discardResult(op);
            release(op);
            return;
        }
        if (op.timedOut) {
            // The backend could not stop the operation when its deadline passed; now it has
            // ended, it ends with the timeout, keeping the count of what it did transfer.
            op.timedOut = false;
            discardResult(op);
            op.fail(Failure.TIMEOUT, 0, null);
        }
        timers.remove(op);
        op.state = State.COMPLETED;
        enqueue(op);
    }

    @Override
    public void progress(OperationRecord op) {
        if (op.cancelRequested || op.state != State.PENDING) {
            return; // removed (or already finished): nobody is to be called back
        }
        op.progressDue = true;
        enqueue(op);
    }

    private void enqueue(OperationRecord op) {
        if (!op.queued) {
            (awaiting ? ready : deferred).add(op);
        }
    }

    @Override
    public void release(OperationRecord op) {
        giveBackBuffer(op);
        op.heldByBackend = false;
        if (op.state == State.ORPHANED) {
            recycle(op);
        }
    }

    /** Closes the socket or file an accept, dial or open made when nobody will receive it. */
    private static void discardResult(OperationRecord op) {
        OperationExtras extras = op.extrasIfAny();
        if (extras == null || extras.result == null) {
            return;
        }
        try {
            extras.result.handle().close();
        } catch (IOException | RuntimeException e) {
            LOG.debug("closing the unclaimed result of a {} operation failed", op.kind, e);
        }
        extras.result = null;
    }

    private void expireTimers() {
        while (!timers.isEmpty() && timers.earliestDeadline() - nowNanos <= 0) {
            OperationRecord op = timers.peek();
            timers.remove(op);
            if (op.kind != OperationKind.TIMEOUT) {
                if (!notifier.cancel(op)) {
                    // The backend still runs it (a blocking file call, an asynchronous cancel):
                    // the timeout is delivered when the backend reports the end, so the callback
                    // never sees results that are still being written.
                    op.timedOut = true;
                    continue;
                }
                op.fail(Failure.TIMEOUT, 0, null);
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
            } else if (op.progressDue) {
                deliverProgress(op);
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

    /**
     * Runs a progress callback. When the final result arrived while the progress update was
     * queued, the update still runs first (as an update) and the final callback follows.
     */
    private void deliverProgress(OperationRecord op) {
        op.progressDue = false;
        State after = op.state;
        op.state = State.PENDING;
        invoke(op);
        if (after == State.COMPLETED && op.state == State.PENDING) {
            op.state = State.COMPLETED;
            ready.add(op);
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

    /** A provided receive buffer goes back to the backend once nobody can read it any more. */
    private void giveBackBuffer(OperationRecord op) {
        if (!op.provideBuffer) {
            return;
        }
        OperationExtras extras = op.extras();
        if (extras.provided != null) {
            notifier.giveBack(op);
            extras.provided = null;
            extras.providedId = -1;
        }
    }

    /** Decides a finished record's fate: kept for the user, held for the backend, or recycled. */
    private void finish(OperationRecord op) {
        giveBackBuffer(op);
        if (op.detached && !op.removed) {
            op.state = State.DONE;
        } else if (op.heldByBackend) {
            op.state = State.ORPHANED;
        } else {
            recycle(op);
        }
    }

    // ---- starting operations ---------------------------------------------------------------

    @Override
    public Operation exec(Operation op, boolean wakeUp) {
        OperationRecord record = own(op);
        if (inLoopThread()) {
            start(record);
            return record;
        }
        if (record.state != State.PREPARED) {
            throw new IllegalStateException("only a prepared operation can be executed from another thread; this "
                    + record.kind + " operation is " + record.state);
        }
        checkOpen();
        record.state = State.QUEUED;
        // Counted before it is visible in the queue, so numWaiting() never misses it.
        queuedRemotely.incrementAndGet();
        remote.offer(record);
        // Only a loop that may be blocked needs the (system-call) wake-up; one that is awake
        // looks at the queue before it blocks. The first thread to see it asleep wakes it.
        if (wakeUp && sleeping && SLEEPING.compareAndSet(this, true, false)) {
            notifier.wakeUp();
        }
        return record;
    }

    private void drainRemote() {
        OperationRecord op;
        while ((op = remote.relaxedPoll()) != null) {
            if (op.removed) {
                recycle(op);
            } else {
                queuedRemotely.decrementAndGet();
                begin(op);
            }
        }
    }

    /** Gives a finished record back: to the loop's pool, or to other threads if one of them made it. */
    private void recycle(OperationRecord op) {
        if (op.preparedElsewhere && OperationPool.ENABLED) {
            op.reset();
            op.state = State.FREE;
            foreignFree.offer(op); // dropped when full: more records than any flow needs
        } else {
            pool.give(op);
        }
    }

    private void start(OperationRecord op) {
        checkOpen();
        switch (op.state) {
            case PREPARED -> { }
            case DONE, CALLING -> restart(op);
            case QUEUED -> throw new IllegalStateException("the " + op.kind
                    + " operation is already queued to start (exec was called on another thread)");
            default -> throw new IllegalStateException("the " + op.kind + " operation is already running (" + op.state
                    + "); an operation can be executed again only after its callback, and only when detached");
        }
        begin(op);
    }

    private void begin(OperationRecord op) {
        op.state = State.PENDING;
        waiting++;
        if (op.kind == OperationKind.NEXT_TICK) {
            complete(op);
            return;
        }
        // TIMEOUT operations always live in the core's heap (cheap to add, nothing in the
        // kernel); other operations' deadlines too, unless the notifier runs them itself.
        if (op.timeoutNanos >= 0 && (op.kind == OperationKind.TIMEOUT || !keepsTime)) {
            timers.add(op);
        }
        if (op.kind != OperationKind.TIMEOUT) {
            notifier.submit(op);
        }
    }

    /** A detached operation executed again: fresh results and a fresh deadline. */
    private void restart(OperationRecord op) {
        if (!op.detached) {
            throw new IllegalStateException("the " + op.kind + " operation's callback is running; only a detached "
                    + "operation may be executed again");
        }
        if (op.provideBuffer && op.extras().provided != null) {
            throw new IllegalStateException("this recvProvided operation's buffer is still in use by its callback; "
                    + "execute it again after the callback has returned, or start a new recvProvided");
        }
        op.clearResults();
        if (op.timeoutNanos >= 0) {
            op.deadlineNanos = System.nanoTime() + op.timeoutNanos;
        }
    }

    @Override
    public void remove(Operation op) {
        checkThread("remove");
        OperationRecord record = own(op);
        switch (record.state) {
            case PREPARED -> recycle(record);
            case QUEUED -> {
                // Still in the queue from another thread: drainRemote recycles it.
                queuedRemotely.decrementAndGet();
                record.removed = true;
                record.state = State.ORPHANED;
            }
            case PENDING -> removePending(record);
            case COMPLETED -> {
                waiting--;
                record.removed = true;
                discardResult(record);
            }
            case CALLING, DONE -> throw new IllegalStateException("cannot remove the " + record.kind
                    + " operation: its callback has already run");
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
            recycle(op);
        } else {
            op.state = State.ORPHANED;
        }
    }

    @Override
    public void detach(Operation op) {
        checkThread("detach");
        own(op).detached = true;
    }

    @Override
    public void reattach(Operation op) {
        checkThread("reattach");
        OperationRecord record = own(op);
        if (!record.detached) {
            throw new IllegalStateException("the " + record.kind + " operation is not detached");
        }
        record.detached = false;
        if (record.state == State.DONE) {
            recycle(record);
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

    // ---- preparing operations ---------------------------------------------------------------

    @Override
    OperationRecord prepare(OperationKind kind, Callback callback, long timeoutNanos) {
        Objects.requireNonNull(callback, "callback");
        checkOpen();
        OperationRecord op;
        if (inLoopThread()) {
            op = pool.take();
            op.preparedElsewhere = false;
        } else {
            op = takeForeign();
        }
        op.kind = kind;
        op.callback(callback);
        op.timeoutNanos = timeoutNanos;
        if (timeoutNanos >= 0) {
            op.deadlineNanos = System.nanoTime() + timeoutNanos;
        }
        op.state = State.PREPARED;
        return op;
    }

    /**
     * A record for an operation prepared on another thread. The pool belongs to the loop's
     * thread; other threads share the records they made before, oldest first and only beyond
     * {@link OperationPool#QUARANTINE} of them, as the pool does, so a kept operation is caught.
     */
    private OperationRecord takeForeign() {
        OperationRecord op = foreignFree.size() > OperationPool.QUARANTINE ? foreignFree.poll() : null;
        if (op == null) {
            op = new OperationRecord(this);
        }
        op.preparedElsewhere = true;
        return op;
    }

    // ---- handles ------------------------------------------------------------------------------

    @Override
    public TcpSocket listenTcp(InetSocketAddress address, int backlog) throws IOException {
        Objects.requireNonNull(address, "address");
        if (backlog <= 0) {
            throw new IllegalArgumentException("backlog must be positive, got " + backlog);
        }
        TcpSocket socket = createTcpSocket(AddressFamily.of(address));
        try {
            socket.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            socket.handle().bindAndListen(address, backlog);
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
        checkThread("openSync");
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
