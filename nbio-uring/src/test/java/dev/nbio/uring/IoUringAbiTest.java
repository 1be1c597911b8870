package dev.nbio.uring;

import static dev.nbio.uring.IoUringAbi.*;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Pins the io_uring ABI the backend writes by hand against the facts of
 * {@code linux/io_uring.h} (x86_64 and aarch64 alike): the structure sizes, the named offset
 * constants against the offsets of the layouts, the opcode and flag numbers, and a round trip
 * through the kernel that only works when SQE and CQE agree with it.
 */
class IoUringAbiTest {

    private static long offset(StructLayout layout, String... path) {
        PathElement[] elements = Arrays.stream(path).map(PathElement::groupElement).toArray(PathElement[]::new);
        return layout.byteOffset(elements);
    }

    @Test
    void paramsAre120BytesWithTheRingOffsetsAt40And80() {
        assertEquals(120, PARAMS.byteSize());
        assertEquals(40, offset(PARAMS, "sq_off"));
        assertEquals(80, offset(PARAMS, "cq_off"));
        assertEquals(offset(PARAMS, "sq_off"), PARAMS_SQ_OFF);
        assertEquals(offset(PARAMS, "cq_off"), PARAMS_CQ_OFF);
        assertEquals(offset(PARAMS, "sq_entries"), PARAMS_SQ_ENTRIES);
        assertEquals(offset(PARAMS, "cq_entries"), PARAMS_CQ_ENTRIES);
        assertEquals(offset(PARAMS, "flags"), PARAMS_FLAGS);
        assertEquals(offset(PARAMS, "features"), PARAMS_FEATURES);
        // sq_entries, cq_entries, flags, sq_thread_cpu, sq_thread_idle, features, wq_fd, resv[3]
        assertEquals(24, offset(PARAMS, "wq_fd"));
        assertEquals(28, offset(PARAMS, "resv"));
    }

    @Test
    void ringOffsetStructsAre40BytesAndTheNamedOffsetsMatch() {
        assertEquals(40, SQRING_OFFSETS.byteSize());
        assertEquals(40, CQRING_OFFSETS.byteSize());
        assertEquals(offset(SQRING_OFFSETS, "head"), OFF_HEAD);
        assertEquals(offset(SQRING_OFFSETS, "tail"), OFF_TAIL);
        assertEquals(offset(SQRING_OFFSETS, "ring_mask"), OFF_RING_MASK);
        assertEquals(offset(SQRING_OFFSETS, "ring_entries"), OFF_RING_ENTRIES);
        assertEquals(offset(SQRING_OFFSETS, "flags"), SQ_OFF_FLAGS);
        assertEquals(offset(SQRING_OFFSETS, "array"), SQ_OFF_ARRAY);
        assertEquals(32, offset(SQRING_OFFSETS, "user_addr"));
        // The shared constants must hold for the completion side too.
        assertEquals(offset(CQRING_OFFSETS, "head"), OFF_HEAD);
        assertEquals(offset(CQRING_OFFSETS, "tail"), OFF_TAIL);
        assertEquals(offset(CQRING_OFFSETS, "ring_mask"), OFF_RING_MASK);
        assertEquals(offset(CQRING_OFFSETS, "ring_entries"), OFF_RING_ENTRIES);
        assertEquals(offset(CQRING_OFFSETS, "overflow"), CQ_OFF_OVERFLOW);
        assertEquals(offset(CQRING_OFFSETS, "cqes"), CQ_OFF_CQES);
        assertEquals(32, offset(CQRING_OFFSETS, "user_addr"));
        // Ring reads params at PARAMS_SQ_OFF + SQ_OFF_ARRAY and PARAMS_CQ_OFF + CQ_OFF_CQES.
        assertEquals(offset(PARAMS, "sq_off", "array"), PARAMS_SQ_OFF + SQ_OFF_ARRAY);
        assertEquals(offset(PARAMS, "sq_off", "flags"), PARAMS_SQ_OFF + SQ_OFF_FLAGS);
        assertEquals(offset(PARAMS, "cq_off", "cqes"), PARAMS_CQ_OFF + CQ_OFF_CQES);
        assertEquals(offset(PARAMS, "cq_off", "ring_mask"), PARAMS_CQ_OFF + OFF_RING_MASK);
    }

