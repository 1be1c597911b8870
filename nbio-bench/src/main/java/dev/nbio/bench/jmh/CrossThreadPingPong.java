package dev.nbio.bench.jmh;

import dev.nbio.EventLoop;
import dev.nbio.Operation;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Cross-thread wake-ups, libxev's async ping-pong shape: two loops on two threads bounce a
 * message, each side handing the other a callback to run, round trips per second.
 *
 * <p>nbio: loop A's callback runs {@code loopB.nextTick(...)} from A's thread (an operation
 * executed from another thread: queued to B, B woken), B's answers the same way back. Netty:
 * two single-thread event loops bouncing two reused tasks with {@code execute()}. The
 * benchmark thread starts {@value #ROUND_TRIPS} round trips on A and parks until A reports
 * the last, the same for both, so its own wake-up is shared by that many round trips.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@OperationsPerInvocation(CrossThreadPingPong.ROUND_TRIPS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class CrossThreadPingPong {
    static final int ROUND_TRIPS = 10_000;

    @Param({Impls.NBIO_URING, Impls.NBIO_NIO, Impls.NETTY_EPOLL, Impls.NETTY_IO_URING, Impls.NETTY_NIO})
    public String impl;

    private Bouncer bouncer;

    /** Bounces a message between two loops. */
    private interface Bouncer {
        void roundTrips(int count);

        void close() throws InterruptedException;
    }

    @Setup(Level.Trial)
    public void start() {
        Impls.check(impl, Impls.NBIO_URING, Impls.NBIO_NIO, Impls.NETTY_EPOLL, Impls.NETTY_IO_URING, Impls.NETTY_NIO);
        bouncer = Impls.isNbio(impl) ? new NbioBouncer(Impls.nbioBackend(impl)) : new NettyBouncer(impl);
    }

    @TearDown(Level.Trial)
    public void stop() throws InterruptedException {
        bouncer.close();
    }

    @Benchmark
    public void roundTrips() {
        bouncer.roundTrips(ROUND_TRIPS);
    }

    /** nbio: two loop threads; each hop is a next-tick executed on the other loop from this one's thread. */
    private static final class NbioBouncer implements Bouncer {
        private final LoopThread a;
        private final LoopThread b;
        private final EventLoop loopA;
        private final EventLoop loopB;
        private final Signal done = new Signal();
        /** Handed from thread to thread with the message; the loops' queues order the accesses. */
        private int left;

        NbioBouncer(String backend) {
            a = new LoopThread(backend, "ping-a");
            b = new LoopThread(backend, "ping-b");
            loopA = a.loop();
            loopB = b.loop();
        }

        @Override
        public void roundTrips(int count) {
            left = count;
            done.arm();
            loopA.nextTick(this, NbioBouncer::onA);
            done.await();
        }

        private static void onA(Operation op, NbioBouncer self) {
            if (self.left-- == 0) {
                self.done.fire();
                return;
            }
            self.loopB.nextTick(self, NbioBouncer::onB);
        }

        private static void onB(Operation op, NbioBouncer self) {
            self.loopA.nextTick(self, NbioBouncer::onA);
        }

        @Override
        public void close() throws InterruptedException {
            a.close();
            b.close();
        }
    }

    /** Netty: two one-thread event loops, two reused tasks, {@code execute()} from one to the other. */
    private static final class NettyBouncer implements Bouncer {
        private final EventLoopGroup groupA;
        private final EventLoopGroup groupB;
        private final EventExecutor loopA;
        private final EventExecutor loopB;
        private final Signal done = new Signal();
        private final Runnable onA = this::onA;
        private final Runnable onB = this::onB;
        /** Handed from thread to thread with the message; the loops' task queues order the accesses. */
        private int left;

        NettyBouncer(String impl) {
            groupA = Impls.nettyGroup(impl);
            groupB = Impls.nettyGroup(impl);
            loopA = groupA.next();
            loopB = groupB.next();
        }

        @Override
        public void roundTrips(int count) {
            left = count;
            done.arm();
            loopA.execute(onA);
            done.await();
        }

        private void onA() {
            if (left-- == 0) {
                done.fire();
                return;
            }
            loopB.execute(onB);
        }

        private void onB() {
            loopA.execute(onA);
        }

        @Override
        public void close() {
            Impls.shutDown(groupA);
            Impls.shutDown(groupB);
        }
    }
}
