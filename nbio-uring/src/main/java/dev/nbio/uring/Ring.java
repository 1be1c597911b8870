package dev.nbio.uring;

import static dev.nbio.uring.IoUringAbi.*;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;

/**
 * One io_uring instance: the mapped submission and completion rings and the SQE array.
 * SQEs are written straight into the mapped array; the tail is published with a release
 * store, the kernel's heads and tails are read with acquire loads. Confined to the loop's
 * thread (the ring is set up with {@code SINGLE_ISSUER} where the kernel has it).
 */
final class Ring implements AutoCloseable {
    private static final VarHandle INT = JAVA_INT.varHandle();

    /** Receives completions from {@link #reap}. */
    interface Completions {
        /**
         * One completion.
         *
         * @param userData the SQE's user_data
         * @param result   the result: a count, a descriptor, or -errno
         * @param flags    the CQE's flags ({@code IORING_CQE_F_MORE}, ...)
         */
        void completed(long userData, int result, int flags);
    }

    final int fd;
    final int features;
    final int setupFlags;
    private final MemorySegment sqRing;
    private final MemorySegment cqRing;
    private final MemorySegment sqes;
    private final long sqHead;
    private final long sqTail;
    private final long sqFlags;
    private final int sqMask;
    private final int sqEntries;
    private final long cqHead;
    private final long cqTail;
    private final int cqMask;
    private final long cqes;
    private final MemorySegment enterArg;
    private final MemorySegment timespec;
    private int localTail;

    private Ring(int fd, MemorySegment params, int setupFlags, Arena arena) throws IOException {
        this.fd = fd;
        this.setupFlags = setupFlags;
        this.features = params.get(JAVA_INT, PARAMS_FEATURES);
        sqEntries = params.get(JAVA_INT, PARAMS_SQ_ENTRIES);
        int cqEntries = params.get(JAVA_INT, PARAMS_CQ_ENTRIES);
        long sqArray = params.get(JAVA_INT, PARAMS_SQ_OFF + SQ_OFF_ARRAY);
        long cqesOffset = params.get(JAVA_INT, PARAMS_CQ_OFF + CQ_OFF_CQES);
        long sqSize = sqArray + (long) sqEntries * Integer.BYTES;
        long cqSize = cqesOffset + (long) cqEntries * CQE_SIZE;
        boolean single = (features & IORING_FEAT_SINGLE_MMAP) != 0;
        if (single) {
            sqSize = cqSize = Math.max(sqSize, cqSize);
        }
        sqRing = map(sqSize, IORING_OFF_SQ_RING);
        cqRing = single ? sqRing : map(cqSize, IORING_OFF_CQ_RING);
        sqes = map((long) sqEntries * SQE_SIZE, IORING_OFF_SQES);
        sqHead = params.get(JAVA_INT, PARAMS_SQ_OFF + OFF_HEAD);
        sqTail = params.get(JAVA_INT, PARAMS_SQ_OFF + OFF_TAIL);
        sqFlags = params.get(JAVA_INT, PARAMS_SQ_OFF + SQ_OFF_FLAGS);
        sqMask = sqRing.get(JAVA_INT, params.get(JAVA_INT, PARAMS_SQ_OFF + OFF_RING_MASK));
        cqHead = params.get(JAVA_INT, PARAMS_CQ_OFF + OFF_HEAD);
        cqTail = params.get(JAVA_INT, PARAMS_CQ_OFF + OFF_TAIL);
        cqMask = cqRing.get(JAVA_INT, params.get(JAVA_INT, PARAMS_CQ_OFF + OFF_RING_MASK));
        cqes = cqesOffset;
        // The index array maps ring slots to SQEs; an identity map set once lets the SQE
        // array be used as the ring itself.
        for (int i = 0; i < sqEntries; i++) {
            sqRing.set(JAVA_INT, sqArray + (long) i * Integer.BYTES, i);
        }
        localTail = (int) INT.getAcquire(sqRing, sqTail);
        enterArg = arena.allocate(GETEVENTS_ARG);
        timespec = arena.allocate(TIMESPEC);
        enterArg.set(JAVA_INT, 8, 8);
        enterArg.set(JAVA_LONG, 16, timespec.address());
    }

    private MemorySegment map(long size, long offset) throws IOException {
        MemorySegment mapping = Libc.mmap(size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd, offset);
        if (mapping.byteSize() == 0) {
            throw new IOException("mmap of the io_uring ring failed: " + Libc.strerror((int) -mapping.address()));
        }
        return mapping;
    }

