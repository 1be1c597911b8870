package dev.nbio.uring;

import static dev.nbio.uring.IoUringAbi.*;
import static dev.nbio.uring.Slots.*;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import dev.nbio.AddressFamily;
import dev.nbio.EventLoop;
import dev.nbio.FileFlag;
import dev.nbio.FileHandle;
import dev.nbio.FileType;
import dev.nbio.OperationKind;
import dev.nbio.PollEvent;
import dev.nbio.SocketProtocol;
import dev.nbio.TcpSocket;
import dev.nbio.UdpSocket;
import dev.nbio.internal.ProvidedBuffers;
import dev.nbio.internal.Transfers;
import dev.nbio.spi.Failure;
import dev.nbio.spi.Handle;
import dev.nbio.spi.LoopContext;
import dev.nbio.spi.Notifier;
import dev.nbio.spi.OperationExtras;
import dev.nbio.spi.OperationRecord;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.NetworkChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;

/**
 * The io_uring notifier: every operation becomes one SQE (a sendfile, a series of
 * {@code sendfile(2)} calls paced by poll SQEs), and its CQE completes it. Each in-flight
 * operation holds a slot: its {@code user_data} is the slot number and the slot's
 * generation, never an object address, and the slot owns the native memory the kernel reads
 * and writes for it (msghdr, iovecs, socket address, statx buffer), so nothing is allocated
 * per operation when the user's buffers are direct. Heap buffers go through a bounce block.
 */
final class UringNotifier implements Notifier {
    private static final long INTERNAL = 1L << 63;
    private static final long WAKE = INTERNAL | 1;
    static final long IGNORED = INTERNAL | 2;
    /** Marks the user_data of a listener's multishot accept; the low bits index {@link #multishots}. */
    static final long MULTISHOT_ACCEPT = INTERNAL | (1L << 61);
    /** Marks the user_data of a stream's multishot receive; the low bits index {@link #multishots}. */
    static final long MULTISHOT_RECV = INTERNAL | (1L << 60);
    /** Marks the user_data of the timer of an operation that waits behind another on its socket. */
    private static final long WAIT_TIMER = 1L << 62;
    /** Deadlines run in the kernel (linked timeouts) unless {@code -Dnbio.uring.linkTimeouts=false}. */
    private static final boolean LINK_TIMEOUTS =
            Boolean.parseBoolean(System.getProperty("nbio.uring.linkTimeouts", "true"));


    final LoopContext context;
    final Arena arena = Arena.ofShared();
    final Ring ring;
    private final int eventFd;
    private final MemorySegment wakeWrite;
    private final MemorySegment emptyPath;
    private final Ring.Completions onCompletion = this::completed;

    final Slots slots = new Slots(arena);
    private final DirectAddresses addresses = new DirectAddresses();
    private final ProvidedReceives receives = new ProvidedReceives(this);
    private final Accepts accepts = new Accepts(this);
    private final Sendfiles sendfiles = new Sendfiles(this);
    /** Read by other threads in {@link #wakeUp}; set under {@link #wakeLock}. */
    private volatile boolean closed;
    private final Object wakeLock = new Object();
    /** Sockets with a multishot accept or receive, by index; a socket keeps its index for life. */
    private UringHandle[] multishots = new UringHandle[8];
    private int multishotCount;
    private int[] freeIndices = new int[8];
    private int freeIndexCount;

    UringNotifier(LoopContext context, Ring ring) throws IOException {
        this.context = context;
        this.ring = ring;
        int fd = Libc.eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
        if (fd < 0) {
            throw UringErrors.exception("eventfd", fd);
        }
        eventFd = fd;
        // Other threads write from it; an automatic arena outlives any wake-up still holding the notifier.
        wakeWrite = Arena.ofAuto().allocate(8);
        wakeWrite.set(JAVA_LONG, 0, 1L);
        emptyPath = arena.allocate(8);
        ring.completionsTo(onCompletion);
        armWake();
    }

    EventLoop loop() {
        return context.loop();
    }

    long addressOf(ByteBuffer buffer) {
        return addresses.of(buffer);
    }

    // ---- submission -------------------------------------------------------------------------------

    @Override
    public void submit(OperationRecord op) {
        // Every operation holds a slot from here until it is reported.
        int slot = slots.take(op);
        if (op.handle != null && !op.handle.handle().isOpen()) {
            fail(op, Failure.CLOSED);
            return;
        }
        if (ordered(op) && !handleOf(op).enqueue(readSide(op), op)) {
            slots.waiting[slot] = true;
            armWaitingTimer(op, slot);
            return;
        }
        start(op);
    }

    @Override
    public boolean keepsTime() {
        return LINK_TIMEOUTS;
    }

