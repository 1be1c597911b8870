package dev.nbio.bench.jmh;

import dev.nbio.EventLoop;
import dev.nbio.Operation;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
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
 * libuv's and libxev's million-timers: {@code timers} timeouts added on one loop thread, the
 * durations spread evenly over 1 to {@code spreadMillis} ms (the first thousandth of the
 * timers 1 ms, the next 2 ms, ..., as those benchmarks do), then the loop run until every one
 * has fired.
 *
 * <p>{@link #add} times adding them all; {@link #addAndFire} times from the first add until
 * the last callback, so its excess over {@code spreadMillis} is what adding and firing cost
 * beyond waiting. On nbio the benchmark thread is the loop's thread; on Netty the adds run
 * on the event loop (a task submitted to it), the reference being its {@code schedule()},
 * and the benchmark thread waits.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
public class MillionTimers {
    @Param({Impls.NBIO_URING, Impls.NBIO_NIO, Impls.NETTY_EPOLL, Impls.NETTY_IO_URING, Impls.NETTY_NIO})
    public String impl;

    @Param("1000000")
    public int timers;

    @Param("1000")
    public int spreadMillis;

    private Timers target;

    /** Adds the timers and waits for them, on one implementation. */
    private interface Timers {
        void addAll();

        void awaitAllFired();

        void close() throws InterruptedException;
    }

    @Setup(Level.Trial)
    public void start() {
        Impls.check(impl, Impls.NBIO_URING, Impls.NBIO_NIO, Impls.NETTY_EPOLL, Impls.NETTY_IO_URING, Impls.NETTY_NIO);
        if (timers < 1 || spreadMillis < 1) {
            throw new IllegalArgumentException("timers and spreadMillis must be positive");
        }
        target = Impls.isNbio(impl) ? new NbioTimers(Impls.nbioBackend(impl), timers, spreadMillis)
                : new NettyTimers(Impls.nettyGroup(impl), timers, spreadMillis);
    }

    /** After {@link #add}, the timers fire unmeasured, so the next iteration starts from an empty loop. */
    @TearDown(Level.Invocation)
    public void drain() {
        target.awaitAllFired();
    }

    @TearDown(Level.Trial)
    public void stop() throws InterruptedException {
        target.close();
    }

    @Benchmark
    public void add() {
        target.addAll();
    }

    @Benchmark
    public void addAndFire() {
        target.addAll();
        target.awaitAllFired();
    }

    /** Timer {@code i}'s duration in ms: 1 for the first {@code timers/spread}, then one more per as many. */
    static long millisOf(int i, int timers, int spreadMillis) {
        return 1 + (long) i * spreadMillis / timers;
    }

    /** nbio: the benchmark thread's own loop; timeouts in the attachment form, a static callback. */
    private static final class NbioTimers implements Timers {
        private final EventLoop loop;
        private final int count;
        private final int spread;
        /** One Duration per distinct length, made up front so adding allocates nothing of the benchmark's. */
        private final Duration[] durations;
        private int fired;
        private int failed;

        NbioTimers(String backend, int count, int spread) {
            this.loop = EventLoop.acquire(backend);
            this.count = count;
            this.spread = spread;
            this.durations = new Duration[spread + 2];
            for (int ms = 0; ms < durations.length; ms++) {
                durations[ms] = Duration.ofMillis(ms);
            }
        }

        @Override
        public void addAll() {
            fired = 0;
            for (int i = 0; i < count; i++) {
                loop.timeout(durations[(int) millisOf(i, count, spread)], this, NbioTimers::onFire);
            }
        }

        private static void onFire(Operation op, NbioTimers self) {
            if (op.failed()) {
                self.failed++;
            }
            self.fired++;
        }

        @Override
        public void awaitAllFired() {
            while (fired < count) {
                loop.tick();
            }
            if (failed > 0) {
                throw new IllegalStateException(failed + " timeouts failed instead of firing");
            }
            if (loop.numWaiting() != 0) {
                throw new IllegalStateException("all timers fired but the loop still counts " + loop.numWaiting());
            }
        }

        @Override
        public void close() {
            loop.release();
        }
    }

    /**
     * Netty: {@code schedule()} on the event loop's own thread, one shared task (so the only
     * allocation per timer is Netty's scheduled-task record); the last to fire wakes the
     * benchmark thread.
     */
    private static final class NettyTimers implements Timers {
        private final EventLoopGroup group;
        private final EventExecutor loop;
        private final int count;
        private final int spread;
        private final Signal allFired = new Signal();
        private final Runnable onFire = this::onFire;
        private final Runnable addAll = this::addOnLoop;
        /** Counted on the loop thread only. */
        private int fired;
        /** Benchmark thread only: timers were added and not yet awaited. */
        private boolean waiting;

        NettyTimers(EventLoopGroup group, int count, int spread) {
            this.group = group;
            this.loop = group.next();
            this.count = count;
            this.spread = spread;
        }

        @Override
        public void addAll() {
            allFired.arm();
            waiting = true;
            try {
                loop.submit(addAll).get();
            } catch (InterruptedException | ExecutionException e) {
                throw new IllegalStateException("adding the timers failed", e);
            }
        }

        private void addOnLoop() {
            fired = 0;
            for (int i = 0; i < count; i++) {
                loop.schedule(onFire, millisOf(i, count, spread), TimeUnit.MILLISECONDS);
            }
        }

        private void onFire() {
            if (++fired == count) {
                allFired.fire();
            }
        }

        @Override
        public void awaitAllFired() {
            if (waiting) {
                allFired.await();
                waiting = false;
            }
        }

        @Override
        public void close() {
            Impls.shutDown(group);
        }
    }
}
