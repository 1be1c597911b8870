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
     * @param measure     how long to measure
     */
    record Settings(InetSocketAddress server, int connections, int messageSize, Duration warmup, Duration measure) {
    }

    /** Called at the edges of the measured period (to read CPU counters there). */
    interface Window {
        void begin();

        void end();
    }

    /**
     * What one run measured.
     *
     * @param roundTrips   completed round trips in the measured period
     * @param elapsedNanos length of the measured period
     * @param latencies    round-trip times in nanoseconds
     */
    record Result(long roundTrips, long elapsedNanos, Histogram latencies) {
        double perSecond() {
            return roundTrips * 1e9 / elapsedNanos;
        }
    }

    private final Settings settings;
    private final Histogram latencies = new Histogram(HIGHEST_NANOS, 3);
    private long roundTrips;

    EchoClient(Settings settings) {
        this.settings = settings;
    }

    /**
     * Connects, warms up, measures, disconnects.
     *
     * @param window told when the measured period begins and ends
     * @return the figures of the measured period
     * @throws IOException when a connection fails or an echo is wrong
     */
    Result run(Window window) throws IOException {
        List<Conn> conns = new ArrayList<>();
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
            long warmupEnd = System.nanoTime() + settings.warmup().toNanos();
            long measureStart = 0;
            boolean measuring = false;
            while (true) {
                // The timeout only bounds how late a phase change is seen when a server stalls.
                selector.select(this::onReady, 50);
                long now = System.nanoTime();
                if (!measuring && now >= warmupEnd) {
                    latencies.reset();
                    roundTrips = 0;
                    window.begin();
                    measureStart = System.nanoTime();
                    measuring = true;
                } else if (measuring && now - measureStart >= settings.measure().toNanos()) {
                    long elapsed = System.nanoTime() - measureStart;
                    window.end();
                    return new Result(roundTrips, elapsed, latencies.copy());
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