    /** Whether deadlines are linked timeouts in the kernel. */
    static boolean linkTimeouts() {
        return LINK_TIMEOUTS;
    }

    /** Nanoseconds left until an operation's deadline, never negative. */
    private static long remaining(OperationRecord op) {
        return Math.max(0, op.deadlineNanos - System.nanoTime());
    }

    /**
     * Writes an operation's deadline as an absolute time on CLOCK_MONOTONIC, the clock of
     * {@link System#nanoTime()} on Linux (checked at start-up, {@link MonotonicClock}), so the
     * kernel counts from the moment the operation was prepared, not from the next submission.
     */
    private void writeDeadline(OperationRecord op, int slot, long field, long sqe) {
        if (MonotonicClock.MATCHES_NANO_TIME) {
            writeTimespec(slot, field, op.deadlineNanos);
            ring.opFlags(sqe, IORING_TIMEOUT_ABS);
        } else {
            writeTimespec(slot, field, remaining(op));
        }
    }

    private void writeTimespec(int slot, long field, long nanos) {
        MemorySegment s = slots.scratchOf(slot);
        s.set(JAVA_LONG, Slots.base(slot) + field, nanos / 1_000_000_000L);
        s.set(JAVA_LONG, Slots.base(slot) + field + 8, nanos % 1_000_000_000L);
    }

    /**
     * Gives the SQE just written a linked timeout at the operation's deadline, when it has
     * one: the kernel cancels the operation when the timer fires first.
     */
    void linkDeadline(OperationRecord op, long sqe) {
        if (!LINK_TIMEOUTS || op.timeoutNanos < 0) {
            return;
        }
        int slot = Slots.slotOf(op);
        ring.sqeFlags(sqe, IOSQE_IO_LINK);
        long timer = ring.linkedSqe();
        ring.prepare(timer, IORING_OP_LINK_TIMEOUT, -1, slots.address(slot, TIMESPEC_FIELD), 1, 0, IGNORED);
        writeDeadline(op, slot, TIMESPEC_FIELD, timer);
    }

    /** An operation waiting its turn on a socket has no SQE to link to: it gets a timer of its own. */
    void armWaitingTimer(OperationRecord op, int slot) {
        if (!LINK_TIMEOUTS || op.timeoutNanos < 0) {
            return;
        }
        long sqe = ring.nextSqe();
        ring.prepare(sqe, IORING_OP_TIMEOUT, -1, slots.address(slot, WAIT_TIMESPEC), 1, 0,
                WAIT_TIMER | op.backendLong);
        writeDeadline(op, slot, WAIT_TIMESPEC, sqe);
    }


    /** Receives and sends on a socket keep their order: one of each direction is in the kernel at a time. */
    private static boolean ordered(OperationRecord op) {
        return op.kind == OperationKind.RECV || op.kind == OperationKind.SEND || op.kind == OperationKind.SENDFILE;
    }

    /** Receives and accepts queue on a socket's read side, the rest on its write side. */
    private static boolean readSide(OperationRecord op) {
        return op.kind == OperationKind.RECV || op.kind == OperationKind.ACCEPT;
    }

    void start(OperationRecord op) {
        if (op.handle != null && !op.handle.handle().isOpen()) {
            fail(op, Failure.CLOSED);
            return;
        }
        switch (op.kind) {
            case ACCEPT -> accepts.accept(op);
            case DIAL -> dial(op);
            case RECV, SEND -> {
                if (op.provideBuffer) {
                    receives.receive(op);
                } else {
                    transfer(op);
                }
            }
            case READ, WRITE -> fileTransfer(op);
            case POLL -> poll(op, op.extras().pollEvent == PollEvent.READABLE ? POLLIN : POLLOUT);
            case SENDFILE -> sendfiles.start(op);
            case CLOSE -> close(op);
            case OPEN -> open(op);
            case STAT -> stat(op);
            default -> throw new IllegalStateException("not an operation for the backend: " + op.kind);
        }
    }

    private void fail(OperationRecord op, Failure failure) {
        op.fail(failure, 0, null);
        finishSlot(op);
    }

    /** Completes an operation and starts the one waiting behind it on its socket. */
    private void report(OperationRecord op) {
        OperationRecord next = ordered(op) ? handleOf(op).dequeue(readSide(op), op) : null;
        context.complete(op);
        if (next != null) {
            slots.waiting[Slots.slotOf(next)] = false;
            start(next);
        }
    }

    static UringHandle handleOf(OperationRecord op) {
        return (UringHandle) op.handle.handle();
    }

