package dev.nbio.tck;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nbio.AddressFamily;
import dev.nbio.Callback;
import dev.nbio.Operation;
import dev.nbio.RecvError;
import dev.nbio.TcpSocket;
import dev.nbio.UdpSocket;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/** Receives into buffers the loop provides: bytes, peer close, UDP sources, timeouts, removal, reuse. */
@ParameterizedClass(name = "{0}")
@MethodSource("dev.nbio.tck.Backends#names")
class RecvProvidedTest extends LoopTest {

    /** What a callback saw, copied out before the loop takes the buffer back. */
    private record Seen(byte[] bytes, int received, InetSocketAddress source, RecvError error, boolean bufferWasNull) {
        static Seen of(Operation op) {
            ByteBuffer buffer = op.recv().buffer();
            byte[] bytes = new byte[buffer == null ? 0 : buffer.remaining()];
            if (buffer != null) {
                assertEquals(0, buffer.position(), "a provided buffer starts at position 0");
                buffer.get(bytes);
            }
            return new Seen(bytes, op.recv().received(), op.recv().source(), op.recv().error(), buffer == null);
        }
    }

    @Test
    void theBytesArriveInAProvidedBuffer() throws IOException {
        try (SocketPair pair = SocketPair.open(loop, loopback())) {
            List<Seen> seen = new ArrayList<>();
            loop.recvProvided(pair.server(), op -> seen.add(Seen.of(op)));
            byte[] message = Bytes.random(1000);
            loop.send(pair.client(), ByteBuffer.wrap(message), op -> { });
            tickUntil(() -> !seen.isEmpty());
            assertNull(seen.getFirst().error());
            assertEquals(message.length, seen.getFirst().received());
            assertArrayEquals(message, seen.getFirst().bytes());
        }
    }

    @Test
    void aPeerThatClosesGivesZeroBytesAndNoBuffer() throws IOException {
        try (SocketPair pair = SocketPair.open(loop, loopback())) {
            List<Seen> seen = new ArrayList<>();
            loop.recvProvided(pair.server(), op -> seen.add(Seen.of(op)));
            pair.client().handle().close();
            tickUntil(() -> !seen.isEmpty());
            assertEquals(0, seen.getFirst().received());
            assertTrue(seen.getFirst().bufferWasNull(), "nothing received, so no buffer");
        }
    }

    @Test
    void manyMoreReceivesThanBuffersWorkBecauseEachBufferComesBack() throws IOException {
        int rounds = 600; // more than the default pool of 256
        try (SocketPair pair = SocketPair.open(loop, loopback())) {
            int[] done = {0};
            long[] sum = {0};
            for (int i = 0; i < rounds; i++) {
                byte value = (byte) i;
                loop.send(pair.client(), ByteBuffer.wrap(new byte[] {value}), op -> { });
                loop.recvProvided(pair.server(), op -> {
                    ByteBuffer buffer = op.recv().buffer();
                    assertNotNull(buffer, () -> "round " + done[0] + ": " + op.recv().error());
                    while (buffer.hasRemaining()) {
                        sum[0] += buffer.get();
                    }
                    done[0]++;
                });
                int expected = i + 1;
                tickUntil(() -> done[0] == expected);
            }
            long expectedSum = 0;
            for (int i = 0; i < rounds; i++) {
                expectedSum += (byte) i;
            }
            assertEquals(expectedSum, sum[0]);
        }
    }

    @Test
    void udpReceivesReportTheSource() throws IOException {
        UdpSocket server = loop.bindUdp(loopback());
        UdpSocket client = loop.bindUdp(loopback());
        try {
            List<Seen> seen = new ArrayList<>();
            loop.recvProvided(server, op -> seen.add(Seen.of(op)));
            byte[] datagram = Bytes.random(512);
            loop.sendTo(client, ByteBuffer.wrap(datagram), addressOf(server), op -> { });
            tickUntil(() -> !seen.isEmpty());
            assertNull(seen.getFirst().error());
            assertArrayEquals(datagram, seen.getFirst().bytes());
            assertEquals(addressOf(client), seen.getFirst().source());
        } finally {
            OpenHandles.closeNow(server);
            OpenHandles.closeNow(client);
        }
    }

    @Test
    void aReceiveWithNothingToReadTimesOut() throws IOException {
        try (SocketPair pair = SocketPair.open(loop, loopback())) {
            List<Seen> seen = new ArrayList<>();
            loop.recvProvided(pair.server(), Duration.ofMillis(30), seen, (op, list) -> list.add(Seen.of(op)));
            tickUntil(() -> !seen.isEmpty());
            assertEquals(RecvError.TIMEOUT, seen.getFirst().error());
            assertTrue(seen.getFirst().bufferWasNull());
            // The socket still works afterwards.
            List<Seen> after = new ArrayList<>();
            loop.recvProvided(pair.server(), op -> after.add(Seen.of(op)));
            loop.send(pair.client(), ByteBuffer.wrap(new byte[] {42}), op -> { });
            tickUntil(() -> !after.isEmpty());
            assertArrayEquals(new byte[] {42}, after.getFirst().bytes());
        }
    }

