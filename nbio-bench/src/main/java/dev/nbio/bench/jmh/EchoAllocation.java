package dev.nbio.bench.jmh;

import dev.nbio.bench.ServerUnderTest;
import dev.nbio.bench.NbioEchoServer;
import dev.nbio.bench.NettyEchoServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
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
 * Allocation per operation in steady state: one 64-byte echo round trip over loopback, in
 * one JVM, against the echo servers of the echo benchmark (nbio's on either backend,
 * Netty's on epoll and io_uring) and a blocking JDK baseline. Meant to be run with JMH's
 * {@code -prof gc}: {@code gc.alloc.rate.norm} is every thread's allocation (the JVM's total
 * counter) per round trip, the server's and the client's together.
 *
 * <p>The client is the benchmark thread with a blocking {@code SocketChannel} and direct
 * buffers, which allocate nothing per call; the {@code jdk-blocking} row shows that, so the
 * other rows are what each server allocates. Every echo is checked byte for byte.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class EchoAllocation {
    static final String JDK_BLOCKING = "jdk-blocking";
    private static final int SIZE = 64;

    @Param({Impls.NBIO_URING, Impls.NBIO_NIO, Impls.NETTY_EPOLL, Impls.NETTY_IO_URING, Impls.NETTY_NIO, JDK_BLOCKING})
    public String impl;

    private ServerUnderTest server;
    private SocketChannel client;
    private final ByteBuffer out = ByteBuffer.allocateDirect(SIZE);
    private final ByteBuffer in = ByteBuffer.allocateDirect(SIZE);
    private long sequence;

    @Setup(Level.Trial)
    public void start() throws IOException, InterruptedException {
        Impls.check(impl, Impls.NBIO_URING, Impls.NBIO_NIO, Impls.NETTY_EPOLL, Impls.NETTY_IO_URING, Impls.NETTY_NIO, JDK_BLOCKING);
        InetSocketAddress any = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        server = switch (impl) {
            case Impls.NBIO_URING, Impls.NBIO_NIO -> NbioEchoServer.start(any, Impls.nbioBackend(impl));
            case Impls.NETTY_EPOLL -> NettyEchoServer.start(any, dev.nbio.bench.NettyServer.Transport.EPOLL);
            case Impls.NETTY_IO_URING -> NettyEchoServer.start(any, dev.nbio.bench.NettyServer.Transport.IO_URING);
            case Impls.NETTY_NIO -> NettyEchoServer.start(any, dev.nbio.bench.NettyServer.Transport.NIO);
            default -> new BlockingEchoServer();
        };
        client = SocketChannel.open(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port()));
        client.setOption(StandardSocketOptions.TCP_NODELAY, true);
        for (int i = 0; i < SIZE; i++) {
            out.put(i, (byte) i);
        }
    }

    @TearDown(Level.Trial)
    public void stop() throws IOException, InterruptedException {
        client.close();
        server.stop();
    }

    @Benchmark
    public void roundTrip() throws IOException {
        long mark = ++sequence;
        out.putLong(0, mark).putLong(SIZE - 8, ~mark).clear();
        while (out.hasRemaining()) {
            client.write(out);
        }
        in.clear();
        while (in.hasRemaining()) {
            if (client.read(in) < 0) {
                throw new IllegalStateException("the server closed the connection");
            }
        }
        if (in.getLong(0) != mark || in.getLong(SIZE - 8) != ~mark || in.get(8) != 8 || in.get(SIZE - 9) != SIZE - 9) {
            throw new IllegalStateException("wrong echo of message " + mark);
        }
    }
}