    /**
     * Sets up a ring, trying the given setup flag sets in order until the kernel takes one.
     *
     * @param entries   submission queue size
     * @param flagSets  setup flags to try, best first
     * @param arena     where the ring's own small structures live
     * @return the ring
     * @throws IOException a {@link RingSetupException} when every attempt fails, with the last errno
     */
    static Ring open(int entries, int[] flagSets, Arena arena) throws IOException {
        long lastError = 0;
        for (int flags : flagSets) {
            MemorySegment params = arena.allocate(PARAMS);
            params.set(JAVA_INT, PARAMS_FLAGS, flags | IORING_SETUP_CQSIZE | IORING_SETUP_CLAMP);
            params.set(JAVA_INT, PARAMS_CQ_ENTRIES, entries * 4);
            long fd = Libc.ioUringSetup(entries, params);
            if (fd >= 0) {
                try {
                    return new Ring((int) fd, params, flags, arena);
                } catch (IOException | RuntimeException e) {
                    Libc.close((int) fd);
                    throw e;
                }
            }
            lastError = -fd;
            if (lastError != 22) {
                // Anything but EINVAL (a flag this kernel lacks) will not improve with fewer flags.
                break;
            }
        }
        throw new RingSetupException((int) lastError);
    }

    /** io_uring_setup failed; {@link #errno} says why. */
    static final class RingSetupException extends IOException {
        private static final long serialVersionUID = 1L;
        final int errno;

        RingSetupException(int errno) {
            super("io_uring_setup failed: " + Libc.strerror(errno) + " (errno " + errno + ")");
            this.errno = errno;
        }
    }

    /**
     * Takes the next SQE, zeroed, submitting what is queued first when the ring is full.
     *
     * @return the SQE's byte offset in {@link #sqes()}
     */
    long nextSqe() {
        // One entry always stays free for a linked timeout, which must follow its operation
        // in the same submission.
        if (localTail - (int) INT.getAcquire(sqRing, sqHead) >= sqEntries - 1) {
            submitPending(2);
        }
        return claim();
    }

    /**
     * Makes room for {@code count} SQEs taken next with {@link #linkedSqe}, submitting what is
     * queued when there is less: a chain of linked SQEs must go to the kernel in one piece.
     *
     * @param count how many SQEs the chain has
     */
    void reserve(int count) {
        if (localTail - (int) INT.getAcquire(sqRing, sqHead) > sqEntries - count) {
            submitPending(count);
        }
    }

    /**
     * Takes the SQE right after the last one, for a linked timeout: the entry kept free by
     * {@link #nextSqe} guarantees room, so the pair goes to the kernel together.
     *
     * @return the SQE's byte offset in {@link #sqes()}
     */
    long linkedSqe() {
        return claim();
    }

    private long claim() {
        long offset = (long) (localTail & sqMask) * SQE_SIZE;
        for (long i = 0; i < SQE_SIZE; i += 8) {
            sqes.set(JAVA_LONG, offset + i, 0L);
        }
        localTail++;
        return offset;
    }

    /** The mapped SQE array, written through the offsets {@link #nextSqe} hands out. */
    MemorySegment sqes() {
        return sqes;
    }

    /** Fills the common SQE fields. */
    void prepare(long sqe, byte opcode, int fd, long address, int length, long offset, long userData) {
        sqes.set(JAVA_BYTE, sqe + SQE_OPCODE, opcode);
        sqes.set(JAVA_INT, sqe + SQE_FD, fd);
        sqes.set(JAVA_LONG, sqe + SQE_ADDR, address);
        sqes.set(JAVA_INT, sqe + SQE_LEN, length);
        sqes.set(JAVA_LONG, sqe + SQE_OFF, offset);
        sqes.set(JAVA_LONG, sqe + SQE_USER_DATA, userData);
    }

    void opFlags(long sqe, int flags) {
        sqes.set(JAVA_INT, sqe + SQE_OP_FLAGS, flags);
    }

    void sqeFlags(long sqe, byte flags) {
        sqes.set(JAVA_BYTE, sqe + SQE_FLAGS, (byte) (sqes.get(JAVA_BYTE, sqe + SQE_FLAGS) | flags));
    }

    /** Whether SQEs wait to be submitted. */
    boolean hasUnsubmitted() {
        return pending() > 0;
    }

    /** SQEs written but not yet consumed by the kernel. */
    private int pending() {
        return localTail - (int) INT.getAcquire(sqRing, sqHead);
    }

    /** Submits until at least {@code needed} entries are free. */
    private void submitPending(int needed) {
        INT.setRelease(sqRing, sqTail, localTail);
        int room = sqEntries - pending();
        while (room < needed) {
            long result = Libc.ioUringEnter(fd, pending(), 0, IORING_ENTER_GETEVENTS, MemorySegment.NULL, 0);
            if (result < 0 && result != -4 && result != -11 && result != -16) {
                throw new IllegalStateException("io_uring_enter failed: " + Libc.strerror((int) -result));
            }
            if (sqEntries - pending() < needed) {
                // The kernel took nothing (EBUSY: its completion queue is backed up): reap, so
                // it can go on, before any SQE is overwritten.
                reap(overflowSink);
            }
            room = sqEntries - pending();
        }
    }

