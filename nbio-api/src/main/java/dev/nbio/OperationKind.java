package dev.nbio;

/** The kinds of operation an event loop runs. */
public enum OperationKind {
    /** Accept the next connection on a listening TCP socket. */
    ACCEPT,
    /** Connect a new TCP socket to an endpoint. */
    DIAL,
    /** Receive from a TCP or UDP socket. */
    RECV,
    /** Send on a TCP or UDP socket. */
    SEND,
    /** Positional read from a file. */
    READ,
    /** Positional write to a file. */
    WRITE,
    /** Open a file. */
    OPEN,
    /** Stat an open file. */
    STAT,
    /** Close a socket or file. */
    CLOSE,
    /** Wait for a duration. */
    TIMEOUT,
    /** Complete on the next tick. */
    NEXT_TICK,
    /** Wait for a socket to become readable or writable. */
    POLL,
    /** Send (part of) a file over a TCP socket. */
    SENDFILE
}
