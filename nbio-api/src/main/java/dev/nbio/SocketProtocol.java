package dev.nbio;

/** The transport protocol of a socket. */
public enum SocketProtocol {
    /** TCP: a stream. */
    TCP,
    /** UDP: datagrams. */
    UDP
}