    @Test
    void sqeIs64BytesWithUserDataAt32() {
        assertEquals(64, SQE.byteSize());
        assertEquals(SQE.byteSize(), SQE_SIZE);
        assertEquals(32, offset(SQE, "user_data"));
        assertEquals(offset(SQE, "user_data"), SQE_USER_DATA);
        assertEquals(offset(SQE, "opcode"), SQE_OPCODE);
        assertEquals(offset(SQE, "flags"), SQE_FLAGS);
        assertEquals(offset(SQE, "fd"), SQE_FD);
        assertEquals(offset(SQE, "off"), SQE_OFF);
        assertEquals(offset(SQE, "addr"), SQE_ADDR);
        assertEquals(offset(SQE, "len"), SQE_LEN);
        assertEquals(offset(SQE, "op_flags"), SQE_OP_FLAGS);
        assertEquals(0, SQE_OPCODE);
        assertEquals(1, SQE_FLAGS);
        assertEquals(4, SQE_FD);
        assertEquals(8, SQE_OFF);
        assertEquals(16, SQE_ADDR);
        assertEquals(24, SQE_LEN);
        assertEquals(28, SQE_OP_FLAGS);
        assertEquals(40, offset(SQE, "buf_index"));
        assertEquals(44, offset(SQE, "file_index"));
        assertEquals(48, offset(SQE, "addr3"));
    }

    @Test
    void cqeIs16Bytes() {
        assertEquals(16, CQE.byteSize());
        assertEquals(CQE.byteSize(), CQE_SIZE);
        assertEquals(offset(CQE, "user_data"), CQE_USER_DATA);
        assertEquals(offset(CQE, "res"), CQE_RES);
        assertEquals(8, CQE_RES);
        assertEquals(12, offset(CQE, "flags"));
    }

    @Test
    void geteventsArgIs24BytesAndTimespec16() {
        assertEquals(24, GETEVENTS_ARG.byteSize());
        // Ring writes sigmask_sz at 8 and the timespec's address at 16 by number.
        assertEquals(0, offset(GETEVENTS_ARG, "sigmask"));
        assertEquals(8, offset(GETEVENTS_ARG, "sigmask_sz"));
        assertEquals(12, offset(GETEVENTS_ARG, "min_wait_usec"));
        assertEquals(16, offset(GETEVENTS_ARG, "ts"));
        assertEquals(16, TIMESPEC.byteSize());
        assertEquals(0, offset(TIMESPEC, "tv_sec"));
        assertEquals(8, offset(TIMESPEC, "tv_nsec"));
    }

    @Test
    void opcodesAreTheKernelNumbers() {
        assertEquals(0, IORING_OP_NOP);
        assertEquals(6, IORING_OP_POLL_ADD);
        assertEquals(9, IORING_OP_SENDMSG);
        assertEquals(10, IORING_OP_RECVMSG);
        assertEquals(11, IORING_OP_TIMEOUT);
        assertEquals(13, IORING_OP_ACCEPT);
        assertEquals(14, IORING_OP_ASYNC_CANCEL);
        assertEquals(16, IORING_OP_CONNECT);
        assertEquals(18, IORING_OP_OPENAT);
        assertEquals(19, IORING_OP_CLOSE);
        assertEquals(21, IORING_OP_STATX);
        assertEquals(22, IORING_OP_READ);
        assertEquals(23, IORING_OP_WRITE);
        assertEquals(26, IORING_OP_SEND);
        assertEquals(27, IORING_OP_RECV);
        assertEquals(30, IORING_OP_SPLICE);
        assertEquals(15, IORING_OP_LINK_TIMEOUT);
    }

