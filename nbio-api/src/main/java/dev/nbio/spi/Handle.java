package dev.nbio.spi;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketOption;
import java.nio.file.Path;

/**
 * A backend's handle: an OS file descriptor, SOCKET, HANDLE or JDK channel, with whatever
 * per-handle state the backend keeps. The public {@link dev.nbio.IoHandle} classes wrap
 * one. Socket methods are only called on sockets, {@link #path()} only on files.
 */
public interface Handle {
    /**
     * Whether the handle is still open. Safe from any thread.
     *
     * @return false once closed
     */
    boolean isOpen();

    /**
     * Closes the handle at once, on the loop's thread (used to clean up after a failed setup).
     *
     * @throws IOException when the close fails
     */
    void close() throws IOException;

    /**
     * The local address of a socket.
     *
     * @return the bound address, or {@code null}
     * @throws IOException when closed
     */
    default InetSocketAddress localAddress() throws IOException {
        throw new UnsupportedOperationException("a file has no socket address");
    }

    /**
     * The peer address of a socket.
     *
     * @return the connected address, or {@code null}
     * @throws IOException when closed
     */
    default InetSocketAddress remoteAddress() throws IOException {
        throw new UnsupportedOperationException("a file has no socket address");
    }

    /**
     * Binds a socket.
     *
     * @param address the local address
     * @throws IOException when the bind fails
     */
    default void bind(InetSocketAddress address) throws IOException {
        throw new UnsupportedOperationException("a file cannot be bound");
    }

    /**
     * Makes a bound TCP socket listen.
     *
     * @param backlog the accept queue length
     * @throws IOException when listen fails
     */
    default void listen(int backlog) throws IOException {
        throw new UnsupportedOperationException("only a TCP socket can listen");
    }

    /**
     * Sets a socket option.
     *
     * @param option the option
     * @param value  the value
     * @param <T>    the value type
     * @throws IOException when refused
     */
    default <T> void setOption(SocketOption<T> option, T value) throws IOException {
        throw new UnsupportedOperationException("a file has no socket options");
    }

    /**
     * Reads a socket option.
     *
     * @param option the option
     * @param <T>    the value type
     * @return the value
     * @throws IOException when closed
     */
    default <T> T getOption(SocketOption<T> option) throws IOException {
        throw new UnsupportedOperationException("a file has no socket options");
    }

    /**
     * Binds a TCP socket and starts listening, in one step. Backends whose sockets cannot
     * bind without listening (NIO) override this so the backlog is applied.
     *
     * @param address where to listen
     * @param backlog the accept queue's length, positive
     * @throws IOException when binding or listening fails
     */
    default void bindAndListen(InetSocketAddress address, int backlog) throws IOException {
        bind(address);
        listen(backlog);
    }

    /**
     * Whether this is a TCP socket that listens, or one made by {@code createSocket} that can
     * only be made to listen: such a socket accepts connections and cannot send or receive.
     *
     * @return true for a listening TCP socket; false for connections, UDP sockets and files
     */
    default boolean isListener() {
        return false;
    }

    /**
     * The path of a file, when known.
     *
     * @return the path, or {@code null}
     */
    default Path path() {
        return null;
    }
}
