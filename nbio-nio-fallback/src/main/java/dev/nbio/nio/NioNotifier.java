package dev.nbio.nio;

import dev.nbio.AddressFamily;
import dev.nbio.FileFlag;
import dev.nbio.FileType;
import dev.nbio.SocketProtocol;
import dev.nbio.TcpSocket;
import dev.nbio.internal.Reactor;
import dev.nbio.internal.ReactorHandle;
import dev.nbio.spi.Failure;
import dev.nbio.spi.Handle;
import dev.nbio.spi.LoopContext;
import dev.nbio.spi.OperationRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ProtocolFamily;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.FileChannel;
import java.nio.channels.NetworkChannel;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The NIO backend's notifier: a {@link Selector} drives the shared reactor for sockets;
 * files run on {@link NioFiles}' pool and come back through a completion queue, with the
 * selector woken so the loop picks them up.
 */
final class NioNotifier extends Reactor {
    private static final Logger LOG = LoggerFactory.getLogger(NioNotifier.class);

    private final Selector selector;
    private final NioWaker waker;
    private final Consumer<SelectionKey> onKey = this::onKey;
    private final ConcurrentLinkedQueue<OperationRecord> finishedFiles = new ConcurrentLinkedQueue<>();
    private final NioSockets sockets;

    NioNotifier(LoopContext context) throws IOException {
        super(context);
        this.selector = Selector.open();
        try {
            this.waker = new NioWaker(selector);
        } catch (IOException | RuntimeException e) {
            selector.close();
            throw e;
        }
        this.sockets = new NioSockets(context);
    }

