package dev.nbio.bench;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.util.internal.PlatformDependent;
import java.net.InetSocketAddress;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * A Netty server, the reference, set up the same way whatever it serves: one event-loop
 * thread that both accepts and serves (as nbio's servers run one loop), {@code TCP_NODELAY}
 * on every connection (nbio sets it on every TCP socket it accepts), Netty's default
 * allocator, and a child handler that holds the protocol.
 */
public final class NettyServer implements ServerUnderTest {

    /** The Netty transports the benchmarks compare against. */
    public enum Transport {
        EPOLL, IO_URING, NIO
    }

    private final String service;
    private final Transport transport;
    private final EventLoopGroup group;
    private final Channel channel;

    private NettyServer(String service, Transport transport, EventLoopGroup group, Channel channel) {
        this.service = service;
        this.transport = transport;
        this.group = group;
        this.channel = channel;
    }

    /**
     * Starts the server and returns once it listens.
     *
     * @param address      where to listen (port 0 picks one)
     * @param transport    the Netty transport
     * @param service      what it serves, for {@link #describe()}
     * @param childHandler the handler of each accepted connection; a
     *                     {@link io.netty.channel.ChannelInitializer} when it keeps state per connection
     * @return the listening server
     * @throws InterruptedException when interrupted while binding
     */
    static NettyServer start(InetSocketAddress address, Transport transport, String service, ChannelHandler childHandler)
            throws InterruptedException {
        ensureAvailable(transport);
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, ioHandler(transport));
        try {
            Channel channel = new ServerBootstrap()
                    .group(group)   // one thread accepts and serves, as the nbio server does
                    .channel(serverChannel(transport))
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(childHandler)
                    .bind(address).sync().channel();
            return new NettyServer(service, transport, group, channel);
        } catch (RuntimeException | InterruptedException e) {
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            throw e;
        }
    }

    private static void ensureAvailable(Transport transport) {
        switch (transport) {
            case EPOLL -> Epoll.ensureAvailability();
            case IO_URING -> IoUring.ensureAvailability();
            case NIO -> { }
        }
    }

    private static IoHandlerFactory ioHandler(Transport transport) {
        return switch (transport) {
            case EPOLL -> EpollIoHandler.newFactory();
            case IO_URING -> IoUringIoHandler.newFactory();
            case NIO -> NioIoHandler.newFactory();
        };
    }

    private static Class<? extends ServerChannel> serverChannel(Transport transport) {
        return switch (transport) {
            case EPOLL -> EpollServerSocketChannel.class;
            case IO_URING -> IoUringServerSocketChannel.class;
            case NIO -> NioServerSocketChannel.class;
        };
    }

    @Override
    public int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    @Override
    public String describe() {
        return "netty " + service + " server, transport " + transport.name().toLowerCase(Locale.ROOT)
                + ", one event-loop thread, sun.misc.Unsafe " + (PlatformDependent.hasUnsafe() ? "used" : "NOT used")
                + ", allocator " + channel.config().getAllocator().getClass().getSimpleName();
    }

    @Override
    public void stop() throws InterruptedException {
        channel.close().sync();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }
}
