package dev.nbio.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.management.ThreadMXBean;
import dev.nbio.Operation;
import dev.nbio.TcpSocket;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Steady-state allocation: a TCP ping-pong of 64-byte messages and a next-tick chain, both
 * in the attachment form with static callbacks, must allocate nothing per completed
 * operation once warm; a pending timeout the pool cannot serve costs one small record.
 * Measured with the JVM's per-thread allocation counter; the figures are printed (and
 * recorded in docs/allocation.md).
 */
@ParameterizedClass(name = "{0}")
@MethodSource("dev.nbio.tck.Backends#names")
class AllocationTest extends LoopTest {
    private static final int WARM_UP_ROUNDS = 50_000;
    private static final int MEASURED_ROUNDS = 100_000;
    /** Bytes per operation tolerated for the JVM's own noise (counters, a rare resize); far below one object per operation. */
    private static final double LIMIT_BYTES_PER_OP = 0.5;
    private static final Duration TICK = Duration.ofSeconds(1);
    private static final int PENDING_TIMEOUTS = 100_000;
    private static final double LIMIT_BYTES_PER_PENDING_TIMEOUT = 128;

    /** One side of the ping-pong: its socket, its buffer and how many rounds are left. */
    private static final class Peer {
        final TcpSocket socket;
        final ByteBuffer buffer = ByteBuffer.allocateDirect(64);
        long roundsLeft;
        long operations;

        Peer(TcpSocket socket) {
            this.socket = socket;
        }
    }

    @Test
    void pingPongAllocatesNothingPerOperation() {
        TcpSocket server = listen();
        TcpSocket[] accepted = new TcpSocket[1];
        TcpSocket[] dialed = new TcpSocket[1];
        loop.accept(server, op -> accepted[0] = op.accept().client());
        loop.dial(addressOf(server), op -> dialed[0] = op.dial().socket());
        tickUntil(() -> accepted[0] != null && dialed[0] != null);
        Peer echo = new Peer(accepted[0]);
        Peer client = new Peer(dialed[0]);
        // The echo side receives for the whole test; it is left pending at the end of each run.
        loop.recv(echo.socket, echo.buffer.clear(), echo, AllocationTest::onEchoRecv);

        double bytesPerOp = measure(echo, client);
        System.out.printf("[%s] steady-state allocation: %.4f bytes per completed operation%n", backend, bytesPerOp);
        assertTrue(bytesPerOp < LIMIT_BYTES_PER_OP, backend + " allocated " + bytesPerOp + " bytes per operation");
        loop.close(echo.socket);
        loop.close(client.socket);
        loop.close(server);
        runToCompletion();
    }

    @Test
    void nextTickChainAllocatesNothingPerOperation() {
        long[] left = {WARM_UP_ROUNDS};
        loop.nextTick(left, AllocationTest::onTick);
        runToCompletion();
        ThreadMXBean threads = threadBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        left[0] = MEASURED_ROUNDS;
        loop.nextTick(left, AllocationTest::onTick);
        runToCompletion();
        double bytesPerOp = (threads.getCurrentThreadAllocatedBytes() - before) / (double) MEASURED_ROUNDS;
        System.out.printf("[%s] next-tick allocation: %.4f bytes per completed operation%n", backend, bytesPerOp);
        assertTrue(bytesPerOp < LIMIT_BYTES_PER_OP, backend + " allocated " + bytesPerOp + " bytes per operation");
        assertEquals(0, left[0]);
    }

    /** A message handed between another thread and the loop: the other thread waits for each hop. */
    private static final class Relay {
        volatile long hops;
        /** The hop count when the measured hops began, -1 before. */
        volatile long measuredFrom = -1;
        volatile boolean done;
    }

    /** Hops per batch, and how many warm-up batches may pass before the measurement starts regardless. */
    private static final int BATCH = 10_000;
    private static final int MAX_WARM_UP_BATCHES = 30;
    private static final int MEASURED_BATCHES = MEASURED_ROUNDS / BATCH;

