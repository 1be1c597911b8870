package dev.nbio;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketOption;

/** A TCP or UDP socket associated with an event loop: what {@code recv}, {@code send} and {@code poll} take. */
public abstract sealed class SocketHandle extends IoHandle permits TcpSocket, UdpSocket {
    SocketHandle(EventLoop loop, dev.nbio.spi.Handle handle) {
        super(loop, handle);
    }

    /**
     * The protocol of this socket.
     *
     * @return TCP or UDP
     */
    public abstract SocketProtocol protocol();

    /**
     * The local address the socket is bound to.
     *
     * @return the address, or {@code null} when not bound
     * @throws IOException when the socket is closed or the address cannot be read
     */
    public final InetSocketAddress localAddress() throws IOException {
        return handle().localAddress();
    }

    /**
     * The address of the connected peer.
     *
     * @return the address, or {@code null} when not connected
     * @throws IOException when the socket is closed or the address cannot be read
     */
    public final InetSocketAddress remoteAddress() throws IOException {
        return handle().remoteAddress();
    }

    /**
     * Binds the socket to a local address.
     *
     * @param address the address; port 0 picks a free port
     * @throws IOException when the address is in use or cannot be assigned
     */
    public final void bind(InetSocketAddress address) throws IOException {
        handle().bind(java.util.Objects.requireNonNull(address, "address"));
    }

    /**
     * Sets a socket option, e.g. {@link java.net.StandardSocketOptions#SO_REUSEPORT}.
     *
     * @param option the option
     * @param value  its value
     * @param <T>    the option's value type
     * @return this socket
     * @throws IOException                   when the socket is closed or the value is refused
     * @throws UnsupportedOperationException when the socket does not support the option
     */
    public final <T> SocketHandle setOption(SocketOption<T> option, T value) throws IOException {
        handle().setOption(option, value);
        return this;
    }

    /**
     * Reads a socket option.
     *
     * @param option the option
     * @param <T>    the option's value type
     * @return its value
     * @throws IOException                   when the socket is closed
     * @throws UnsupportedOperationException when the socket does not support the option
     */
    public final <T> T getOption(SocketOption<T> option) throws IOException {
        return handle().getOption(option);
    }
}
