package dev.nbio.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * The load client, the same for every server: plain JDK NIO, one thread, N connections,
 * each a closed loop that sends one message and waits for its whole echo before sending the
 * next. One thread with a selector is the cheapest way to drive many connections from the
 * one core the client gets.
 *
 * <p>The measured period is cut into slices (a second by default) and a {@link Judge} drops
 * the slices in which other processes took the cores, so that a shared machine's load does
 * not count against whichever server happened to run during it.
 *
 * <p>Every echo is checked byte for byte (a sequence number and the connection's id are in
 * each message), so a server that loses or mixes up bytes fails the run instead of scoring.
 */
final class EchoClient {
    /** Highest latency the histogram tracks exactly; anything longer is counted at this value. */
    private static final long HIGHEST_NANOS = TimeUnit.SECONDS.toNanos(10);

    /**
     * What to run.
     *
     * @param server      the echo server
     * @param connections how many connections, each with one message in flight
     * @param messageSize bytes per message
     * @param warmup      how long to run before measuring
     * @param measure     how much undisturbed time to measure
     * @param maxMeasure  how long to try at most to gather {@code measure} of undisturbed time
     * @param slice       the length of one slice: the unit that is kept or dropped
     */
    record Settings(InetSocketAddress server, int connections, int messageSize, Duration warmup, Duration measure,
                    Duration maxMeasure, Duration slice) {
    }

    /**
     * Judges each slice of the measured period: the client cannot see whether another
     * process took the cores, the caller can (from {@code /proc}).
     */
    interface Judge {
        /** The measured period begins (the first slice starts now). */
        void begin();

        /**
         * A slice ended.
         *
         * @param roundTrips round trips completed in it
         * @param nanos      its length
         * @return true to count it, false to drop it (other processes disturbed it)
         */
        boolean keep(long roundTrips, long nanos);
    }

    /**
     * What one run measured, over the kept slices only.
     *
     * @param roundTrips   completed round trips in the kept slices
     * @param keptNanos    length of the kept slices
     * @param spentNanos   length of the whole measured period, dropped slices included
     * @param latencies    round-trip times in nanoseconds, from the kept slices
     */
    record Result(long roundTrips, long keptNanos, long spentNanos, Histogram latencies) {
        double perSecond() {
            return keptNanos == 0 ? 0 : roundTrips * 1e9 / keptNanos;
        }
    }

    private final Settings settings;
    private final Histogram latencies = new Histogram(HIGHEST_NANOS, 3);
    private long roundTrips;

    EchoClient(Settings settings) {
        this.settings = settings;
    }

    /**
     * Connects, warms up, measures slice by slice until enough undisturbed time is kept (or
     * the time allowed runs out), disconnects.
     *
     * @param judge decides which slices count
     * @return the figures of the kept slices
     * @throws IOException when a connection fails or an echo is wrong
     */
    Result run(Judge judge) throws IOException {
        List<Conn> conns = new ArrayList<>();
        Histogram kept = new Histogram(HIGHEST_NANOS, 3);
        try (Selector selector = Selector.open()) {
            for (int i = 0; i < settings.connections(); i++) {
                Conn conn = new Conn(i, SocketChannel.open(settings.server()), settings.messageSize());
                conns.add(conn);
                conn.channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                conn.channel.configureBlocking(false);
                conn.key = conn.channel.register(selector, SelectionKey.OP_READ, conn);
            }
            for (Conn conn : conns) {
                conn.sendNext(System.nanoTime());
            }
            long sliceNanos = settings.slice().toNanos();
            long warmupEnd = System.nanoTime() + settings.warmup().toNanos();
            long measureStart = 0;
            long sliceStart = 0;
            long keptTrips = 0;
            long keptNanos = 0;
            boolean measuring = false;
            while (true) {
                // The timeout only bounds how late a slice ends when a server stalls.
                selector.select(this::onReady, 20);
                long now = System.nanoTime();
                if (!measuring) {
                    if (now >= warmupEnd) {
                        judge.begin();
                        measureStart = sliceStart = System.nanoTime();
                        latencies.reset();
                        roundTrips = 0;
                        measuring = true;
                    }
                    continue;
                }
                if (now - sliceStart < sliceNanos) {
                    continue;
                }
                if (judge.keep(roundTrips, now - sliceStart)) {
                    kept.add(latencies);
                    keptTrips += roundTrips;
                    keptNanos += now - sliceStart;
                }
                latencies.reset();
                roundTrips = 0;
                sliceStart = now;
                if (keptNanos >= settings.measure().toNanos() || now - measureStart >= settings.maxMeasure().toNanos()) {
                    return new Result(keptTrips, keptNanos, now - measureStart, kept);
                }
            }
        } catch (EchoFailure e) {
            throw e.io;
        } finally {
            for (Conn conn : conns) {
                conn.channel.close();
            }
        }
    }

    private void onReady(SelectionKey key) {
        Conn conn = (Conn) key.attachment();
        try {
            if (key.isWritable()) {
                conn.flush();
            }
            if (key.isReadable() && conn.receive()) {
                long now = System.nanoTime();
                latencies.recordValue(Math.min(now - conn.sentAt, HIGHEST_NANOS));
                roundTrips++;
                conn.sendNext(now);
            }
        } catch (IOException e) {
            throw new EchoFailure(e);
        }
    }

    /** Carries an IOException out of the selector's consumer. */
    private static final class EchoFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final transient IOException io;

        EchoFailure(IOException io) {
            super(io.getMessage(), io, false, false);
            this.io = io;
        }
    }

    /** One connection: its message out, the echo coming back. */
    private static final class Conn {
        final int id;
        final SocketChannel channel;
        final ByteBuffer out;
        final ByteBuffer in;
        SelectionKey key;
        long sequence;
        long sentAt;

        Conn(int id, SocketChannel channel, int size) {
            this.id = id;
            this.channel = channel;
            this.out = ByteBuffer.allocateDirect(size);
            this.in = ByteBuffer.allocateDirect(size);
            for (int i = 0; i < size; i++) {
                out.put(i, (byte) (id * 31 + i));
            }
        }

        void sendNext(long now) throws IOException {
            sequence++;
            if (out.capacity() >= Long.BYTES + Integer.BYTES) {
                out.putLong(0, sequence).putInt(Long.BYTES, id);
            }
            out.clear();
            in.clear();
            sentAt = now;
            flush();
        }

        /** Writes what is left of the message; waits for OP_WRITE when the socket is full (rare at this size). */
        void flush() throws IOException {
            channel.write(out);
            int interest = out.hasRemaining() ? SelectionKey.OP_READ | SelectionKey.OP_WRITE : SelectionKey.OP_READ;
            if (key.interestOps() != interest) {
                key.interestOps(interest);
            }
        }

        /** Reads what has come back; true once the whole echo is in and matches what was sent. */
        boolean receive() throws IOException {
            if (channel.read(in) < 0) {
                throw new IOException("connection " + id + ": the server closed it");
            }
            if (in.hasRemaining()) {
                return false;
            }
            in.flip();
            out.rewind();
            if (!in.equals(out)) {
                throw new IOException("connection " + id + ": the echo of message " + sequence + " differs from what was sent");
            }
            return true;
        }
    }
}
