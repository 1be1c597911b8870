package dev.nbio.nio;

import dev.nbio.OperationKind;
import dev.nbio.TcpSocket;
import dev.nbio.internal.ProvidedBuffers;
import dev.nbio.internal.Transfers;
import dev.nbio.spi.Failure;
import dev.nbio.spi.LoopContext;
import dev.nbio.spi.OperationExtras;
import dev.nbio.spi.OperationRecord;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/**
 * The single non-blocking attempt of each socket operation on NIO channels, as the shared
 * reactor driver asks for it: bytes moved, or would-block, or a recorded failure.
 */
final class NioSockets {
    private static final long WOULD_BLOCK = -1;
    private static final long FAILED = -2;
    /** Sendfile chunk when progress is reported, so updates come at a useful rate. */
    private static final long PROGRESS_CHUNK = 256 * 1024;
    /** The largest UDP payload; gathering and scattering datagrams goes through a buffer this big. */
    private static final int MAX_DATAGRAM = 65_535;

    private final LoopContext context;
    private ByteBuffer datagramScratch;
    private final ProvidedBuffers provided = new ProvidedBuffers();

    NioSockets(LoopContext context) {
        this.context = context;
    }

    long attempt(NioSocketHandle handle, OperationRecord op) {
        try {
            return switch (op.kind) {
                case ACCEPT -> accept(handle, op);
                case DIAL -> finishDial(handle, op);
                case RECV -> op.provideBuffer ? receiveProvided(handle, op)
                        : handle.isDatagram() ? receiveDatagram((DatagramChannel) handle.channel, op)
                        : receiveStream(handle, op);
                case SEND -> handle.isDatagram() ? sendDatagram((DatagramChannel) handle.channel, op)
                        : stream(write((SocketChannel) handle.channel, op.buffers));
                case SENDFILE -> sendfile((SocketChannel) handle.channel, op);
                case POLL -> 0;
                default -> throw new IllegalStateException("not a socket operation: " + op.kind);
            };
        } catch (IOException | RuntimeException e) {
            NioFailures.fail(op, e);
            if (op.kind == OperationKind.DIAL) {
                abandonDial(handle, op);
            }
            return FAILED;
        }
    }

    /**
     * A stream receive into the operation's buffers. Getting less than they had room for
     * means the socket is empty now (a TCP read takes all there is, up to the room), which
     * the reactor remembers so the next receive waits for readiness instead of finding nothing.
     */
    private static long receiveStream(NioSocketHandle handle, OperationRecord op) throws IOException {
        ByteBuffer[] buffers = op.buffers;
        long room = buffers.length == 1 ? buffers[0].remaining() : Transfers.remaining(buffers);
        long bytes = read((SocketChannel) handle.channel, buffers);
        if (bytes > 0 && bytes < room) {
            handle.markReceiveEmptied();
        }
        return stream(bytes);
    }

    /** One buffer takes the plain read (the vectored call costs a readv and more set-up in the JDK). */
    private static long read(SocketChannel channel, ByteBuffer[] buffers) throws IOException {
        return buffers.length == 1 ? channel.read(buffers[0]) : channel.read(buffers);
    }

    private static long write(SocketChannel channel, ByteBuffer[] buffers) throws IOException {
        return buffers.length == 1 ? channel.write(buffers[0]) : channel.write(buffers);
    }

    /** A stream call moved nothing: would block (the buffers are never empty); -1 is the peer's close. */
    private static long stream(long bytes) {
        return bytes == 0 ? WOULD_BLOCK : Math.max(bytes, 0);
    }

    private long accept(NioSocketHandle handle, OperationRecord op) throws IOException {
        SocketChannel client = ((ServerSocketChannel) handle.channel).accept();
        if (client == null) {
            return WOULD_BLOCK;
        }
        try {
            NioNotifier.configureStream(client);
            op.extras().address = NioNotifier.remote(client);
        } catch (IOException | RuntimeException e) {
            client.close();
            throw e;
        }
        op.extras().result = NioNotifier.wrap(context, client);
        return 0;
    }

