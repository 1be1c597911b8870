package dev.nbio;

import dev.nbio.spi.Handle;

/** A UDP socket: receive datagrams with their source, send them to a destination. */
public final class UdpSocket extends SocketHandle {
    /**
     * Wraps a backend handle. Called by backends and the loop core, not by applications.
     *
     * @param loop   the loop the socket belongs to
     * @param handle the backend's handle
     */
    public UdpSocket(EventLoop loop, Handle handle) {
        super(loop, handle);
    }

    @Override
    public SocketProtocol protocol() {
        return SocketProtocol.UDP;
    }
}