    @Test
    void flagsAndMmapOffsetsAreTheKernelNumbers() {
        assertEquals(0L, IORING_OFF_SQ_RING);
        assertEquals(0x8000000L, IORING_OFF_CQ_RING);
        assertEquals(0x10000000L, IORING_OFF_SQES);
        assertEquals(8, IORING_SETUP_CQSIZE);
        assertEquals(16, IORING_SETUP_CLAMP);
        assertEquals(128, IORING_SETUP_SUBMIT_ALL);
        assertEquals(256, IORING_SETUP_COOP_TASKRUN);
        assertEquals(4096, IORING_SETUP_SINGLE_ISSUER);
        assertEquals(8192, IORING_SETUP_DEFER_TASKRUN);
        assertEquals(1, IORING_FEAT_SINGLE_MMAP);
        assertEquals(2, IORING_FEAT_NODROP);
        assertEquals(256, IORING_FEAT_EXT_ARG);
        assertEquals(1, IORING_ENTER_GETEVENTS);
        assertEquals(8, IORING_ENTER_EXT_ARG);
        assertEquals(2, IORING_SQ_CQ_OVERFLOW);
        assertEquals(4, IOSQE_IO_LINK);
        assertEquals(8, IOSQE_IO_HARDLINK);
        assertEquals(1, IORING_ASYNC_CANCEL_ALL);
        assertEquals(2, IORING_ASYNC_CANCEL_FD);
        assertEquals(8, IORING_REGISTER_PROBE);
    }

    @Test
    void handWrittenCLayoutsMatchLp64() {
        StructLayout msghdr = MemoryLayout.structLayout(
                ADDRESS.withName("msg_name"), JAVA_INT.withName("msg_namelen"), MemoryLayout.paddingLayout(4),
                ADDRESS.withName("msg_iov"), JAVA_LONG.withName("msg_iovlen"), ADDRESS.withName("msg_control"),
                JAVA_LONG.withName("msg_controllen"), JAVA_INT.withName("msg_flags"), MemoryLayout.paddingLayout(4));
        assertEquals(msghdr.byteSize(), MSGHDR_SIZE);
        assertEquals(offset(msghdr, "msg_name"), MSGHDR_NAME);
        assertEquals(offset(msghdr, "msg_namelen"), MSGHDR_NAMELEN);
        assertEquals(offset(msghdr, "msg_iov"), MSGHDR_IOV);
        assertEquals(offset(msghdr, "msg_iovlen"), MSGHDR_IOVLEN);
        assertEquals(offset(msghdr, "msg_flags"), MSGHDR_FLAGS);
        StructLayout iovec = MemoryLayout.structLayout(ADDRESS.withName("iov_base"), JAVA_LONG.withName("iov_len"));
        assertEquals(iovec.byteSize(), IOVEC_SIZE);
        // struct statx: mask, blksize, attributes, nlink, uid, gid, mode, spare, ino, size, ...
        StructLayout statxHead = MemoryLayout.structLayout(
                JAVA_INT.withName("stx_mask"), JAVA_INT.withName("stx_blksize"), JAVA_LONG.withName("stx_attributes"),
                JAVA_INT.withName("stx_nlink"), JAVA_INT.withName("stx_uid"), JAVA_INT.withName("stx_gid"),
                JAVA_SHORT.withName("stx_mode"), JAVA_SHORT.withName("spare0"), JAVA_LONG.withName("stx_ino"),
                JAVA_LONG.withName("stx_size"));
        assertEquals(offset(statxHead, "stx_mode"), STATX_MODE_OFFSET);
        assertEquals(offset(statxHead, "stx_size"), STATX_SIZE_OFFSET);
        assertEquals(256, STATX_SIZE_BYTES);
    }