    NioSocketHandle startDial(OperationRecord op) {
        OperationExtras extras = op.extras();
        InetSocketAddress endpoint = extras.endpoint;
        SocketChannel channel = null;
        try {
            channel = SocketChannel.open(endpoint.getAddress() instanceof java.net.Inet6Address
                    ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
            NioNotifier.configureStream(channel);
            TcpSocket socket = NioNotifier.wrap(context, channel);
            extras.result = socket;
            if (channel.connect(endpoint)) {
                return null;
            }
            NioSocketHandle handle = (NioSocketHandle) socket.handle();
            handle.connecting = true;
            return handle;
        } catch (IOException | RuntimeException e) {
            NioFailures.fail(op, e);
            closeQuietly(channel);
            extras.result = null;
            return null;
        }
    }

    private static long finishDial(NioSocketHandle handle, OperationRecord op) throws IOException {
        if (!((SocketChannel) handle.channel).finishConnect()) {
            return WOULD_BLOCK;
        }
        handle.connecting = false;
        return 0;
    }

    private static void abandonDial(NioSocketHandle handle, OperationRecord op) {
        closeQuietly(handle.channel);
        op.extras().result = null;
    }

    /** A receive into a buffer from the loop's pool, taken only when there is something to read. */
    private long receiveProvided(NioSocketHandle handle, OperationRecord op) throws IOException {
        int id = provided.take();
        if (id < 0) {
            op.fail(Failure.INSUFFICIENT_RESOURCES, 0, new IOException("all " + ProvidedBuffers.COUNT
                    + " provided receive buffers are in use (nbio.recv.buffers)"));
            return FAILED;
        }
        ByteBuffer buffer = provided.buffer(id).clear();
        long received;
        try {
            if (handle.isDatagram()) {
                InetSocketAddress source = (InetSocketAddress) ((DatagramChannel) handle.channel).receive(buffer);
                received = source == null ? WOULD_BLOCK : buffer.position();
                if (source != null) {
                    op.extras().address = source;
                }
            } else {
                received = stream(((SocketChannel) handle.channel).read(buffer));
                if (received > 0 && received < buffer.capacity()) {
                    handle.markReceiveEmptied();   // as in receiveStream
                }
            }
        } catch (IOException | RuntimeException e) {
            provided.give(id);
            throw e;
        }
        if (received <= 0) {
            provided.give(id);
            return received;
        }
        OperationExtras extras = op.extras();
        extras.provided = buffer.flip();
        extras.providedId = id;
        return received;
    }

    /** Takes back a provided receive buffer. */
    void giveBack(OperationRecord op) {
        provided.give(op.extras().providedId);
    }

    private long receiveDatagram(DatagramChannel channel, OperationRecord op) throws IOException {
        ByteBuffer[] buffers = op.buffers;
        if (buffers.length == 1) {
            int before = buffers[0].position();
            InetSocketAddress source = (InetSocketAddress) channel.receive(buffers[0]);
            if (source == null) {
                return WOULD_BLOCK;
            }
            op.extras().address = source;
            return buffers[0].position() - before;
        }
        ByteBuffer scratch = scratch();
        InetSocketAddress source = (InetSocketAddress) channel.receive(scratch);
        if (source == null) {
            return WOULD_BLOCK;
        }
        op.extras().address = source;
        scratch.flip();
        int received = scratch.remaining();
        for (ByteBuffer buffer : buffers) {
            int n = Math.min(buffer.remaining(), scratch.remaining());
            buffer.put(buffer.position(), scratch, scratch.position(), n);
            buffer.position(buffer.position() + n);
            scratch.position(scratch.position() + n);
        }
        return received - scratch.remaining();
    }

    private long sendDatagram(DatagramChannel channel, OperationRecord op) throws IOException {
        OperationExtras extras = op.extrasIfAny();
        InetSocketAddress destination = extras == null ? null : extras.endpoint;
        if (destination == null) {
            long sent = channel.write(op.buffers);
            return sent == 0 ? WOULD_BLOCK : sent;
        }
        ByteBuffer[] buffers = op.buffers;
        if (buffers.length == 1) {
            int sent = channel.send(buffers[0], destination);
            return sent == 0 ? WOULD_BLOCK : sent;
        }
        ByteBuffer scratch = scratch();
        for (ByteBuffer buffer : buffers) {
            if (buffer.remaining() > scratch.remaining()) {
                throw new IOException("Message too long: the datagram exceeds " + MAX_DATAGRAM + " bytes");
            }
            scratch.put(scratch.position(), buffer, buffer.position(), buffer.remaining());
            scratch.position(scratch.position() + buffer.remaining());
        }
        scratch.flip();
        int sent = channel.send(scratch, destination);
        if (sent == 0) {
            return WOULD_BLOCK;
        }
        for (ByteBuffer buffer : buffers) {
            buffer.position(buffer.limit());
        }
        return sent;
    }

    private ByteBuffer scratch() {
        if (datagramScratch == null) {
            datagramScratch = ByteBuffer.allocateDirect(MAX_DATAGRAM);
        }
        return datagramScratch.clear();
    }

    private static long sendfile(SocketChannel socket, OperationRecord op) throws IOException {
        OperationExtras x = op.extras();
        java.nio.channels.FileChannel file = ((NioFileHandle) x.file.handle()).channel;
        if (op.backendLong == 0) {
            x.total = x.length >= 0 ? x.length : Math.max(0, file.size() - x.offset);
            op.backendLong = 1;
            if (x.total == 0) {
                return 0;
            }
        }
        long position = x.offset + op.transferred;
        long left = x.total - op.transferred;
        long sent = file.transferTo(position, x.progressUpdates ? Math.min(left, PROGRESS_CHUNK) : left, socket);
        if (sent > 0) {
            return sent;
        }
        if (position >= file.size()) {
            op.fail(Failure.EOF, 0, null);
            return FAILED;
        }
        return WOULD_BLOCK;
    }

    private static void closeQuietly(java.nio.channels.Channel channel) {
        if (channel == null) {
            return;
        }
        try {
            channel.close();
        } catch (IOException ignored) {
            // Nothing is left to tell: the channel was being given up anyway.
        }
    }
}