    /**
     * Both threads' allocation is counted per batch of hops and judged by the median batch:
     * steady state is what repeats in every batch, while a one-off (a lazily grown array,
     * code the JIT compiles late) lands in one batch and is printed, not judged.
     */
    @Test
    void operationsFromAnotherThreadAllocateNothingOnceWarm() throws Exception {
        Relay relay = new Relay();
        long[] senderBatches = new long[MEASURED_BATCHES];
        Throwable[] failure = {null};
        Thread worker = Thread.ofPlatform().daemon().name("sender").start(() -> {
            try {
                ThreadMXBean threads = threadBean();
                sendHops(relay, WARM_UP_ROUNDS);
                for (int batch = 0; batch < MAX_WARM_UP_BATCHES; batch++) {
                    long batchStart = threads.getCurrentThreadAllocatedBytes();
                    sendHops(relay, BATCH);
                    if (threads.getCurrentThreadAllocatedBytes() == batchStart) {
                        break;
                    }
                }
                relay.measuredFrom = relay.hops;
                for (int batch = 0; batch < MEASURED_BATCHES; batch++) {
                    long batchStart = threads.getCurrentThreadAllocatedBytes();
                    sendHops(relay, BATCH);
                    senderBatches[batch] = threads.getCurrentThreadAllocatedBytes() - batchStart;
                }
            } catch (RuntimeException | Error e) {
                failure[0] = e;
            } finally {
                relay.done = true;
            }
        });
        ThreadMXBean threads = threadBean();
        long[] loopBatches = new long[MEASURED_BATCHES];
        tickUntil(() -> relay.measuredFrom >= 0 || relay.done);
        for (int batch = 0; batch < MEASURED_BATCHES; batch++) {
            long batchEnd = relay.measuredFrom + (long) (batch + 1) * BATCH;
            long batchStart = threads.getCurrentThreadAllocatedBytes();
            while (relay.hops < batchEnd && !relay.done) {
                loop.tick(TICK);
            }
            loopBatches[batch] = threads.getCurrentThreadAllocatedBytes() - batchStart;
        }
        worker.join(LIMIT.toMillis());
        assertEquals(null, failure[0], "the sending thread failed");
        assertEquals(relay.measuredFrom + MEASURED_ROUNDS, relay.hops);
        double senderBytesPerOp = medianPerHop(senderBatches);
        double loopBytesPerOp = medianPerHop(loopBatches);
        System.out.printf("[%s] cross-thread next-tick allocation (median batch): %.4f bytes per operation on the"
                + " sending thread, %.4f on the loop's; bytes per batch of %d: sender %s, loop %s%n", backend,
                senderBytesPerOp, loopBytesPerOp, BATCH, Arrays.toString(senderBatches), Arrays.toString(loopBatches));
        assertTrue(senderBytesPerOp < LIMIT_BYTES_PER_OP,
                backend + ": the sending thread allocated " + senderBytesPerOp + " bytes per operation");
        assertTrue(loopBytesPerOp < LIMIT_BYTES_PER_OP,
                backend + ": the loop's thread allocated " + loopBytesPerOp + " bytes per operation");
    }

    private static double medianPerHop(long[] batches) {
        long[] sorted = batches.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
        return median / BATCH;
    }

    /** Executes {@code count} next-ticks on the loop from this thread, one at a time. */
    private void sendHops(Relay relay, int count) {
        long end = relay.hops + count;
        while (relay.hops < end) {
            long expected = relay.hops + 1;
            loop.nextTick(relay, AllocationTest::onHop);
            while (relay.hops != expected) {
                Thread.onSpinWait();
            }
        }
    }

    private static void onHop(Operation op, Relay relay) {
        relay.hops++;
    }