    @Override
    public void await(long timeoutNanos) throws IOException {
        boolean filesDone = drainFiles();
        if (timeoutNanos == 0 || filesDone) {
            selector.selectNow(onKey);
        } else if (timeoutNanos < 0) {
            selector.select(onKey);
        } else {
            // Round up: waking a little late costs one tick; waking early spins on an unexpired timer.
            long millis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(timeoutNanos + 999_999));
            selector.select(onKey, millis);
        }
        drainFiles();
    }

    private void onKey(SelectionKey key) {
        if (!key.isValid()) {
            return;
        }
        if (key.attachment() == waker) {
            drainWaker();
            return;
        }
        int ready = key.readyOps();
        boolean readable = (ready & (SelectionKey.OP_READ | SelectionKey.OP_ACCEPT)) != 0;
        boolean writable = (ready & (SelectionKey.OP_WRITE | SelectionKey.OP_CONNECT)) != 0;
        NioSocketHandle handle = (NioSocketHandle) key.attachment();
        onReady(handle, readable, writable);
        if (readable && handle.readinessIgnored() && !handle.wantsRead() && key.isValid()) {
            // Read interest outlived its operations (see updateInterest), and twice now the
            // socket was readable with nobody reading: it goes, or the selector would report
            // the same bytes at every wait. Once is not enough: a server's next receive often
            // comes in the tick after its send, just after a fast client's next request.
            key.interestOps(key.interestOps() & ~handle.readInterest());
        }
    }

    private void drainWaker() {
        try {
            waker.drain();
        } catch (IOException e) {
            throw new UncheckedIOException("draining the NIO loop's wake-up pipe failed", e);
        }
    }

    @Override
    public void giveBack(OperationRecord op) {
        sockets.giveBack(op);
    }

    @Override
    public void wakeUp() {
        waker.wakeUp();
    }

    @Override
    public void close() {
        waker.closeQuietly();
        try {
            selector.close();
        } catch (IOException e) {
            LOG.warn("closing the NIO selector failed", e);
        }
    }

    @Override
    protected long attempt(ReactorHandle handle, OperationRecord op) {
        return sockets.attempt((NioSocketHandle) handle, op);
    }

    @Override
    protected ReactorHandle startDial(OperationRecord op) {
        return sockets.startDial(op);
    }

    @Override
    protected void updateInterest(ReactorHandle reactorHandle) {
        NioSocketHandle handle = (NioSocketHandle) reactorHandle;
        int ops = (handle.wantsRead() ? handle.readInterest() : 0) | (handle.wantsWrite() ? handle.writeInterest() : 0);
        if (!handle.channel.isOpen()) {
            // Closed behind the loop's back (not through a close operation): nothing will
            // become ready again, so what is queued ends now instead of waiting forever.
            failQueued(handle);
            return;
        }
        if (handle.key == null || !handle.key.isValid()) {
            if (ops != 0) {
                register(handle, ops);
            }
        } else {
            // Read interest is dropped lazily: a server's next receive usually follows at once,
            // and clearing and setting it again costs two epoll_ctl calls per request. It goes
            // when the socket keeps being readable with no receive waiting (onKey).
            int current = handle.key.interestOps();
            int kept = ops | (current & handle.readInterest());
            if (current != kept) {
                handle.key.interestOps(kept);
            }
        }
    }

    private void register(NioSocketHandle handle, int ops) {
        try {
            handle.key = handle.channel.register(selector, ops, handle);
        } catch (ClosedChannelException e) {
            // Closed between the check and the registration: the queued operations fail like any on a closed socket.
            failQueued(handle);
        }
    }

    @Override
    protected void submitFile(OperationRecord op) {
        FileTask task = new FileTask(op, this);
        op.backendData = task;
        NioFiles.POOL.execute(task);
    }

    /** Called on a worker thread when a file operation has ended. */
    void fileFinished(OperationRecord op) {
        finishedFiles.offer(op);
        waker.wakeUp();
    }

    @Override
    protected boolean cancelFile(OperationRecord op) {
        // A task still in the pool's queue is withdrawn. A blocking file call that has started
        // cannot be interrupted without closing the channel, so the worker keeps the record
        // (and its buffer) until it is done; drainFiles then reports it.
        return ((FileTask) op.backendData).withdraw();
    }

    /** Hands finished file operations to the core, which also settles removed and timed-out ones. */
    private boolean drainFiles() {
        boolean any = false;
        OperationRecord op;
        while ((op = finishedFiles.poll()) != null) {
            any = true;
            context.complete(op);
        }
        return any;
    }

    @Override
    protected void closeNow(OperationRecord op) {
        Handle handle = op.handle.handle();
        if (!handle.isOpen()) {
            op.fail(Failure.CLOSED, 0, null);
            return;
        }
        try {
            handle.close();
        } catch (IOException e) {
            NioFailures.fail(op, e);
        }
    }

    @Override
    public Handle createSocket(AddressFamily family, SocketProtocol protocol) throws IOException {
        ProtocolFamily protocolFamily = family == AddressFamily.IPV6 ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET;
        SelectableChannel channel = protocol == SocketProtocol.TCP
                ? ServerSocketChannel.open(protocolFamily)
                : DatagramChannel.open(protocolFamily);
        channel.configureBlocking(false);
        return new NioSocketHandle(channel);
    }

    @Override
    public Handle openFile(Handle dir, Path path, Set<FileFlag> flags, int permissions) throws IOException {
        return NioFiles.open(dir, path, flags, permissions);
    }

    @Override
    public Handle associateSocket(NetworkChannel channel) throws IOException {
        if (!(channel instanceof SocketChannel || channel instanceof ServerSocketChannel
                || channel instanceof DatagramChannel)) {
            throw new IllegalArgumentException("associateSocket takes a SocketChannel, ServerSocketChannel or "
                    + "DatagramChannel, not " + channel.getClass().getName());
        }
        SelectableChannel selectable = (SelectableChannel) channel;
        selectable.configureBlocking(false);
        NioSocketHandle handle = new NioSocketHandle(selectable);
        handle.connecting = channel instanceof SocketChannel socket && socket.isConnectionPending();
        return handle;
    }

    @Override
    public Handle associateFile(FileChannel channel) {
        return new NioFileHandle(channel, null, FileType.REGULAR, false);
    }

    static void configureStream(SocketChannel channel) throws IOException {
        channel.configureBlocking(false);
        channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
    }

    static InetSocketAddress remote(SocketChannel channel) throws IOException {
        return (InetSocketAddress) channel.getRemoteAddress();
    }

    static TcpSocket wrap(LoopContext context, SocketChannel channel) {
        return new TcpSocket(context.loop(), new NioSocketHandle(channel));
    }
}
