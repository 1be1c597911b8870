package dev.nbio.uring;

import dev.nbio.spi.Failure;
import dev.nbio.spi.OperationRecord;
import java.io.IOException;

/** Maps Linux error numbers to the API's failures, keeping the number and its message. */
final class UringErrors {
    static final int EPERM = 1;
    static final int ENOENT = 2;
    static final int EINTR = 4;
    static final int EBADF = 9;
    static final int EAGAIN = 11;
    static final int ENOMEM = 12;
    static final int EACCES = 13;
    static final int EEXIST = 17;
    static final int ENOTDIR = 20;
    static final int EISDIR = 21;
    static final int EINVAL = 22;
    static final int ENFILE = 23;
    static final int EMFILE = 24;
    static final int ENOSPC = 28;
    static final int EROFS = 30;
    static final int EPIPE = 32;
    static final int ENOSYS = 38;
    static final int ETIME = 62;
    static final int EMSGSIZE = 90;
    static final int EOPNOTSUPP = 95;
    static final int EADDRINUSE = 98;
    static final int EADDRNOTAVAIL = 99;
    static final int ENETUNREACH = 101;
    static final int ECONNABORTED = 103;
    static final int ECONNRESET = 104;
    static final int ENOBUFS = 105;
    static final int ENOTCONN = 107;
    static final int ETIMEDOUT = 110;
    static final int ECONNREFUSED = 111;
    static final int EHOSTUNREACH = 113;
    static final int EDQUOT = 122;
    static final int ECANCELED = 125;

    private UringErrors() {
    }

    static Failure failure(int errno) {
        return switch (errno) {
            case ECONNREFUSED -> Failure.CONNECTION_REFUSED;
            case ECONNRESET, EPIPE -> Failure.CONNECTION_RESET;
            case ECONNABORTED -> Failure.CONNECTION_ABORTED;
            case ENOTCONN -> Failure.NOT_CONNECTED;
            case EBADF -> Failure.CLOSED;
            case ENETUNREACH -> Failure.NETWORK_UNREACHABLE;
            case EHOSTUNREACH -> Failure.HOST_UNREACHABLE;
            case EADDRINUSE -> Failure.ADDRESS_IN_USE;
            case EADDRNOTAVAIL -> Failure.ADDRESS_NOT_AVAILABLE;
            case EMSGSIZE -> Failure.MESSAGE_TOO_LONG;
            case ENOENT -> Failure.NOT_FOUND;
            case EACCES, EPERM, EROFS -> Failure.PERMISSION_DENIED;
            case EEXIST -> Failure.ALREADY_EXISTS;
            case EISDIR -> Failure.IS_DIRECTORY;
            case ENOTDIR -> Failure.NOT_DIRECTORY;
            case ENOSPC, EDQUOT -> Failure.NO_SPACE;
            case EMFILE, ENFILE, ENOMEM, ENOBUFS -> Failure.INSUFFICIENT_RESOURCES;
            case EINVAL -> Failure.INVALID_ARGUMENT;
            case EOPNOTSUPP, ENOSYS -> Failure.UNSUPPORTED;
            case ETIMEDOUT -> Failure.TIMEOUT;
            default -> Failure.UNEXPECTED;
        };
    }

    /** Records a failure on an operation, with the errno and an exception that names the call. */
    static void fail(OperationRecord op, int errno, String call) {
        op.fail(failure(errno), errno, new IOException(call + ": " + Libc.strerror(errno) + " (errno " + errno + ")"));
    }

    /** An exception for a failed synchronous call. */
    static IOException exception(String call, long negativeErrno) {
        int errno = (int) -negativeErrno;
        return new IOException(call + " failed: " + Libc.strerror(errno) + " (errno " + errno + ")");
    }
}
