package dev.nbio.bench;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.net.InetSocketAddress;

/**
 * The echo server on Netty, the reference: a handler that writes back each received
 * {@code ByteBuf} and flushes once per read burst (Netty's own echo example), on a
 * {@link NettyServer}.
 */
public final class NettyEchoServer {

    private NettyEchoServer() {
    }

    /**
     * Starts the server and returns once it listens.
     *
     * @param address   where to listen (port 0 picks one)
     * @param transport the Netty transport
     * @return the listening server
     * @throws InterruptedException when interrupted while binding
     */
    public static NettyServer start(InetSocketAddress address, NettyServer.Transport transport)
            throws InterruptedException {
        return NettyServer.start(address, transport, "echo", EchoHandler.INSTANCE);
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
