package dev.nbio.uring;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * The libc functions and raw system calls the backend needs, bound once through the FFM
 * linker. Every call returns what the C call returns, except that a failure returns
 * {@code -errno} (as the kernel does in io_uring completions), so callers handle both the
 * same way. {@code errno} is captured by the linker, per calling thread.
 */
@SuppressWarnings("restricted") // binding native functions is what this class is for
final class Libc {
    /** System call numbers, the same on x86_64 and aarch64 (the generic table). */
    static final long SYS_IO_URING_SETUP = 425;
    static final long SYS_IO_URING_ENTER = 426;
    static final long SYS_IO_URING_REGISTER = 427;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CAPTURE_LAYOUT = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE_LAYOUT.varHandle(PathElement.groupElement("errno"));
    private static final ThreadLocal<MemorySegment> CAPTURE =
            ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(CAPTURE_LAYOUT));

    private static final MethodHandle SYSCALL3 = variadic("syscall", 1,
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, ADDRESS));
    private static final MethodHandle SYSCALL5 = variadic("syscall", 1,
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, ADDRESS, JAVA_LONG));
    private static final MethodHandle SYSCALL7 = variadic("syscall", 1,
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, ADDRESS, JAVA_LONG));
    /** io_uring_enter without errno capture: capturing state costs an object per call. */
    private static final MethodHandle SYSCALL7_PLAIN = LINKER.downcallHandle(
            LINKER.defaultLookup().find("syscall").orElseThrow(),
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, ADDRESS, JAVA_LONG),
            Linker.Option.firstVariadicArg(1));
    private static final MethodHandle MMAP = function("mmap",
            FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG));
    private static final MethodHandle MUNMAP = function("munmap", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle CLOSE = function("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle SOCKET = function("socket",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle BIND = function("bind",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle LISTEN = function("listen", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle GETSOCKNAME = function("getsockname",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle GETPEERNAME = function("getpeername",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle SETSOCKOPT = function("setsockopt",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle GETSOCKOPT = function("getsockopt",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle SHUTDOWN = function("shutdown", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle EVENTFD = function("eventfd", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle WRITE = function("write",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle CLOCK_GETTIME = function("clock_gettime",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
    private static final MethodHandle FCNTL = variadic("fcntl", 2,
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle PIPE2 = function("pipe2", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle OPENAT = variadic("openat", 3,
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
    private static final MethodHandle STRERROR = LINKER.downcallHandle(
            LINKER.defaultLookup().find("strerror").orElseThrow(),
            FunctionDescriptor.of(ADDRESS, JAVA_INT));

    private Libc() {
    }

    private static MethodHandle function(String name, FunctionDescriptor descriptor) {
        return LINKER.downcallHandle(LINKER.defaultLookup().find(name).orElseThrow(
                () -> new UnsatisfiedLinkError("libc has no " + name)), descriptor,
                Linker.Option.captureCallState("errno"));
    }

    private static MethodHandle variadic(String name, int firstVariadic, FunctionDescriptor descriptor) {
        return LINKER.downcallHandle(LINKER.defaultLookup().find(name).orElseThrow(
                () -> new UnsatisfiedLinkError("libc has no " + name)), descriptor,
                Linker.Option.captureCallState("errno"), Linker.Option.firstVariadicArg(firstVariadic));
    }

    private static long result(long value, MemorySegment capture) {
        return value < 0 ? -(int) ERRNO.get(capture, 0L) : value;
    }

    private static RuntimeException fatal(Throwable t) {
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException("native call failed", t);
    }

    static long ioUringSetup(int entries, MemorySegment params) {
        MemorySegment capture = CAPTURE.get();
        try {
            return result((long) SYSCALL3.invokeExact(capture, SYS_IO_URING_SETUP, (long) entries, params), capture);
        } catch (Throwable t) {
            throw fatal(t);
        }
    }

    static long ioUringEnter(int fd, int toSubmit, int minComplete, int flags, MemorySegment arg, long argSize) {
        MemorySegment capture = CAPTURE.get();
        try {
            return result((long) SYSCALL7.invokeExact(capture, SYS_IO_URING_ENTER, (long) fd, (long) toSubmit,
                    (long) minComplete, (long) flags, arg, argSize), capture);
        } catch (Throwable t) {
            throw fatal(t);
        }
    }

    /**
     * io_uring_enter on the hot path: no errno, just -1 on failure. The caller finds out why
     * with {@link #ioUringEnter}, which captures errno, only when it failed.
     */
    static long ioUringEnterFast(int fd, int toSubmit, int minComplete, int flags, MemorySegment arg, long argSize) {
        try {
            return (long) SYSCALL7_PLAIN.invokeExact(SYS_IO_URING_ENTER, (long) fd, (long) toSubmit, (long) minComplete,
                    (long) flags, arg, argSize);
        } catch (Throwable t) {
            throw fatal(t);
        }
    }

    static long ioUringRegister(int fd, int opcode, MemorySegment arg, int count) {
        MemorySegment capture = CAPTURE.get();
        try {
            return result((long) SYSCALL5.invokeExact(capture, SYS_IO_URING_REGISTER, (long) fd, (long) opcode, arg,
                    (long) count), capture);
        } catch (Throwable t) {
            throw fatal(t);
        }
    }

    /** Maps shared memory; returns the mapping, or a segment whose address is -errno on failure. */
    static MemorySegment mmap(long length, int prot, int flags, int fd, long offset) {
        MemorySegment capture = CAPTURE.get();
        try {
            MemorySegment address = (MemorySegment) MMAP.invokeExact(capture, MemorySegment.NULL, length, prot, flags,
                    fd, offset);
            if (address.address() == -1L) {
                return MemorySegment.ofAddress(-(long) (int) ERRNO.get(capture, 0L));
            }
            return address.reinterpret(length);
        } catch (Throwable t) {
            throw fatal(t);
        }
    }

    static int munmap(MemorySegment mapping) {
        MemorySegment capture = CAPTURE.get();
        try {
            return (int) result((int) MUNMAP.invokeExact(capture, mapping, mapping.byteSize()), capture);
        } catch (Throwable t) {
            throw fatal(t);
        }
    }

    static int close(int fd) {
        MemorySegment capture = CAPTURE.get();
        try {
            return (int) result((int) CLOSE.invokeExact(capture, fd), capture);
        } catch (Throwable t) {
            throw fatal(t);
        }
    }

    static int socket(int domain, int type, int protocol) {
        MemorySegment capture = CAPTURE.get();
        try {
            return (int) result((int) SOCKET.invokeExact(capture, domain, type, protocol), capture);
        } catch (Throwable t) {
            throw fatal(t);
        }
    }

    static int bind(int fd, MemorySegment address, int length) {
        MemorySegment capture = CAPTURE.get();
        try {
            return (int) result((int) BIND.invokeExact(capture, fd, address, length), capture);
        } catch (Throwable t) {
            throw fatal(t);
        }
    }

    static int listen(int fd, int backlog) {
        MemorySegment capture = CAPTURE.get();
        try {
            return (int) result((int) LISTEN.invokeExact(capture, fd, backlog), capture);
        } catch (Throwable t) {
            throw fatal(t);
        }
    }

    static int getsockname(int fd, MemorySegment address, MemorySegment length) {
        MemorySegment capture = CAPTURE.get();
        try {
            return (int) result((int) GETSOCKNAME.invokeExact(capture, fd, address, length), capture);
        } catch (Throwable t) {
            throw fatal(t);
        }
    }

    static int getpeername(int fd, MemorySegment address, MemorySegment length) {
        MemorySegment capture = CAPTURE.get();
        try {
            return (int) result((int) GETPEERNAME.invokeExact(capture, fd, address, length), capture);
        } catch (Throwable t) {
            throw fatal(t);
        }
    }

    static int setsockopt(int fd, int level, int name, MemorySegment value, int length) {
        MemorySegment capture = CAPTURE.get();
        try {
            return (int) result((int) SETSOCKOPT.invokeExact(capture, fd, level, name, value, length), capture);
        } catch (Throwable t) {
            throw fatal(t);
        }
    }

    static int getsockopt(int fd, int level, int name, MemorySegment value, MemorySegment length) {
        MemorySegment capture = CAPTURE.get();
        try {
            return (int) result((int) GETSOCKOPT.invokeExact(capture, fd, level, name, value, length), capture);
        } catch (Throwable t) {
            throw fatal(t);
        }
    }

    static int shutdown(int fd, int how) {
        MemorySegment capture = CAPTURE.get();
        try {
            return (int) result((int) SHUTDOWN.invokeExact(capture, fd, how), capture);
        } catch (Throwable t) {
            throw fatal(t);
        }
    }

    static int eventfd(int initial, int flags) {
        MemorySegment capture = CAPTURE.get();
        try {
            return (int) result((int) EVENTFD.invokeExact(capture, initial, flags), capture);
        } catch (Throwable t) {
            throw fatal(t);
        }
    }

    static long write(int fd, MemorySegment buffer, long length) {
        MemorySegment capture = CAPTURE.get();
        try {
            return result((long) WRITE.invokeExact(capture, fd, buffer, length), capture);
        } catch (Throwable t) {
            throw fatal(t);
        }
    }


    /** {@code clock_gettime(clock, timespec)}. */
    static int clockGettime(int clock, MemorySegment timespec) {
        MemorySegment capture = CAPTURE.get();
        try {
            return (int) result((int) CLOCK_GETTIME.invokeExact(capture, clock, timespec), capture);
        } catch (Throwable t) {
            throw fatal(t);
        }
    }

    /** {@code fcntl(fd, command, argument)} with an int argument. */
    static int fcntl(int fd, int command, int argument) {
        MemorySegment capture = CAPTURE.get();
        try {
            return (int) result((int) FCNTL.invokeExact(capture, fd, command, argument), capture);
        } catch (Throwable t) {
            throw fatal(t);
        }
    }

    /** {@code pipe2(fds, flags)}: the read end in {@code fds[0]}, the write end in {@code fds[1]}. */
    static int pipe2(MemorySegment fds, int flags) {
        MemorySegment capture = CAPTURE.get();
        try {
            return (int) result((int) PIPE2.invokeExact(capture, fds, flags), capture);
        } catch (Throwable t) {
            throw fatal(t);
        }
    }

    static int openat(int directory, MemorySegment path, int flags, int mode) {
        MemorySegment capture = CAPTURE.get();
        try {
            return (int) result((int) OPENAT.invokeExact(capture, directory, path, flags, mode), capture);
        } catch (Throwable t) {
            throw fatal(t);
        }
    }

    /**
     * The C library's description of an error number, e.g. "Connection refused".
     *
     * @param errno a positive error number
     * @return its message
     */
    static String strerror(int errno) {
        try {
            MemorySegment message = (MemorySegment) STRERROR.invokeExact(errno);
            return message.reinterpret(256).getString(0);
        } catch (Throwable t) {
            throw fatal(t);
        }
    }
}
