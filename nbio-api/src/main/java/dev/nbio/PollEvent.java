package dev.nbio;

/** The readiness a {@code poll} waits for. */
public enum PollEvent {
    /** The socket has data to receive, a connection to accept, or the peer closed. */
    READABLE,
    /** The socket can send without blocking. */
    WRITABLE
}
