package dev.nbio.uring;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;

/**
 * The io_uring kernel ABI as in {@code linux/io_uring.h}: opcodes, flags and the layouts of
 * the structures shared with the kernel. Offsets are the kernel's; {@code IoUringAbiTest}
 * pins the layout sizes.
 */
final class IoUringAbi {
    private IoUringAbi() {
    }

    // ---- io_uring_params and the ring offsets inside it --------------------------------------

    /** {@code struct io_sqring_offsets}. */
    static final StructLayout SQRING_OFFSETS = MemoryLayout.structLayout(
            JAVA_INT.withName("head"), JAVA_INT.withName("tail"), JAVA_INT.withName("ring_mask"),
            JAVA_INT.withName("ring_entries"), JAVA_INT.withName("flags"), JAVA_INT.withName("dropped"),
            JAVA_INT.withName("array"), JAVA_INT.withName("resv1"), JAVA_LONG.withName("user_addr"));
    /** {@code struct io_cqring_offsets}. */
    static final StructLayout CQRING_OFFSETS = MemoryLayout.structLayout(
            JAVA_INT.withName("head"), JAVA_INT.withName("tail"), JAVA_INT.withName("ring_mask"),
            JAVA_INT.withName("ring_entries"), JAVA_INT.withName("overflow"), JAVA_INT.withName("cqes"),
            JAVA_INT.withName("flags"), JAVA_INT.withName("resv1"), JAVA_LONG.withName("user_addr"));
    /** {@code struct io_uring_params}. */
    static final StructLayout PARAMS = MemoryLayout.structLayout(
            JAVA_INT.withName("sq_entries"), JAVA_INT.withName("cq_entries"), JAVA_INT.withName("flags"),
            JAVA_INT.withName("sq_thread_cpu"), JAVA_INT.withName("sq_thread_idle"), JAVA_INT.withName("features"),
            JAVA_INT.withName("wq_fd"), MemoryLayout.sequenceLayout(3, JAVA_INT).withName("resv"),
            SQRING_OFFSETS.withName("sq_off"), CQRING_OFFSETS.withName("cq_off"));

    static final long PARAMS_SQ_ENTRIES = 0;
    static final long PARAMS_CQ_ENTRIES = 4;
    static final long PARAMS_FLAGS = 8;
    static final long PARAMS_FEATURES = 20;
    static final long PARAMS_SQ_OFF = 40;
    static final long PARAMS_CQ_OFF = 80;
    /** Offsets inside io_sqring_offsets / io_cqring_offsets. */
    static final long OFF_HEAD = 0;
    static final long OFF_TAIL = 4;
    static final long OFF_RING_MASK = 8;
    static final long OFF_RING_ENTRIES = 12;
    static final long SQ_OFF_FLAGS = 16;
    static final long SQ_OFF_ARRAY = 24;
    static final long CQ_OFF_OVERFLOW = 16;
    static final long CQ_OFF_CQES = 20;

    // ---- submission and completion queue entries -----------------------------------------------

    /** {@code struct io_uring_sqe}, 64 bytes. */
    static final StructLayout SQE = MemoryLayout.structLayout(
            JAVA_BYTE.withName("opcode"), JAVA_BYTE.withName("flags"), JAVA_SHORT.withName("ioprio"),
            JAVA_INT.withName("fd"), JAVA_LONG.withName("off"), JAVA_LONG.withName("addr"), JAVA_INT.withName("len"),
            JAVA_INT.withName("op_flags"), JAVA_LONG.withName("user_data"), JAVA_SHORT.withName("buf_index"),
            JAVA_SHORT.withName("personality"), JAVA_INT.withName("file_index"), JAVA_LONG.withName("addr3"),
            JAVA_LONG.withName("pad2"));
    static final long SQE_SIZE = 64;
    static final long SQE_OPCODE = 0;
    static final long SQE_FLAGS = 1;
    static final long SQE_FD = 4;
    static final long SQE_OFF = 8;
    static final long SQE_ADDR = 16;
    static final long SQE_LEN = 24;
    static final long SQE_OP_FLAGS = 28;
    static final long SQE_USER_DATA = 32;

