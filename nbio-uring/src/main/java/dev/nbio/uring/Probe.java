package dev.nbio.uring;

import static dev.nbio.uring.IoUringAbi.*;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * What a kernel's io_uring can do: the operations it supports ({@code IORING_REGISTER_PROBE})
 * and the feature and setup flags a ring reported, in words for diagnostics.
 */
record Probe(boolean[] supported, int features, int setupFlags) {
    private static final int MAX_OPS = 256;

    /** The operations this backend uses, with the kernel release that added each. */
    private static final Object[][] NEEDED = {
            {IORING_OP_POLL_ADD, "POLL_ADD"}, {IORING_OP_SENDMSG, "SENDMSG"}, {IORING_OP_RECVMSG, "RECVMSG"},
            {IORING_OP_TIMEOUT, "TIMEOUT"}, {IORING_OP_ACCEPT, "ACCEPT"}, {IORING_OP_ASYNC_CANCEL, "ASYNC_CANCEL"},
            {IORING_OP_LINK_TIMEOUT, "LINK_TIMEOUT"}, {IORING_OP_CONNECT, "CONNECT"}, {IORING_OP_OPENAT, "OPENAT"},
            {IORING_OP_CLOSE, "CLOSE"}, {IORING_OP_STATX, "STATX"}, {IORING_OP_READ, "READ"},
            {IORING_OP_WRITE, "WRITE"}, {IORING_OP_SPLICE, "SPLICE"}, {IORING_OP_SEND, "SEND"},
            {IORING_OP_RECV, "RECV"},
    };

    /** Asks the kernel behind {@code ring} what it supports. */
    static Probe of(Ring ring) {
        boolean[] supported = new boolean[MAX_OPS];
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment probe = arena.allocate(PROBE_HEADER + (long) MAX_OPS * PROBE_OP_SIZE, 8);
            long result = Libc.ioUringRegister(ring.fd, IORING_REGISTER_PROBE, probe, MAX_OPS);
            if (result >= 0) {
                int count = Byte.toUnsignedInt(probe.get(JAVA_BYTE, 1));
                for (int i = 0; i < count && i < MAX_OPS; i++) {
                    long entry = PROBE_HEADER + (long) i * PROBE_OP_SIZE;
                    int op = Byte.toUnsignedInt(probe.get(JAVA_BYTE, entry));
                    int flags = Short.toUnsignedInt(probe.get(JAVA_SHORT, entry + 2));
                    supported[op] = (flags & IO_URING_OP_SUPPORTED) != 0;
                }
            }
        }
        return new Probe(supported, ring.features, ring.setupFlags);
    }

    /** The operations this backend needs that the kernel lacks; empty when all are there. */
    List<String> missing() {
        List<String> missing = new ArrayList<>();
        for (Object[] needed : NEEDED) {
            if (!supported[(byte) needed[0]]) {
                missing.add((String) needed[1]);
            }
        }
        return missing;
    }

    /** One line each: setup flags in use, kernel features, operations. */
    List<String> describe() {
        List<String> lines = new ArrayList<>();
        lines.add("setup flags: " + names(setupFlags, new String[] {
                null, null, null, null, null, null, null, "SUBMIT_ALL", "COOP_TASKRUN", null, null, null,
                "SINGLE_ISSUER", "DEFER_TASKRUN"}, "none"));
        lines.add("kernel features: " + names(features, new String[] {
                "SINGLE_MMAP", "NODROP", "SUBMIT_STABLE", "RW_CUR_POS", "CUR_PERSONALITY", "FAST_POLL",
                "POLL_32BITS", "SQPOLL_NONFIXED", "EXT_ARG", "NATIVE_WORKERS", "RSRC_TAGS", "CQE_SKIP",
                "LINKED_FILE", "REG_REG_RING", "RECVSEND_BUNDLE", "MIN_TIMEOUT", "RW_ATTR"}, "none"));
        int count = 0;
        for (boolean op : supported) {
            count += op ? 1 : 0;
        }
        lines.add("operations supported: " + count + (missing().isEmpty() ? ", all that nbio uses"
                : ", missing " + String.join(", ", missing())));
        return lines;
    }

    private static String names(int bits, String[] names, String none) {
        StringBuilder text = new StringBuilder();
        for (int bit = 0; bit < names.length; bit++) {
            if ((bits & (1 << bit)) != 0 && names[bit] != null) {
                text.append(text.isEmpty() ? "" : " ").append(names[bit]);
            }
        }
        return text.isEmpty() ? none : text.toString();
    }
}