    /**
     * A NOP goes through the kernel with a full 64-bit user_data and comes back with it and
     * result 0: only true when the SQE, the CQE, the ring offsets and the mapping agree with
     * the kernel. 40 NOPs through an 8-entry ring also wrap the submission queue.
     */
    @Test
    void nopsCarryTheirUserDataThroughTheKernel() {
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
            try (Arena arena = Arena.ofConfined()) {
                Ring ring = Ring.open(8, SetupFlags.candidates(), arena);
                try {
                    List<Long> expected = new ArrayList<>();
                    for (int i = 0; i < 20; i++) {
                        long userData = 0x7ead_beef_0000_0000L | ((long) i << 16) | i;
                        expected.add(userData);
                        long sqe = ring.nextSqe();
                        ring.prepare(sqe, IORING_OP_NOP, -1, 0, 0, 0, userData);
                    }
                    List<Long> seen = new ArrayList<>();
                    List<Integer> results = new ArrayList<>();
                    while (seen.size() < expected.size()) {
                        ring.submitAndWait(-1);
                        ring.reap((userData, result, flags) -> {
                            seen.add(userData);
                            results.add(result);
                        });
                    }
                    assertEquals(expected, seen, "NOP completions in submission order, user_data intact");
                    assertTrue(results.stream().allMatch(r -> r == 0), () -> "NOP results: " + results);
                } finally {
                    ring.close();
                }
            }
        });
    }

    /** A timed wait with nothing to complete ends after about its timeout: the timespec layout is right. */
    @Test
    void aTimedWaitEndsAfterItsTimeout() {
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
            try (Arena arena = Arena.ofConfined()) {
                Ring ring = Ring.open(8, SetupFlags.candidates(), arena);
                try {
                    long start = System.nanoTime();
                    ring.submitAndWait(Duration.ofMillis(30).toNanos());
                    long elapsed = System.nanoTime() - start;
                    assertTrue(elapsed >= Duration.ofMillis(25).toNanos(), "woke after " + elapsed + " ns");
                    assertTrue(elapsed < Duration.ofSeconds(1).toNanos(), "slept " + elapsed + " ns for 30 ms");
                    assertEquals(0, ring.reap((userData, result, flags) -> { }));
                } finally {
                    ring.close();
                }
            }
        });
    }

    /** The kernel fills the params with what the backend relies on. */
    @Test
    void theKernelReportsTheFeaturesTheBackendUses() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment params = arena.allocate(PARAMS);
            params.set(JAVA_INT, PARAMS_FLAGS, IORING_SETUP_CQSIZE | IORING_SETUP_CLAMP);
            params.set(JAVA_INT, PARAMS_CQ_ENTRIES, 32);
            long fd = Libc.ioUringSetup(8, params);
            assertTrue(fd >= 0, () -> "io_uring_setup: " + Libc.strerror((int) -fd));
            try {
                assertEquals(8, params.get(JAVA_INT, PARAMS_SQ_ENTRIES));
                assertEquals(32, params.get(JAVA_INT, PARAMS_CQ_ENTRIES));
                int features = params.get(JAVA_INT, PARAMS_FEATURES);
                // EXT_ARG: every timed wait; NODROP: no completion lost to a full CQ; SINGLE_MMAP: one mapping.
                assertTrue((features & IORING_FEAT_EXT_ARG) != 0, "no IORING_FEAT_EXT_ARG");
                assertTrue((features & IORING_FEAT_NODROP) != 0, "no IORING_FEAT_NODROP");
                assertTrue((features & IORING_FEAT_SINGLE_MMAP) != 0, "no IORING_FEAT_SINGLE_MMAP");
                int sqArray = params.get(JAVA_INT, PARAMS_SQ_OFF + SQ_OFF_ARRAY);
                int cqes = params.get(JAVA_INT, PARAMS_CQ_OFF + CQ_OFF_CQES);
                assertTrue(sqArray > params.get(JAVA_INT, PARAMS_SQ_OFF + OFF_TAIL), "sq array after the tail");
                assertTrue(cqes > params.get(JAVA_INT, PARAMS_CQ_OFF + OFF_TAIL), "cqes after the tail");
            } finally {
                Libc.close((int) fd);
            }
        }
    }
}
