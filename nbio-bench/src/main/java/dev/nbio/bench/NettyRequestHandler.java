package dev.nbio.bench;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * What the Netty HTTP and PING servers share: one handler per connection that answers every
 * whole request of a read burst into one output buffer, in order, and writes and flushes
 * that buffer once when the burst ends, so pipelined requests get their responses in one
 * send. This is also how nbio's example servers work (one send per receive), so both sides
 * make the same number of sends. A request cut in two by the network is kept, copied, until
 * the rest arrives. A subclass parses and answers one request.
 */
abstract class NettyRequestHandler extends ChannelInboundHandlerAdapter {
    /** A request that is not whole within this many bytes will never be: the connection is closed. */
    static final int MAX_REQUEST_BYTES = 16 * 1024;

    /** What {@link #answer} returns when the request's bytes have not all arrived. */
    static final int NEED_MORE = -1;

    /** What {@link #answer} returns after writing a last response: the connection closes once it is sent. */
    static final int CLOSE = -2;

    /** Room for the responses of a burst to start with; the buffer grows when a burst needs more. */
    private static final int OUTPUT_START_BYTES = 4096;

    /** The start of a request cut by the network: this handler's own copy, or {@code null}. */
    private ByteBuf partial;
    /** The responses of the current read burst, or {@code null} before the first one. */
    private ByteBuf out;
    private boolean closeAfterFlush;

    /**
     * Answers the request that starts at {@code from}: writes its response to {@code out}.
     *
     * @param in   the received bytes; read with absolute indexes only
     * @param from where the request starts
     * @param to   where the received bytes end
     * @param out  where the response goes
     * @return how many bytes the request took, {@link #NEED_MORE} or {@link #CLOSE}
     */
    abstract int answer(ByteBuf in, int from, int to, ByteBuf out);

    /** Called once at the start of each read, before the first {@link #answer} of it. */
    void beforeRead() {
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf in = (ByteBuf) msg;
        if (closeAfterFlush) {
            in.release();   // whatever follows a last response is not answered
            return;
        }
        if (partial != null) {
            partial.writeBytes(in);
            in.release();
            in = partial;
            partial = null;
        }
        try {
            beforeRead();
            int from = in.readerIndex();
            int to = in.writerIndex();
            while (from < to) {
                if (out == null) {
                    out = ctx.alloc().ioBuffer(OUTPUT_START_BYTES);
                }
                int used = answer(in, from, to, out);
                if (used == NEED_MORE) {
                    break;
                }
                if (used == CLOSE) {
                    closeAfterFlush = true;
                    return;
                }
                from += used;
            }
            if (from < to) {
                if (to - from >= MAX_REQUEST_BYTES) {
                    closeAfterFlush = true;   // a request this large will never be whole
                } else {
                    partial = ctx.alloc().ioBuffer(Math.max(1024, 2 * (to - from)));
                    partial.writeBytes(in, from, to - from);
                }
            }
        } finally {
            in.release();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ByteBuf responses = out;
        out = null;
        if (responses != null && responses.isReadable()) {
            if (closeAfterFlush) {
                ctx.writeAndFlush(responses).addListener(ChannelFutureListener.CLOSE);
            } else {
                ctx.writeAndFlush(responses, ctx.voidPromise());
            }
            return;
        }
        if (responses != null) {
            responses.release();
        }
        if (closeAfterFlush) {
            ctx.close();
        }
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (partial != null) {
            partial.release();
            partial = null;
        }
        if (out != null) {
            out.release();
            out = null;
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();   // a reset client: the benchmark's end, not an error
    }
}