    /** The socket with a multishot request at {@code index}, or null. */
    UringHandle multishot(int index) {
        return index < multishotCount ? multishots[index] : null;
    }

    /** Gives a socket its index in {@link #multishots}, once. */
    void register(UringHandle handle) {
        if (handle.multishotIndex < 0) {
            int index;
            if (freeIndexCount > 0) {
                index = freeIndices[--freeIndexCount];
            } else {
                if (multishotCount == multishots.length) {
                    multishots = Arrays.copyOf(multishots, multishotCount * 2);
                    freeIndices = Arrays.copyOf(freeIndices, multishots.length);
                }
                index = multishotCount++;
            }
            handle.multishotIndex = index;
            multishots[index] = handle;
        }
    }

    /**
     * Gives back a closed socket's index once none of its multishot requests is in the kernel,
     * so the table does not grow with every connection a server ever had.
     */
    void unregister(UringHandle handle) {
        int index = handle.multishotIndex;
        if (index >= 0 && !handle.isOpen() && !handle.multishotArmed && !handle.recvArmed) {
            multishots[index] = null;
            freeIndices[freeIndexCount++] = index;
            handle.multishotIndex = -1;
        }
    }

    private void dial(OperationRecord op) {
        InetSocketAddress endpoint = op.extras().endpoint;
        boolean ipv6 = endpoint.getAddress() instanceof java.net.Inet6Address;
        int fd = Libc.socket(ipv6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (fd < 0) {
            UringErrors.fail(op, -fd, "socket");
            finishSlot(op);
            return;
        }
        UringHandle handle = new UringHandle(fd, UringHandle.Kind.STREAM, ipv6, null);
        noDelay(handle);
        op.extras().result = new TcpSocket(loop(), handle);
        int slot = Slots.slotOf(op);
        int length = SocketAddresses.write(endpoint, slots.scratchOf(slot), Slots.base(slot) + SOCKADDR);
        long sqe = ring.nextSqe();
        ring.prepare(sqe, IORING_OP_CONNECT, fd, slots.address(slot, SOCKADDR), 0, length, op.backendLong);
        linkDeadline(op, sqe);
    }

    static void noDelay(UringHandle handle) {
        try {
            handle.setOption(java.net.StandardSocketOptions.TCP_NODELAY, true);
        } catch (IOException ignored) {
            // Latency, not correctness: a socket that refuses it still works.
        }
    }

    /** A recv or send: one recvmsg/sendmsg over the buffers (or the bounce block). */
    private void transfer(OperationRecord op) {
        if (op.kind == OperationKind.RECV && receives.receiveAfterMultishot(op, handleOf(op))) {
            return;
        }
        submitTransfer(op, Slots.slotOf(op));
    }

    private void submitTransfer(OperationRecord op, int slot) {
        MemorySegment s = slots.scratchOf(slot);
        long base = Slots.base(slot);
        boolean incoming = op.kind == OperationKind.RECV;
        int iovecs = stage(op, slot, incoming);
        UringHandle handle = handleOf(op);
        if (iovecs == 1 && handle.kind != UringHandle.Kind.DATAGRAM) {
            // One buffer on a stream: plain RECV/SEND, no message header for the kernel to copy.
            long address = s.get(JAVA_LONG, base + IOVECS);
            long length = s.get(JAVA_LONG, base + IOVECS + 8);
            long sqe = ring.nextSqe();
            ring.prepare(sqe, incoming ? IORING_OP_RECV : IORING_OP_SEND, handle.fd, address,
                    (int) Math.min(length, Integer.MAX_VALUE), 0, op.backendLong);
            ring.opFlags(sqe, incoming ? 0 : MSG_NOSIGNAL);
            linkDeadline(op, sqe);
            return;
        }
        long name = 0;
        int nameLength = 0;
        if (handle.kind == UringHandle.Kind.DATAGRAM) {
            if (incoming) {
                name = slots.address(slot, SOCKADDR);
                nameLength = (int) SOCKADDR_STORAGE_SIZE;
            } else {
                OperationExtras extras = op.extrasIfAny(); // a send without a destination has none
                if (extras != null && extras.endpoint != null) {
                    name = slots.address(slot, SOCKADDR);
                    nameLength = SocketAddresses.write(extras.endpoint, s, base + SOCKADDR);
                }
            }
        }
        s.set(JAVA_LONG, base + MSGHDR + MSGHDR_NAME, name);
        s.set(JAVA_INT, base + MSGHDR + MSGHDR_NAMELEN, nameLength);
        s.set(JAVA_LONG, base + MSGHDR + MSGHDR_IOV, slots.address(slot, IOVECS));
        s.set(JAVA_LONG, base + MSGHDR + MSGHDR_IOVLEN, iovecs);
        s.set(JAVA_LONG, base + MSGHDR + 32, 0L);
        s.set(JAVA_LONG, base + MSGHDR + 40, 0L);
        s.set(JAVA_INT, base + MSGHDR + MSGHDR_FLAGS, 0);
        long sqe = ring.nextSqe();
        ring.prepare(sqe, incoming ? IORING_OP_RECVMSG : IORING_OP_SENDMSG, handle.fd, slots.address(slot, MSGHDR), 1,
                0, op.backendLong);
        ring.opFlags(sqe, incoming ? 0 : MSG_NOSIGNAL);
        linkDeadline(op, sqe);
    }

    /**
     * Points the slot's iovecs at the buffers, or at the bounce block when a buffer is on the
     * heap (the kernel needs native memory) or there are too many; returns the iovec count.
     */
    private int stage(OperationRecord op, int slot, boolean incoming) {
        MemorySegment s = slots.scratchOf(slot);
        long iov = Slots.base(slot) + IOVECS;
        ByteBuffer[] buffers = op.buffers;
        boolean direct = buffers.length <= MAX_IOVECS;
        for (int i = 0; direct && i < buffers.length; i++) {
            direct = buffers[i].isDirect();
        }
        if (direct) {
            int count = 0;
            for (ByteBuffer buffer : buffers) {
                if (buffer.hasRemaining()) {
                    s.set(JAVA_LONG, iov, addressOf(buffer));
                    s.set(JAVA_LONG, iov + 8, buffer.remaining());
                    iov += IOVEC_SIZE;
                    count++;
                }
            }
            bounceMode(op, false);
            return count;
        }
        MemorySegment block = slots.bounce(slot);
        long length;
        if (incoming) {
            length = Math.min(Transfers.remaining(buffers), BOUNCE_BYTES);
        } else {
            length = 0;
            for (ByteBuffer buffer : buffers) {
                int n = (int) Math.min(buffer.remaining(), BOUNCE_BYTES - length);
                if (n > 0 && buffer.hasArray()) {
                    MemorySegment.copy(buffer.array(), buffer.arrayOffset() + buffer.position(), block,
                            java.lang.foreign.ValueLayout.JAVA_BYTE, length, n);
                    length += n;
                } else if (n > 0) {
                    MemorySegment.copy(MemorySegment.ofBuffer(buffer), 0, block, length, n);
                    length += n;
                }
            }
        }
        s.set(JAVA_LONG, iov, block.address());
        s.set(JAVA_LONG, iov + 8, length);
        bounceMode(op, true);
        return 1;
    }

    /** Whether the current attempt of an operation goes through its bounce block (kept in backendData). */
    private static void bounceMode(OperationRecord op, boolean bounced) {
        op.backendData = bounced ? Boolean.TRUE : null;
    }

    /** Moves the buffers past {@code bytes} the kernel moved, copying in from the bounce block for a receive. */
    private void account(OperationRecord op, int slot, int bytes, boolean incoming) {
        boolean bounced = op.backendData != null;
        int left = bytes;
        long from = 0;
        for (ByteBuffer buffer : op.buffers) {
            if (left == 0) {
                break;
            }
            int n = Math.min(buffer.remaining(), left);
            if (n == 0) {
                continue;
            }
            if (bounced && incoming) {
                if (buffer.hasArray()) {
                    MemorySegment.copy(slots.bounceOf(slot), java.lang.foreign.ValueLayout.JAVA_BYTE, from, buffer.array(),
                            buffer.arrayOffset() + buffer.position(), n);
                } else {
                    MemorySegment.copy(slots.bounceOf(slot), from, MemorySegment.ofBuffer(buffer), 0, n);
                }
            }
            buffer.position(buffer.position() + n);
            from += n;
            left -= n;
        }
    }

    @Override
    public void giveBack(OperationRecord op) {
        receives.giveBack(op);
    }

    /** A positional read or write on a file. */
    private void fileTransfer(OperationRecord op) {
        submitFileTransfer(op, Slots.slotOf(op));
    }

    private void submitFileTransfer(OperationRecord op, int slot) {
        boolean incoming = op.kind == OperationKind.READ;
        stage(op, slot, incoming);
        MemorySegment s = slots.scratchOf(slot);
        long address = s.get(JAVA_LONG, Slots.base(slot) + IOVECS);
        long length = s.get(JAVA_LONG, Slots.base(slot) + IOVECS + 8);
        long sqe = ring.nextSqe();
        ring.prepare(sqe, incoming ? IORING_OP_READ : IORING_OP_WRITE, handleOf(op).fd, address,
                (int) Math.min(length, Integer.MAX_VALUE), op.extras().offset + op.transferred, op.backendLong);
        linkDeadline(op, sqe);
    }

    private void poll(OperationRecord op, int events) {
        long sqe = ring.nextSqe();
        ring.prepare(sqe, IORING_OP_POLL_ADD, handleOf(op).fd, 0, 0, 0, op.backendLong);
        ring.opFlags(sqe, events);
        linkDeadline(op, sqe);
    }

    private void close(OperationRecord op) {
        UringHandle handle = handleOf(op);
        handle.markClosed();
        handle.closeAccepted();
        receives.releaseHeld(handle);
        unregister(handle);
        // What waits behind a running receive or send never reached the kernel: it ends here.
        for (boolean read : new boolean[] {true, false}) {
            OperationRecord waiting;
            while ((waiting = firstWaiting(handle, read)) != null) {
                handle.dequeue(read, waiting);
                slots.release(Slots.slotOf(waiting));
                waiting.fail(Failure.CLOSED, 0, null);
                context.complete(waiting);
            }
        }
        // Cancel what is in flight on the descriptor (io_uring keeps its own reference, so a
        // close alone would leave a receive waiting forever), then close it: a hard link runs
        // the close even when there was nothing to cancel. Both run inline (a shutdown would
        // wait for an io-wq worker). The pair must reach the kernel in one submission: split,
        // the close could run before the cancel.
        OperationRecord sending = handle.kind == UringHandle.Kind.STREAM ? handle.firstWaiting(false, op2 -> true) : null;
        boolean sendfileInFlight = sending != null && sending.kind == OperationKind.SENDFILE && !slots.isWaiting(sending);
        ring.reserve(sendfileInFlight ? 3 : 2);
        if (sendfileInFlight) {
            // A splice still queued for an io-wq worker has no file yet for the descriptor
            // cancel to match: cancel it by its user_data first.
            long first = ring.linkedSqe();
            ring.prepare(first, IORING_OP_ASYNC_CANCEL, -1, Sendfiles.inFlight(sending), 0, 0, IGNORED);
            ring.sqeFlags(first, IOSQE_IO_HARDLINK);
        }
        long cancel = ring.linkedSqe();
        ring.prepare(cancel, IORING_OP_ASYNC_CANCEL, handle.fd, 0, 0, 0, IGNORED);
        ring.opFlags(cancel, IORING_ASYNC_CANCEL_FD | IORING_ASYNC_CANCEL_ALL);
        ring.sqeFlags(cancel, IOSQE_IO_HARDLINK);
        long sqe = ring.linkedSqe();
        ring.prepare(sqe, IORING_OP_CLOSE, handle.fd, 0, 0, 0, op.backendLong);
    }

    private void open(OperationRecord op) {
        int slot = Slots.slotOf(op);
        OperationExtras extras = op.extras();
        Path path = extras.path;
        Path resolved = path;
        int directory = AT_FDCWD;
        if (extras.directory != null && !path.isAbsolute()) {
            UringHandle dir = (UringHandle) extras.directory.handle();
            if (!dir.isOpen()) {
                fail(op, Failure.CLOSED);
                return;
            }
            directory = dir.fd;
            resolved = dir.path() != null ? dir.path().resolve(path) : path;
        }
        byte[] bytes = path.toString().getBytes(StandardCharsets.UTF_8);
        MemorySegment block = slots.bounce(slot);
        if (bytes.length >= BOUNCE_BYTES) {
            op.fail(Failure.INVALID_ARGUMENT, 0, new IOException("path too long: " + bytes.length + " bytes"));
            finishSlot(op);
            return;
        }
        MemorySegment.copy(MemorySegment.ofArray(bytes), 0, block, 0, bytes.length);
        block.set(java.lang.foreign.ValueLayout.JAVA_BYTE, bytes.length, (byte) 0);
        op.backendData = resolved;
        long sqe = ring.nextSqe();
        ring.prepare(sqe, IORING_OP_OPENAT, directory, block.address(), extras.permissions, 0, op.backendLong);
        ring.opFlags(sqe, openFlags(extras.flags));
    }

    static int openFlags(Set<FileFlag> flags) {
        boolean read = flags.contains(FileFlag.READ);
        boolean write = flags.contains(FileFlag.WRITE) || flags.contains(FileFlag.APPEND);
        int mode = read && write ? O_RDWR : write ? O_WRONLY : O_RDONLY;
        int result = mode | O_CLOEXEC;
        if (flags.contains(FileFlag.CREATE)) {
            result |= O_CREAT;
        }
        if (flags.contains(FileFlag.EXCLUSIVE)) {
            result |= O_EXCL;
        }
        if (flags.contains(FileFlag.TRUNCATE)) {
            result |= O_TRUNC;
        }
        if (flags.contains(FileFlag.APPEND)) {
            result |= O_APPEND;
        }
        if (flags.contains(FileFlag.SYNC)) {
            result |= O_SYNC;
        }
        return result;
    }

    private void stat(OperationRecord op) {
        int slot = Slots.slotOf(op);
        long sqe = ring.nextSqe();
        ring.prepare(sqe, IORING_OP_STATX, handleOf(op).fd, emptyPath.address(), STATX_TYPE | STATX_SIZE,
                slots.address(slot, STATX), op.backendLong);
        ring.opFlags(sqe, AT_EMPTY_PATH);
    }

    /**
     * Arms the wake-up: a multishot poll of the eventfd, which stays armed and posts a
     * completion for every write, so a woken loop has nothing to submit to be woken again
     * (a read, re-armed after each wake-up, cost an SQE and a fresh internal poll per hop).
     * The eventfd's counter is never read back; it would take 2^64 wake-ups to fill it.
     */
    private void armWake() {
        long sqe = ring.nextSqe();
        ring.prepare(sqe, IORING_OP_POLL_ADD, eventFd, 0, IORING_POLL_ADD_MULTI, 0, WAKE);
        ring.opFlags(sqe, POLLIN);
    }

    @Override
    public boolean cancel(OperationRecord op) {
        int slot = Slots.slotOf(op);
        if (slots.waiting[slot]) {
            // Never reached the kernel: taking it out of its socket's queue is enough (a timer
            // of its own, if any, fires later for a slot generation that is gone).
            handleOf(op).dequeue(readSide(op), op);
            slots.release(slot);
            return true;
        }
        // The kernel answers with the operation's own CQE (ECANCELED, or its result if it
        // finished first); completed() then reports it and the core settles it.
        if (op.kind == OperationKind.SENDFILE) {
            sendfiles.cancel(op); // its request in flight may be a splice or a poll of its own
            return false;
        }
        long sqe = ring.nextSqe();
        ring.prepare(sqe, IORING_OP_ASYNC_CANCEL, -1, op.backendLong, 0, 0, IGNORED);
        return false;
    }

    // ---- completion ---------------------------------------------------------------------------------

    @Override
    public boolean hasUnsubmitted() {
        return ring.hasUnsubmitted();
    }

    @Override
    public void await(long timeoutNanos) {
        if (timeoutNanos == 0 && slots.idle() && !ring.hasUnsubmitted()) {
            // Nothing of ours is in the kernel and nothing is to be sent: a tick that only runs
            // callbacks need not enter the kernel at all.
            return;
        }
        ring.submitAndWait(timeoutNanos);
        ring.reap(onCompletion);
        while (ring.overflowed()) {
            ring.submitAndWait(0);
            ring.reap(onCompletion);
        }
    }

    private void completed(long userData, int result, int flags) {
        if ((userData & INTERNAL) != 0) {
            if (userData == WAKE) {
                if ((flags & IORING_CQE_F_MORE) == 0 && !closed) {
                    armWake(); // the kernel ended the multishot poll (an error, a full CQ ring)
                }
            } else if ((userData & MULTISHOT_ACCEPT) == MULTISHOT_ACCEPT) {
                accepts.multishotAccepted((int) userData, result, flags);
            } else if ((userData & MULTISHOT_RECV) == MULTISHOT_RECV) {
                receives.multishotReceived((int) userData, result, flags);
            }
            return;
        }
        OperationRecord op = slots.find(userData);
        if (op == null) {
            return;
        }
        int slot = Slots.slotOf(op);
        if ((userData & WAIT_TIMER) != 0) {
            waitedTooLong(op, slot);
            return;
        }
        if (result == -UringErrors.ECANCELED && op.kind != OperationKind.SENDFILE) {
            OperationExtras extras = op.provideBuffer ? op.extras() : null;
            if (extras != null && extras.provided == null && extras.providedId >= 0) {
                receives.giveBackId(extras.providedId); // a loop-pool buffer taken for a receive that never came
                extras.providedId = -1;
            }
            cancelled(op);
            if (op.kind == OperationKind.DIAL) {
                discardDial(op);
            }
            finishSlot(op);
            return;
        }
        switch (op.kind) {
            case ACCEPT -> accepted(op, slot, result);
            case DIAL -> dialed(op, result);
            case RECV, SEND -> {
                if (op.provideBuffer) {
                    receives.received(op, slot, result, flags);
                } else {
                    transferred(op, slot, result);
                }
            }
            case READ, WRITE -> fileTransferred(op, slot, result);
            case POLL, CLOSE -> simple(op, result);
            case SENDFILE -> sendfiles.completed(op, userData, result);
            case OPEN -> opened(op, result);
            case STAT -> statted(op, slot, result);
            default -> throw new IllegalStateException("unexpected completion for " + op.kind);
        }
    }

    /**
     * Names why the kernel cancelled an operation: its socket was closed, its linked timeout
     * fired, or it was removed (the core then drops it whatever the failure says).
     */
    static void cancelled(OperationRecord op) {
        boolean closedUnder = op.handle != null && !op.handle.handle().isOpen();
        Failure failure = closedUnder ? Failure.CLOSED
                : LINK_TIMEOUTS && op.timeoutNanos >= 0 && !op.cancelRequested ? Failure.TIMEOUT
                : Failure.UNEXPECTED;
        op.fail(failure, failure == Failure.UNEXPECTED ? UringErrors.ECANCELED : 0, null);
    }

    /** The timer of an operation still queued behind another on its socket fired. */
    private void waitedTooLong(OperationRecord op, int slot) {
        if (!slots.waiting[slot]) {
            return; // it has started since, with a linked timeout of its own
        }
        handleOf(op).dequeue(readSide(op), op);
        slots.release(slot);
        op.fail(Failure.TIMEOUT, 0, null);
        context.complete(op);
    }

    /** The first operation of a direction on a socket that waits its turn, not yet in the kernel. */
    OperationRecord firstWaiting(UringHandle handle, boolean read) {
        return handle.firstWaiting(read, slots::isWaiting);
    }


    void finishSlot(OperationRecord op) {
        slots.release(Slots.slotOf(op));
        op.backendData = null;
        report(op);
    }

    /** Records a failed call of a sendfile's (whose handle checks are its own). */
    void failedCall(OperationRecord op, int errno, String call) {
        UringErrors.fail(op, errno, call);
    }

    /** The address of an empty C string, for statx on a descriptor. */
    long emptyPathAddress() {
        return emptyPath.address();
    }

    void failed(OperationRecord op, int result, String call) {
        if (op.handle != null && !op.handle.handle().isOpen()) {
            op.fail(Failure.CLOSED, -result, null);
        } else if (result == -UringErrors.EBADF && (op.kind == OperationKind.READ || op.kind == OperationKind.WRITE)) {
            // The descriptor is open, just not for this: a read of a write-only file or the reverse.
            op.fail(Failure.PERMISSION_DENIED, UringErrors.EBADF, new IOException(call + ": the file is not open for "
                    + (op.kind == OperationKind.READ ? "reading" : "writing")));
        } else {
            UringErrors.fail(op, -result, call);
        }
        finishSlot(op);
    }

    private void accepted(OperationRecord op, int slot, int result) {
        if (result < 0) {
            failed(op, result, "accept");
            return;
        }
        UringHandle listener = handleOf(op);
        UringHandle handle = new UringHandle(result, UringHandle.Kind.STREAM, listener.ipv6, null);
        noDelay(handle);
        OperationExtras extras = op.extras();
        extras.address = SocketAddresses.read(slots.scratchOf(slot), Slots.base(slot) + SOCKADDR);
        extras.result = new TcpSocket(loop(), handle);
        finishSlot(op);
    }

    private void dialed(OperationRecord op, int result) {
        if (result < 0) {
            UringErrors.fail(op, -result, "connect to " + op.extras().endpoint);
            discardDial(op);
        }
        finishSlot(op);
    }

    private static void discardDial(OperationRecord op) {
        OperationExtras extras = op.extras();
        if (extras.result != null) {
            try {
                extras.result.handle().close();
            } catch (IOException ignored) {
                // The dial failed; its half-made socket is of no use to anyone.
            }
            extras.result = null;
        }
    }

    private void transferred(OperationRecord op, int slot, int result) {
        if (result < 0) {
            failed(op, result, op.kind == OperationKind.RECV ? "recvmsg" : "sendmsg");
            return;
        }
        boolean incoming = op.kind == OperationKind.RECV;
        account(op, slot, result, incoming);
        if (incoming && op.handle instanceof UdpSocket) {
            op.extras().address = SocketAddresses.read(slots.scratchOf(slot), Slots.base(slot) + SOCKADDR);
        }
        if (Transfers.advance(op, result) || op.cancelRequested || op.timedOut) {
            finishSlot(op);
        } else {
            submitTransfer(op, slot);
        }
    }

    private void fileTransferred(OperationRecord op, int slot, int result) {
        if (result < 0) {
            failed(op, result, op.kind == OperationKind.READ ? "read" : "write");
            return;
        }
        account(op, slot, result, op.kind == OperationKind.READ);
        if (op.kind == OperationKind.WRITE && result == 0) {
            op.fail(Failure.NO_SPACE, 0, new IOException("a write made no progress"));
            finishSlot(op);
            return;
        }
        if (Transfers.advance(op, result) || op.cancelRequested || op.timedOut) {
            finishSlot(op);
        } else {
            submitFileTransfer(op, slot);
        }
    }

    private void simple(OperationRecord op, int result) {
        if (result < 0) {
            if (op.kind == OperationKind.CLOSE && result == -UringErrors.EBADF) {
                op.fail(Failure.CLOSED, UringErrors.EBADF, null);
                finishSlot(op);
                return;
            }
            failed(op, result, op.kind == OperationKind.POLL ? "poll" : "close");
            return;
        }
        finishSlot(op);
    }

    private void opened(OperationRecord op, int result) {
        if (result < 0) {
            UringErrors.fail(op, -result, "open " + op.extras().path);
            finishSlot(op);
            return;
        }
        Path resolved = (Path) op.backendData;
        op.extras().result = new FileHandle(loop(), new UringHandle(result, UringHandle.Kind.FILE, false, resolved));
        finishSlot(op);
    }

    private void statted(OperationRecord op, int slot, int result) {
        if (result < 0) {
            failed(op, result, "statx");
            return;
        }
        MemorySegment s = slots.scratchOf(slot);
        int mode = Short.toUnsignedInt(s.get(JAVA_SHORT, Slots.base(slot) + STATX + STATX_MODE_OFFSET)) & S_IFMT;
        OperationExtras extras = op.extras();
        extras.fileType = mode == S_IFREG ? FileType.REGULAR
                : mode == S_IFDIR ? FileType.DIRECTORY
                : mode == S_IFLNK ? FileType.SYMLINK
                : FileType.OTHER;
        extras.fileSize = extras.fileType == FileType.REGULAR ? s.get(JAVA_LONG, Slots.base(slot) + STATX + STATX_SIZE_OFFSET) : 0;
        finishSlot(op);
    }

    // ---- the rest of the notifier ---------------------------------------------------------------------

    @Override
    public void wakeUp() {
        // Under the lock, so the eventfd cannot be closed (and its number reused by another
        // file) between the check and the write.
        synchronized (wakeLock) {
            if (!closed) {
                Libc.write(eventFd, wakeWrite, 8);
            }
        }
    }

    @Override
    public void close() {
        synchronized (wakeLock) {
            if (closed) {
                return;
            }
            closed = true;
            Libc.close(eventFd);
        }
        ring.close();
        arena.close();
    }

    @Override
    public Handle createSocket(AddressFamily family, SocketProtocol protocol) throws IOException {
        boolean ipv6 = family == AddressFamily.IPV6;
        int type = (protocol == SocketProtocol.TCP ? SOCK_STREAM : SOCK_DGRAM) | SOCK_NONBLOCK | SOCK_CLOEXEC;
        int fd = Libc.socket(ipv6 ? AF_INET6 : AF_INET, type, 0);
        if (fd < 0) {
            throw UringErrors.exception("socket", fd);
        }
        return new UringHandle(fd, protocol == SocketProtocol.TCP ? UringHandle.Kind.LISTENER : UringHandle.Kind.DATAGRAM,
                ipv6, null);
    }

    @Override
    public Handle openFile(Handle dir, Path path, Set<FileFlag> flags, int permissions) throws IOException {
        int directory = AT_FDCWD;
        Path resolved = path;
        if (dir != null && !path.isAbsolute()) {
            UringHandle handle = (UringHandle) dir;
            if (!handle.isOpen()) {
                throw new java.nio.channels.ClosedChannelException();
            }
            directory = handle.fd;
            resolved = handle.path() != null ? handle.path().resolve(path) : path;
        }
        try (Arena call = Arena.ofConfined()) {
            int fd = Libc.openat(directory, call.allocateFrom(path.toString()), openFlags(flags), permissions);
            if (fd < 0) {
                throw UringErrors.exception("open " + resolved, fd);
            }
            return new UringHandle(fd, UringHandle.Kind.FILE, false, resolved);
        }
    }

    @Override
    public Handle associateSocket(NetworkChannel channel) throws IOException {
        throw new IOException("the uring backend cannot adopt a JDK channel: the JDK does not expose its file "
                + "descriptor; open the socket through the loop (listenTcp, dial, createSocket) instead");
    }

    @Override
    public Handle associateFile(FileChannel channel) throws IOException {
        throw new IOException("the uring backend cannot adopt a JDK FileChannel: the JDK does not expose its file "
                + "descriptor; open the file through the loop (open, openSync) instead");
    }
}
