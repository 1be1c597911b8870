package dev.nbio.bench;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
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

/**
 * The same echo server on Netty, the reference: one event-loop thread that both accepts
 * and serves, {@code TCP_NODELAY}, and a handler that writes back each received
 * {@code ByteBuf} and flushes once per read burst (Netty's own echo example).
 */
public final class NettyEchoServer implements EchoService {

    /** The Netty transports the benchmark compares against. */
    public enum Transport {
        EPOLL, IO_URING, NIO
    }

    private final Transport transport;
    private final EventLoopGroup group;
    private final Channel channel;

    private NettyEchoServer(Transport transport, EventLoopGroup group, Channel channel) {
        this.transport = transport;
        this.group = group;
        this.channel = channel;
    }

    /**
     * Starts the server and returns once it listens.
     *
     * @param address   where to listen (port 0 picks one)
     * @param transport the Netty transport
     * @return the listening server
     * @throws InterruptedException when interrupted while binding
     */
    public static NettyEchoServer start(InetSocketAddress address, Transport transport) throws InterruptedException {
        ensureAvailable(transport);
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, ioHandler(transport));
        try {
            Channel channel = new ServerBootstrap()
                    .group(group)   // one thread accepts and serves, as the nbio server does
                    .channel(serverChannel(transport))
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(EchoHandler.INSTANCE)
                    .bind(address).sync().channel();
            return new NettyEchoServer(transport, group, channel);
        } catch (RuntimeException | InterruptedException e) {
            group.shutdownGracefully(0, 0, java.util.concurrent.TimeUnit.SECONDS);
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
        return "netty transport " + transport.name().toLowerCase(java.util.Locale.ROOT)
                + ", one event-loop thread, sun.misc.Unsafe " + (PlatformDependent.hasUnsafe() ? "used" : "NOT used")
                + ", allocator " + channel.config().getAllocator().getClass().getSimpleName();
    }

    @Override
    public void stop() throws InterruptedException {
        channel.close().sync();
        group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).sync();
    }

    /** Writes each received buffer back as it is; flushes once per read burst. */
    @ChannelHandler.Sharable
    private static final class EchoHandler extends ChannelInboundHandlerAdapter {
        static final EchoHandler INSTANCE = new EchoHandler();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ctx.write(msg, ctx.voidPromise());
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();   // a reset client: the benchmark's end, not an error
        }
    }
}
