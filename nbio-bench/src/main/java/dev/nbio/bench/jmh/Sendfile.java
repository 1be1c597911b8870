package dev.nbio.bench.jmh;

import dev.nbio.EventLoop;
import dev.nbio.FileHandle;
import dev.nbio.Operation;
import dev.nbio.TcpSocket;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.DefaultFileRegion;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.FileChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A whole file in the page cache sent to a loopback socket, time per file (the report turns
 * it into GB/s): nbio's {@code sendfile} against {@code FileChannel.transferTo} (a blocking
 * socket; the JDK uses {@code sendfile(2)}) and Netty's {@code DefaultFileRegion} on the
 * epoll transport (also {@code sendfile(2)}).
 *
 * <p>A {@link Drain} thread reads the other end; each transfer is timed until the drain has
 * received the last byte. All threads share the one core the script pins the JVM to, so the
 * receiver's copy out of the socket is in every figure alike.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
public class Sendfile {
    static final String TRANSFER_TO = "transferTo";

    @Param({Impls.NBIO_URING, Impls.NBIO_NIO, TRANSFER_TO, Impls.NETTY_EPOLL, Impls.NETTY_NIO})
    public String impl;

    @Param("1024")
    public int fileMiB;

    private Drain drain;
    private Sender sender;
    private long size;
    private long sent;

    /** Sends the whole file once over its connection. */
    private interface Sender {
        void sendAll();

        void close() throws IOException;
    }

    @Setup(Level.Trial)
    public void start() throws IOException {
        Impls.check(impl, Impls.NBIO_URING, Impls.NBIO_NIO, TRANSFER_TO, Impls.NETTY_EPOLL, Impls.NETTY_NIO);
        Path file = BenchFiles.cached(fileMiB);
        size = (long) fileMiB << 20;
        drain = new Drain();
        InetSocketAddress to = drain.address();
        sender = switch (impl) {
            case TRANSFER_TO -> new TransferToSender(file, to, size);
            case Impls.NETTY_EPOLL, Impls.NETTY_NIO -> new NettySender(impl, file, to, size);
            default -> new NbioSender(Impls.nbioBackend(impl), file, to, size);
        };
    }

    @TearDown(Level.Trial)
    public void stop() throws IOException, InterruptedException {
        sender.close();
        drain.close();
    }

    @Benchmark
    public void file() {
        sender.sendAll();
        sent += size;
        drain.awaitTotal(sent);
    }

    /** {@code FileChannel.transferTo} to a blocking socket, looped until everything went. */
    private static final class TransferToSender implements Sender {
        private final FileChannel file;
        private final SocketChannel socket;
        private final long size;

        TransferToSender(Path path, InetSocketAddress to, long size) throws IOException {
            this.file = FileChannel.open(path, StandardOpenOption.READ);
            this.socket = SocketChannel.open(to);
            this.size = size;
        }

        @Override
        public void sendAll() {
            try {
                long at = 0;
                while (at < size) {
                    at += file.transferTo(at, size - at, socket);
                }
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
            file.close();
        }
    }

    /**
     * Netty epoll or NIO: {@code writeAndFlush(new DefaultFileRegion(...))}, waiting for the
     * write's future (epoll writes a region with {@code sendfile(2)}, NIO with {@code transferTo}).
     */
    private static final class NettySender implements Sender {
        private final EventLoopGroup group;
        private final Channel channel;
        private final File file;
        private final long size;

        NettySender(String impl, Path path, InetSocketAddress to, long size) {
            this.group = Impls.nettyGroup(impl);
            this.file = path.toFile();
            this.size = size;
            this.channel = new Bootstrap().group(group).channel(impl.equals(Impls.NETTY_NIO) ? NioSocketChannel.class : EpollSocketChannel.class)
                    .handler(new ChannelInboundHandlerAdapter())
                    .connect(to).syncUninterruptibly().channel();
        }

        @Override
        public void sendAll() {
            // The region opens the file when first written and closes it when released.
            channel.writeAndFlush(new DefaultFileRegion(file, 0, size)).syncUninterruptibly();
        }

        @Override
        public void close() {
            channel.close().syncUninterruptibly();
            Impls.shutDown(group);
        }
    }

    /** nbio: {@code sendfile} on the benchmark thread's loop, a socket dialed by the loop. */
    private static final class NbioSender implements Sender {
        private final EventLoop loop;
        private final FileHandle file;
        private final TcpSocket socket;
        private final long size;
        private boolean done;
        private Throwable failure;

        NbioSender(String backend, Path path, InetSocketAddress to, long size) throws IOException {
            this.loop = EventLoop.acquire(backend);
            this.size = size;
            loop.errorHandler((op, error) -> failure = failure == null ? error : failure);
            this.file = loop.openSync(path);
            TcpSocket[] dialed = new TcpSocket[1];
            loop.dial(to, op -> {
                if (op.failed()) {
                    throw new IllegalStateException("dial failed: " + op.error(), op.cause());
                }
                dialed[0] = op.dial().socket();
            });
            while (dialed[0] == null && failure == null) {
                loop.tick();
            }
            rethrow();
            this.socket = dialed[0];
        }

        @Override
        public void sendAll() {
            done = false;
            loop.sendfile(socket, file, 0, size, false, null, this, NbioSender::onSent);
            while (!done) {
                loop.tick();
            }
            rethrow();
        }

        private static void onSent(Operation op, NbioSender self) {
            self.done = true;
            if (op.failed() || op.sendfile().sent() != self.size) {
                throw new IllegalStateException("sendfile ended with " + op.error() + " after " + op.sendfile().sent()
                        + " of " + self.size + " bytes", op.cause());
            }
        }

        private void rethrow() {
            if (failure != null) {
                throw new IllegalStateException("an nbio callback failed", failure);
            }
        }

        @Override
        public void close() {
            loop.close(socket);
            loop.close(file);
            loop.run();
            loop.release();
        }
    }
}
