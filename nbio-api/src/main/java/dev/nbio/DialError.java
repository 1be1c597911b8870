package dev.nbio;

/** Why a dial failed. */
public enum DialError implements OpError {
    /** The operation's timeout expired before it completed. */
    TIMEOUT,
    /** Nothing listens at the endpoint. */
    CONNECTION_REFUSED,
    /** The peer reset the connection while it was being set up. */
    CONNECTION_RESET,
    /** No route to the endpoint's network. */
    NETWORK_UNREACHABLE,
    /** No route to the endpoint's host. */
    HOST_UNREACHABLE,
    /** No local address or port was free. */
    ADDRESS_IN_USE,
    /** The endpoint's address cannot be used from this host. */
    ADDRESS_NOT_AVAILABLE,
    /** The process or system ran out of file descriptors or memory. */
    INSUFFICIENT_RESOURCES,
    /** The endpoint's address family is not supported here. */
    UNSUPPORTED,
    /** An error without a name of its own here; {@link Operation#errno()} and {@link Operation#cause()} keep the details. */
    UNEXPECTED
}