    /** Where completions reaped while making room for submissions go. */
    private Completions overflowSink = (userData, result, flags) -> {
        throw new IllegalStateException("completion reaped before the ring has a handler");
    };

    /**
     * Sets where completions go when the ring has to reap them itself (making room in a full
     * submission queue); the notifier's own handler.
     *
     * @param sink the handler
     */
    void completionsTo(Completions sink) {
        this.overflowSink = sink;
    }

    /**
     * Submits what is queued and waits for at least one completion, at most {@code timeoutNanos}
     * (0: do not wait; negative: no limit).
     *
     * @param timeoutNanos how long to wait
     */
    void submitAndWait(long timeoutNanos) {
        INT.setRelease(sqRing, sqTail, localTail);
        int toSubmit = pending();
        boolean ready = completionsReady();
        boolean defer = (setupFlags & IORING_SETUP_DEFER_TASKRUN) != 0;
        boolean overflow = (((int) INT.getAcquire(sqRing, sqFlags)) & IORING_SQ_CQ_OVERFLOW) != 0;
        long result;
        if (timeoutNanos == 0 || ready) {
            if (toSubmit == 0 && !defer && !overflow) {
                return;
            }
            result = Libc.ioUringEnterFast(fd, toSubmit, 0, defer || overflow ? IORING_ENTER_GETEVENTS : 0,
                    MemorySegment.NULL, 0);
        } else if (timeoutNanos < 0) {
            result = Libc.ioUringEnterFast(fd, toSubmit, 1, IORING_ENTER_GETEVENTS, MemorySegment.NULL, 0);
        } else {
            timespec.set(JAVA_LONG, 0, timeoutNanos / 1_000_000_000L);
            timespec.set(JAVA_LONG, 8, timeoutNanos % 1_000_000_000L);
            // A timed wait usually ends by running out, which the kernel reports as a failure
            // (ETIME): with errno captured here, that costs no second enter to learn why.
            result = Libc.ioUringEnter(fd, toSubmit, 1, IORING_ENTER_GETEVENTS | IORING_ENTER_EXT_ARG, enterArg,
                    GETEVENTS_ARG.byteSize());
            if (result < 0 && result != -UringErrors.ETIME) {
                failUnlessPassing(result);
            }
            return;
        }
        if (result < 0) {
            whyEnterFailed();
        }
    }

    /**
     * The fast enter reports failure without errno. Most failures are expected (a signal, a
     * full completion queue); entering again without waiting, errno captured, tells a lasting
     * failure from those.
     */
    private void whyEnterFailed() {
        long result = Libc.ioUringEnter(fd, pending(), 0, IORING_ENTER_GETEVENTS, MemorySegment.NULL, 0);
        if (result < 0) {
            failUnlessPassing(result);
        }
    }

    /**
     * Throws for a failed enter unless the failure passes by itself: EINTR (4), EAGAIN (11)
     * and EBUSY (16) are tried again next tick.
     *
     * @param result the enter's result, {@code -errno}
     */
    private static void failUnlessPassing(long result) {
        if (result != -4 && result != -16 && result != -11) {
            throw new IllegalStateException("io_uring_enter failed: " + Libc.strerror((int) -result)
                    + " (errno " + -result + ")");
        }
    }

    private boolean completionsReady() {
        return (int) INT.getAcquire(cqRing, cqTail) != cqRing.get(JAVA_INT, cqHead);
    }

    /**
     * Hands every available completion to {@code sink}, then frees their slots in the ring.
     *
     * @param sink where completions go
     * @return how many there were
     */
    int reap(Completions sink) {
        int head = cqRing.get(JAVA_INT, cqHead);
        int tail = (int) INT.getAcquire(cqRing, cqTail);
        int count = 0;
        while (head != tail) {
            long cqe = cqes + (long) (head & cqMask) * CQE_SIZE;
            long userData = cqRing.get(JAVA_LONG, cqe + CQE_USER_DATA);
            int result = cqRing.get(JAVA_INT, cqe + CQE_RES);
            int flags = cqRing.get(JAVA_INT, cqe + CQE_RES + 4);
            head++;
            count++;
            // Free the slot before running the handler: it may submit, and a full CQ stalls that.
            INT.setRelease(cqRing, cqHead, head);
            sink.completed(userData, result, flags);
            if (head == tail) {
                tail = (int) INT.getAcquire(cqRing, cqTail);
            }
        }
        return count;
    }

    /** Whether the kernel holds completions that did not fit in the CQ ring. */
    boolean overflowed() {
        return (((int) INT.getAcquire(sqRing, sqFlags)) & IORING_SQ_CQ_OVERFLOW) != 0;
    }

    @Override
    public void close() {
        Libc.munmap(sqes);
        if (cqRing != sqRing) {
            Libc.munmap(cqRing);
        }
        Libc.munmap(sqRing);
        Libc.close(fd);
    }
}