    /** {@code struct io_uring_cqe}, 16 bytes. */
    static final StructLayout CQE = MemoryLayout.structLayout(
            JAVA_LONG.withName("user_data"), JAVA_INT.withName("res"), JAVA_INT.withName("flags"));
    static final long CQE_SIZE = 16;
    static final long CQE_USER_DATA = 0;
    static final long CQE_RES = 8;

    /** {@code struct io_uring_getevents_arg}, for {@code IORING_ENTER_EXT_ARG}. */
    static final StructLayout GETEVENTS_ARG = MemoryLayout.structLayout(
            JAVA_LONG.withName("sigmask"), JAVA_INT.withName("sigmask_sz"), JAVA_INT.withName("min_wait_usec"),
            JAVA_LONG.withName("ts"));
    /** {@code struct __kernel_timespec}. */
    static final StructLayout TIMESPEC = MemoryLayout.structLayout(
            JAVA_LONG.withName("tv_sec"), JAVA_LONG.withName("tv_nsec"));

    // ---- mmap offsets, setup, enter and feature flags --------------------------------------------

    static final long IORING_OFF_SQ_RING = 0L;
    static final long IORING_OFF_CQ_RING = 0x8000000L;
    static final long IORING_OFF_SQES = 0x10000000L;

    static final int IORING_SETUP_CQSIZE = 1 << 3;
    static final int IORING_SETUP_CLAMP = 1 << 4;
    static final int IORING_SETUP_SUBMIT_ALL = 1 << 7;
    static final int IORING_SETUP_COOP_TASKRUN = 1 << 8;
    static final int IORING_SETUP_SINGLE_ISSUER = 1 << 12;
    static final int IORING_SETUP_DEFER_TASKRUN = 1 << 13;

    static final int IORING_FEAT_SINGLE_MMAP = 1;
    static final int IORING_FEAT_NODROP = 1 << 1;
    static final int IORING_FEAT_EXT_ARG = 1 << 8;

    static final int IORING_ENTER_GETEVENTS = 1;
    static final int IORING_ENTER_EXT_ARG = 1 << 3;

    static final int IORING_SQ_CQ_OVERFLOW = 1 << 1;

    // ---- opcodes and their flags --------------------------------------------------------------------

    static final byte IORING_OP_NOP = 0;
    static final byte IORING_OP_POLL_ADD = 6;
    static final byte IORING_OP_SENDMSG = 9;
    static final byte IORING_OP_RECVMSG = 10;
    static final byte IORING_OP_TIMEOUT = 11;
    static final byte IORING_OP_LINK_TIMEOUT = 15;
    static final byte IORING_OP_ACCEPT = 13;
    static final byte IORING_OP_ASYNC_CANCEL = 14;
    static final byte IORING_OP_CONNECT = 16;
    static final byte IORING_OP_OPENAT = 18;
    static final byte IORING_OP_CLOSE = 19;
    static final byte IORING_OP_STATX = 21;
    static final byte IORING_OP_READ = 22;
    static final byte IORING_OP_WRITE = 23;
    static final byte IORING_OP_SEND = 26;
    static final byte IORING_OP_RECV = 27;
    static final byte IORING_OP_SPLICE = 30;
    /** The SQE's splice_fd_in (s32). */
    static final long SQE_SPLICE_FD_IN = 44;

    static final byte IOSQE_IO_LINK = 1 << 2;
    static final byte IOSQE_BUFFER_SELECT = 1 << 5;
    /** The SQE's buf_group (u16), for IOSQE_BUFFER_SELECT. */
    static final long SQE_BUF_GROUP = 40;
    static final byte IOSQE_IO_HARDLINK = 1 << 3;

