package dev.nbio.spi;

/**
 * The backend-neutral vocabulary of failures. A backend names the failure of an operation
 * with one of these (mapping errno values or JDK exceptions); the loop core turns it into
 * the operation kind's own error enum, where a failure without a constant of its own there
 * becomes {@code UNEXPECTED}.
 */
public enum Failure {
    /** The operation's deadline passed. */
    TIMEOUT,
    /** End of file before the request was satisfied. */
    EOF,
    /** ECONNREFUSED. */
    CONNECTION_REFUSED,
    /** ECONNRESET, EPIPE. */
    CONNECTION_RESET,
    /** ECONNABORTED. */
    CONNECTION_ABORTED,
    /** ENOTCONN. */
    NOT_CONNECTED,
    /** EBADF or a closed channel. */
    CLOSED,
    /** ENETUNREACH. */
    NETWORK_UNREACHABLE,
    /** EHOSTUNREACH. */
    HOST_UNREACHABLE,
    /** EADDRINUSE. */
    ADDRESS_IN_USE,
    /** EADDRNOTAVAIL. */
    ADDRESS_NOT_AVAILABLE,
    /** EMSGSIZE. */
    MESSAGE_TOO_LONG,
    /** ENOENT. */
    NOT_FOUND,
    /** EACCES, EPERM. */
    PERMISSION_DENIED,
    /** EEXIST. */
    ALREADY_EXISTS,
    /** EISDIR. */
    IS_DIRECTORY,
    /** ENOTDIR. */
    NOT_DIRECTORY,
    /** ENOSPC, EDQUOT, EFBIG. */
    NO_SPACE,
    /** EMFILE, ENFILE, ENOBUFS, ENOMEM. */
    INSUFFICIENT_RESOURCES,
    /** EINVAL. */
    INVALID_ARGUMENT,
    /** EAFNOSUPPORT, EOPNOTSUPP. */
    UNSUPPORTED,
    /** Anything else; the errno or exception is kept on the operation. */
    UNEXPECTED
}