    /**
     * A pending timeout beyond what the pool holds is a new record, and its size is what adding
     * a timer costs (libuv's million-timers benchmark adds a million at once): the record alone,
     * no array, no result views, no extras. The record is 120 bytes on a 64-bit JVM with
     * compressed references (it was 312 with what it used to carry); the limit leaves room for
     * one more field, not for another object.
     */
    @Test
    void aPendingTimeoutCostsOneSmallRecord() {
        Duration hour = Duration.ofHours(1);
        Operation[] pending = new Operation[PENDING_TIMEOUTS];
        // A first round grows the timer heap to size and fills the pool, so the measured
        // round allocates records only (the pool serves its first few thousand).
        addTimeouts(pending, hour);
        removeAll(pending);
        ThreadMXBean threads = threadBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        addTimeouts(pending, hour);
        double bytesPerTimeout = (threads.getCurrentThreadAllocatedBytes() - before) / (double) PENDING_TIMEOUTS;
        System.out.printf("[%s] pending-timeout allocation: %.1f bytes per timeout%n", backend, bytesPerTimeout);
        assertEquals(PENDING_TIMEOUTS, loop.numWaiting());
        removeAll(pending);
        assertTrue(bytesPerTimeout <= LIMIT_BYTES_PER_PENDING_TIMEOUT,
                backend + " allocated " + bytesPerTimeout + " bytes per pending timeout");
    }

    private void addTimeouts(Operation[] pending, Duration duration) {
        for (int i = 0; i < pending.length; i++) {
            pending[i] = loop.timeout(duration, pending, AllocationTest::onUnexpectedFire);
        }
    }

    private void removeAll(Operation[] pending) {
        for (int i = 0; i < pending.length; i++) {
            loop.remove(pending[i]);
            pending[i] = null;
        }
    }

    private static void onUnexpectedFire(Operation op, Operation[] pending) {
        throw new AssertionError("an hour-long timeout fired during the test");
    }

    private static void onTick(Operation op, long[] left) {
        if (--left[0] > 0) {
            op.loop().nextTick(left, AllocationTest::onTick);
        }
    }

    private double measure(Peer echo, Peer client) {
        runRounds(echo, client, WARM_UP_ROUNDS);
        ThreadMXBean threads = threadBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        long operationsBefore = echo.operations + client.operations;
        runRounds(echo, client, MEASURED_ROUNDS);
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        long operations = echo.operations + client.operations - operationsBefore;
        assertEquals(4L * MEASURED_ROUNDS, operations);
        return allocated / (double) operations;
    }

    private void runRounds(Peer echo, Peer client, int rounds) {
        client.roundsLeft = rounds;
        loop.send(client.socket, client.buffer.clear(), client, AllocationTest::onClientSent);
        while (client.roundsLeft > 0) {
            loop.tick(TICK);
        }
        // The echo side still has a receive pending for a message that will never come.
        tickUntil(() -> loop.numWaiting() == 1);
    }

    private static void onClientSent(Operation op, Peer client) {
        client.operations++;
        op.loop().recv(client.socket, client.buffer.clear(), true, null, client, AllocationTest::onClientRecv);
    }

    private static void onClientRecv(Operation op, Peer client) {
        client.operations++;
        if (--client.roundsLeft > 0) {
            op.loop().send(client.socket, client.buffer.flip(), client, AllocationTest::onClientSent);
        }
    }

    private static void onEchoRecv(Operation op, Peer echo) {
        echo.operations++;
        if (op.failed() || op.recv().received() == 0) {
            return;
        }
        op.loop().send(echo.socket, echo.buffer.flip(), echo, AllocationTest::onEchoSent);
    }

    private static void onEchoSent(Operation op, Peer echo) {
        echo.operations++;
        op.loop().recv(echo.socket, echo.buffer.clear(), echo, AllocationTest::onEchoRecv);
    }

    private TcpSocket listen() {
        try {
            return loop.listenTcp(loopback());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static ThreadMXBean threadBean() {
        ThreadMXBean bean = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        assertNotNull(bean);
        assertTrue(bean.isThreadAllocatedMemorySupported(), "this JVM cannot count allocated bytes per thread");
        bean.setThreadAllocatedMemoryEnabled(true);
        return bean;
    }
}