    /** In the SQE's ioprio for ACCEPT: keep accepting, one CQE per connection. */
    static final short IORING_ACCEPT_MULTISHOT = 1;
    static final long SQE_IOPRIO = 2;
    /** CQE flag: the request stays armed and more CQEs follow. */
    static final int IORING_CQE_F_MORE = 1 << 1;
    /** {@code IORING_OP_POLL_ADD}'s {@code len}: stay armed and post a completion per event (5.13). */
    static final int IORING_POLL_ADD_MULTI = 1;
    /** CQE flag: a provided buffer was used; its id is in the upper 16 bits of the flags. */
    static final int IORING_CQE_F_BUFFER = 1;

    /** In timeout_flags: the timespec is an absolute time (on CLOCK_MONOTONIC). */
    static final int IORING_TIMEOUT_ABS = 1;

    static final int IORING_ASYNC_CANCEL_ALL = 1;
    static final int IORING_ASYNC_CANCEL_FD = 1 << 1;

    static final int IORING_REGISTER_PROBE = 8;
    /** {@code struct io_uring_probe} header (16 bytes) then {@code struct io_uring_probe_op} (8 bytes each). */
    static final int PROBE_HEADER = 16;
    static final int PROBE_OP_SIZE = 8;
    static final int IO_URING_OP_SUPPORTED = 1;

    // ---- the rest of the C world ---------------------------------------------------------------

    static final int PROT_READ = 1;
    static final int PROT_WRITE = 2;
    static final int MAP_SHARED = 1;
    static final int MAP_POPULATE = 0x8000;

    static final int AT_FDCWD = -100;
    static final int AT_EMPTY_PATH = 0x1000;
    static final int STATX_TYPE = 1;
    static final int STATX_SIZE = 0x200;
    static final long STATX_SIZE_BYTES = 256;
    static final long STATX_MODE_OFFSET = 28;
    static final long STATX_SIZE_OFFSET = 40;
    static final int S_IFMT = 0170000;
    static final int S_IFREG = 0100000;
    static final int S_IFDIR = 0040000;
    static final int S_IFLNK = 0120000;

    static final int O_RDONLY = 0;
    static final int O_WRONLY = 1;
    static final int O_RDWR = 2;
    static final int O_CREAT = 0100;
    static final int O_EXCL = 0200;
    static final int O_TRUNC = 01000;
    static final int O_APPEND = 02000;
    static final int O_NONBLOCK = 04000;
    static final int O_SYNC = 04010000;
    static final int O_CLOEXEC = 02000000;

    static final int AF_INET = 2;
    static final int AF_INET6 = 10;
    static final int SOCK_STREAM = 1;
    static final int SOCK_DGRAM = 2;
    static final int SOCK_NONBLOCK = O_NONBLOCK;
    static final int SOCK_CLOEXEC = O_CLOEXEC;
    static final int SHUT_RDWR = 2;
    static final int MSG_TRUNC = 0x20;
    static final int MSG_NOSIGNAL = 0x4000;

    static final int POLLIN = 1;
    static final int POLLOUT = 4;

    static final int EFD_CLOEXEC = O_CLOEXEC;
    static final int EFD_NONBLOCK = O_NONBLOCK;

    /** {@code struct msghdr} on LP64: name, namelen, iov, iovlen, control, controllen, flags. */
    static final long MSGHDR_SIZE = 56;
    static final long MSGHDR_NAME = 0;
    static final long MSGHDR_NAMELEN = 8;
    static final long MSGHDR_IOV = 16;
    static final long MSGHDR_IOVLEN = 24;
    static final long MSGHDR_FLAGS = 48;
    /** {@code struct iovec} on LP64. */
    static final long IOVEC_SIZE = 16;
    /** {@code struct sockaddr_storage}. */
    static final long SOCKADDR_STORAGE_SIZE = 128;
}
