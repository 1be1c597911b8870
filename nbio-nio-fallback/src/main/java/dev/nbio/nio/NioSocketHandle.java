package dev.nbio.nio;

import dev.nbio.internal.ReactorHandle;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketOption;
import java.nio.channels.DatagramChannel;
import java.nio.channels.NetworkChannel;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/**
 * A socket on the NIO backend: its channel, its selection key (registered on first need)
 * and the reactor's queues. NIO splits listening and connected TCP sockets into two channel
 * classes, so a TCP socket made by {@code createSocket} is a {@link ServerSocketChannel};
 * NIO binds and listens in one call, so binding it also starts listening.
 */
final class NioSocketHandle extends ReactorHandle {
    final SelectableChannel channel;
    SelectionKey key;
    boolean connecting;

    NioSocketHandle(SelectableChannel channel) {
        this.channel = channel;
    }

    @Override
    public boolean isListener() {
        return channel instanceof ServerSocketChannel;
    }

    boolean isDatagram() {
        return channel instanceof DatagramChannel;
    }

    int readInterest() {
        return isListener() ? SelectionKey.OP_ACCEPT : SelectionKey.OP_READ;
    }

    int writeInterest() {
        return connecting ? SelectionKey.OP_CONNECT : SelectionKey.OP_WRITE;
    }

    private NetworkChannel network() {
        return (NetworkChannel) channel;
    }

    @Override
    public boolean isOpen() {
        return channel.isOpen();
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    @Override
    public InetSocketAddress localAddress() throws IOException {
        return (InetSocketAddress) network().getLocalAddress();
    }

    @Override
    public InetSocketAddress remoteAddress() throws IOException {
        return switch (channel) {
            case SocketChannel socket -> (InetSocketAddress) socket.getRemoteAddress();
            case DatagramChannel datagram -> (InetSocketAddress) datagram.getRemoteAddress();
            default -> null;
        };
    }

    /**
     * Binds. NIO cannot bind a listening channel without listening, so a TCP listener starts
     * listening here, with the JDK's default backlog; {@link #bindAndListen} applies a backlog.
     */
    @Override
    public void bind(InetSocketAddress address) throws IOException {
        if (channel instanceof ServerSocketChannel server) {
            server.bind(address);
        } else {
            network().bind(address);
        }
    }

    @Override
    public void listen(int backlog) throws IOException {
        if (!(channel instanceof ServerSocketChannel server)) {
            throw new IOException("only a socket made by createTcpSocket or listenTcp can listen");
        }
        if (server.getLocalAddress() == null) {
            server.bind(null, backlog);
        }
    }

    @Override
    public void bindAndListen(InetSocketAddress address, int backlog) throws IOException {
        if (!(channel instanceof ServerSocketChannel server)) {
            throw new IOException("only a socket made by createTcpSocket or listenTcp can listen");
        }
        server.bind(address, backlog);
    }

    @Override
    public <T> void setOption(SocketOption<T> option, T value) throws IOException {
        network().setOption(option, value);
    }

    @Override
    public <T> T getOption(SocketOption<T> option) throws IOException {
        return network().getOption(option);
    }

    @Override
    public String toString() {
        return "nio " + channel;
    }
}