    @Test
    void aRemovedReceiveNeverCallsBackAndTheDataWaitsForTheNextOne() throws IOException {
        try (SocketPair pair = SocketPair.open(loop, loopback())) {
            Recorder<Outcome> removed = Recorder.outcomes();
            loop.remove(loop.recvProvided(pair.server(), removed));
            Ticking.tickFor(loop, Ticking.QUIET);
            assertEquals(0, removed.count());
            assertEquals(0, loop.numWaiting());
            List<Seen> seen = new ArrayList<>();
            loop.recvProvided(pair.server(), op -> seen.add(Seen.of(op)));
            loop.send(pair.client(), ByteBuffer.wrap(new byte[] {7, 8}), op -> { });
            tickUntil(() -> !seen.isEmpty());
            assertArrayEquals(new byte[] {7, 8}, seen.getFirst().bytes());
        }
    }

    @Test
    void aListenerIsRefused() throws IOException {
        TcpSocket listener = loop.listenTcp(loopback());
        try {
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                    () -> loop.recvProvided(listener, op -> { }));
            assertTrue(refused.getMessage().contains("listening"), refused.getMessage());
            assertFalse(loop.numWaiting() > 0);
        } finally {
            OpenHandles.closeNow(listener);
        }
    }

    @Test
    void aDetachedProvidedReceiveCannotRunAgainInsideItsCallback() throws IOException {
        try (SocketPair pair = SocketPair.open(loop, loopback())) {
            List<Throwable> refused = new ArrayList<>();
            Operation op = loop.prepRecvProvided(pair.server(), null, self -> {
                try {
                    loop.exec(self);
                } catch (IllegalStateException e) {
                    refused.add(e);
                }
            });
            loop.detach(op);
            loop.exec(op);
            loop.send(pair.client(), ByteBuffer.wrap(new byte[] {1}), o -> { });
            tickUntil(() -> !refused.isEmpty());
            assertTrue(refused.getFirst().getMessage().contains("buffer"), refused.getFirst().getMessage());
            loop.reattach(op);
        }
    }

    @Test
    void anIpv4SocketMadeByCreateSocketCanBeUsedForUdp() throws IOException {
        UdpSocket socket = loop.createUdpSocket(AddressFamily.IPV4);
        try {
            socket.bind(loopback());
            List<Seen> seen = new ArrayList<>();
            loop.recvProvided(socket, op -> seen.add(Seen.of(op)));
            loop.sendTo(socket, ByteBuffer.wrap(new byte[] {5}), addressOf(socket), op -> { });
            tickUntil(() -> !seen.isEmpty());
            assertArrayEquals(new byte[] {5}, seen.getFirst().bytes());
        } finally {
            OpenHandles.closeNow(socket);
        }
    }

    @Test
    void dataThatArrivesBetweenReceivesComesInOrder() throws IOException {
        try (SocketPair pair = SocketPair.open(loop, loopback())) {
            java.io.ByteArrayOutputStream got = new java.io.ByteArrayOutputStream();
            int[] calls = {0};
            Callback keep = op -> {
                ByteBuffer buffer = op.recv().buffer();
                while (buffer != null && buffer.hasRemaining()) {
                    got.write(buffer.get());
                }
                calls[0]++;
            };
            byte[] first = Bytes.random(100);
            loop.send(pair.client(), ByteBuffer.wrap(first), op -> { });
            loop.recvProvided(pair.server(), keep);
            tickUntil(() -> calls[0] == 1);
            // More arrives while no receive is pending (a backend may already hold it).
            byte[] later = Bytes.random(5000, 7);
            loop.send(pair.client(), ByteBuffer.wrap(later), op -> { });
            Ticking.tickFor(loop, Ticking.QUIET);
            int total = first.length + later.length;
            while (got.size() < total) {
                int before = calls[0];
                loop.recvProvided(pair.server(), keep);
                tickUntil(() -> calls[0] > before);
            }
            byte[] expected = new byte[total];
            System.arraycopy(first, 0, expected, 0, first.length);
            System.arraycopy(later, 0, expected, first.length, later.length);
            assertArrayEquals(expected, got.toByteArray());
        }
    }

    @Test
    void aReceiveIntoOwnBuffersAfterProvidedOnesGetsTheBytesInOrder() throws IOException {
        try (SocketPair pair = SocketPair.open(loop, loopback())) {
            List<Seen> seen = new ArrayList<>();
            loop.send(pair.client(), ByteBuffer.wrap(new byte[] {1, 2, 3}), op -> { });
            loop.recvProvided(pair.server(), op -> seen.add(Seen.of(op)));
            tickUntil(() -> !seen.isEmpty());
            byte[] rest = Bytes.random(20_000, 11);
            loop.send(pair.client(), ByteBuffer.wrap(rest), op -> { });
            Ticking.tickFor(loop, Ticking.QUIET);
            ByteBuffer mine = ByteBuffer.allocate(rest.length);
            Recorder<Outcome> all = Recorder.outcomes();
            loop.recv(pair.server(), mine, true, null, all);
            tickUntil(() -> all.count() == 1);
            assertArrayEquals(new byte[] {1, 2, 3}, seen.getFirst().bytes());
            assertArrayEquals(rest, mine.array());
        }
    }
}
