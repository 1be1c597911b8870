package dev.nbio.tck;

import static dev.nbio.tck.Bytes.ascii;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.nbio.Operation;
import dev.nbio.UdpSocket;
import dev.nbio.tck.SocketOutcomes.Received;
import dev.nbio.tck.SocketOutcomes.Sent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Receives made after an earlier receive took everything the socket had: a server's usual
 * rhythm (receive a request, answer, receive again before the next request is there). A
 * backend may skip the receive's immediate attempt then and wait for readiness; whatever it
 * does, bytes and the peer's close that come before or after the receive reach it.
 */
@ParameterizedClass(name = "{0}")
@MethodSource("dev.nbio.tck.Backends#names")
class RecvAfterDrainTest extends LoopTest {
    /** Ticks that must not complete anything: each waits for nothing, so the test never blocks on them. */
    private static final int IDLE_TICKS = 3;

    @Test
    void aReceiveMadeAfterTheSocketWasDrainedCompletesWhenBytesArriveLater() throws IOException {
        try (SocketPair pair = SocketPair.open(loop, loopback())) {
            assertEquals("request", exchangeShort(pair, "request"), "a short message fits a 64-byte buffer");

            ByteBuffer in = ByteBuffer.allocate(64);
            Recorder<Received> recv = Recorder.recvs();
            loop.recv(pair.server(), in, recv);
            idle();
            assertFalse(recv.called(), "the receive completed with nothing sent");

            loop.send(pair.client(), ascii("next request"), Recorder.sends());
            tickUntil(recv::called);
            assertEquals(new Received(12, null, null), recv.only());
            assertEquals("next request", text(in));
        }
    }

    @Test
    void bytesSentBetweenTheDrainingReceiveAndTheNextOneAreReceived() throws IOException {
        try (SocketPair pair = SocketPair.open(loop, loopback())) {
            ByteBuffer first = ByteBuffer.allocate(64);
            ByteBuffer second = ByteBuffer.allocate(64);
            Recorder<Received> secondRecv = Recorder.recvs();
            int[] firstReceived = {-1};
            loop.recv(pair.server(), first, op -> {
                firstReceived[0] = op.recv().received();
                // No wait in between: the send lands in the server's socket on loopback at
                // once, before the next receive is made on a socket that was just drained.
                loop.send(pair.client(), ascii("in between"), Recorder.sends());
                loop.recv(pair.server(), second, secondRecv);
            });
            loop.send(pair.client(), ascii("first"), Recorder.sends());
            tickUntil(secondRecv::called);

            assertEquals(5, firstReceived[0]);
            assertEquals(new Received(10, null, null), secondRecv.only());
            assertArrayEquals(ascii("in between").array(), Bytes.filled(second));
        }
    }

    @Test
    void aBurstLargerThanTheBufferIsReadWholeByReceivesMadeOneAfterAnother() throws IOException {
        byte[] burst = Bytes.random(1 << 20, 5);
        try (SocketPair pair = SocketPair.open(loop, loopback())) {
            Recorder<Sent> send = Recorder.sends();
            loop.send(pair.client(), ByteBuffer.wrap(burst), true, null, send);
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            List<Integer> sizes = new ArrayList<>();
            receiveInto(pair, ByteBuffer.allocate(4096), got, sizes, burst.length);
            tickUntil(() -> got.size() == burst.length && send.called());

            assertEquals(new Sent(burst.length, null), send.only());
            assertArrayEquals(burst, got.toByteArray(), "every byte once, in order, over " + sizes.size() + " receives");
            assertFalse(sizes.contains(0), "no receive reported the peer's close: " + sizes);
        }
    }

    /** Receives into {@code buffer} again and again from the callback until {@code total} bytes came. */
    private void receiveInto(SocketPair pair, ByteBuffer buffer, ByteArrayOutputStream got, List<Integer> sizes,
            int total) {
        loop.recv(pair.server(), buffer.clear(), (Operation op) -> {
            assertFalse(op.failed(), () -> "receive failed: " + op.recv().error());
            int received = op.recv().received();
            sizes.add(received);
            got.write(buffer.array(), 0, received);
            if (received > 0 && got.size() < total) {
                receiveInto(pair, buffer, got, sizes, total);
            }
        });
    }

    @Test
    void thePeersCloseAfterItsLastBytesReachesTheReceiveAfterThem() throws IOException {
        try (SocketPair pair = SocketPair.open(loop, loopback())) {
            Recorder<Sent> send = Recorder.sends();
            loop.send(pair.client(), ascii("last words"), send);
            tickUntil(send::called);
            pair.client().handle().close();   // the FIN follows the bytes, before anything is received

            ByteBuffer first = ByteBuffer.allocate(64);
            Recorder<Received> closed = Recorder.recvs();
            Recorder<Received> words = Recorder.recvs();
            loop.recv(pair.server(), first, op -> {
                words.onComplete(op);
                loop.recv(pair.server(), ByteBuffer.allocate(64), closed);
            });
            tickUntil(closed::called);

            assertEquals(new Received(10, null, null), words.only());
            assertEquals(new Received(0, null, null), closed.only(), "0 bytes and no error: the peer closed");
        }
    }

    @Test
    void thePeersCloseReachesAReceiveWaitingOnADrainedSocket() throws IOException {
        try (SocketPair pair = SocketPair.open(loop, loopback())) {
            assertEquals("hello", exchangeShort(pair, "hello"));
            Recorder<Received> closed = Recorder.recvs();
            loop.recv(pair.server(), ByteBuffer.allocate(64), closed);
            idle();
            assertFalse(closed.called(), "the receive completed before the peer closed");

            pair.client().handle().close();
            tickUntil(closed::called);
            assertEquals(new Received(0, null, null), closed.only());
        }
    }

    @Test
    void receivesQueuedBeforeAnyBytesEachGetALaterArrival() throws IOException {
        try (SocketPair pair = SocketPair.open(loop, loopback())) {
            ByteBuffer firstIn = ByteBuffer.allocate(64);
            ByteBuffer secondIn = ByteBuffer.allocate(64);
            Recorder<Received> first = Recorder.recvs();
            Recorder<Received> second = Recorder.recvs();
            loop.recv(pair.server(), firstIn, first);
            loop.recv(pair.server(), secondIn, second);

            loop.send(pair.client(), ascii("one"), Recorder.sends());
            tickUntil(first::called);
            idle();
            assertEquals(new Received(3, null, null), first.only());
            assertFalse(second.called(), "the second receive completed with nothing left for it");

            loop.send(pair.client(), ascii("two"), Recorder.sends());
            tickUntil(second::called);
            assertEquals(new Received(3, null, null), second.only());
            assertArrayEquals(ascii("two").array(), Bytes.filled(secondIn));
        }
    }

    @Test
    void bytesLeftUnreadForSomeTicksReachTheReceiveMadeLaterAndTheOneAfter() throws IOException {
        try (SocketPair pair = SocketPair.open(loop, loopback())) {
            assertEquals("a", exchangeShort(pair, "a"));
            // Readable with no receive waiting, tick after tick: a backend may stop watching
            // the socket meanwhile, and must watch it again for the receives that come.
            Recorder<Sent> send = Recorder.sends();
            loop.send(pair.client(), ascii("unread"), send);
            tickUntil(send::called);
            idle();

            ByteBuffer in = ByteBuffer.allocate(64);
            Recorder<Received> late = Recorder.recvs();
            loop.recv(pair.server(), in, late);
            tickUntil(late::called);
            assertEquals(new Received(6, null, null), late.only());

            Recorder<Received> next = Recorder.recvs();
            loop.recv(pair.server(), in.clear(), next);
            idle();
            assertFalse(next.called(), "the receive completed with nothing sent");
            loop.send(pair.client(), ascii("later"), Recorder.sends());
            tickUntil(next::called);
            assertEquals(new Received(5, null, null), next.only());
        }
    }

    @Test
    void anAllReceiveWaitsThroughAShortArrivalUntilItsBufferIsFull() throws IOException {
        try (SocketPair pair = SocketPair.open(loop, loopback())) {
            ByteBuffer in = ByteBuffer.allocate(10);
            Recorder<Received> recv = Recorder.recvs();
            loop.recv(pair.server(), in, true, null, recv);
            Recorder<Sent> part = Recorder.sends();
            loop.send(pair.client(), ascii("0123"), part);
            tickUntil(part::called);
            idle();
            assertFalse(recv.called(), "the all-receive completed with 4 of its 10 bytes");

            loop.send(pair.client(), ascii("456789"), Recorder.sends());
            tickUntil(recv::called);
            assertEquals(new Received(10, null, null), recv.only());
            assertArrayEquals(ascii("0123456789").array(), in.array());
        }
    }

    @Test
    void aProvidedReceiveAfterTheSocketWasDrainedCompletesWhenBytesArriveLater() throws IOException {
        try (SocketPair pair = SocketPair.open(loop, loopback())) {
            List<String> seen = new ArrayList<>();
            loop.recvProvided(pair.server(), op -> {
                seen.add(providedText(op));
                loop.recvProvided(pair.server(), next -> seen.add(providedText(next)));
            });
            loop.send(pair.client(), ascii("first"), Recorder.sends());
            tickUntil(() -> seen.size() == 1);
            idle();
            assertEquals(List.of("first"), seen, "the second provided receive completed with nothing sent");

            loop.send(pair.client(), ascii("second"), Recorder.sends());
            tickUntil(() -> seen.size() == 2);
            assertEquals(List.of("first", "second"), seen);
        }
    }

    private static String providedText(Operation op) {
        assertFalse(op.failed(), () -> "provided receive failed: " + op.recv().error());
        ByteBuffer buffer = op.recv().buffer();
        assertNotNull(buffer, "a provided receive that got bytes hands over a buffer");
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return new String(bytes, StandardCharsets.US_ASCII);
    }

    @Test
    void aDatagramReceiveMadeAfterOneCompletesWhenTheNextDatagramArrives() throws IOException {
        UdpSocket receiver = loop.bindUdp(loopback());
        UdpSocket sender = loop.bindUdp(loopback());
        try {
            ByteBuffer firstIn = ByteBuffer.allocate(64);
            ByteBuffer secondIn = ByteBuffer.allocate(64);
            Recorder<Received> second = Recorder.recvs();
            Recorder<Received> first = Recorder.recvs();
            loop.recv(receiver, firstIn, op -> {
                first.onComplete(op);
                loop.recv(receiver, secondIn, second);
            });
            loop.sendTo(sender, ascii("one"), addressOf(receiver), Recorder.sends());
            tickUntil(first::called);
            idle();
            assertEquals(new Received(3, addressOf(sender), null), first.only());
            assertFalse(second.called(), "the second receive completed with no datagram sent");

            loop.sendTo(sender, ascii("two!"), addressOf(receiver), Recorder.sends());
            tickUntil(second::called);
            assertEquals(new Received(4, addressOf(sender), null), second.only());
            assertArrayEquals(ascii("two!").array(), Bytes.filled(secondIn));
        } finally {
            OpenHandles.closeNow(receiver);
            OpenHandles.closeNow(sender);
        }
    }

    /** Sends a short message from client to server and receives it into a larger buffer: the server's socket ends up drained. */
    private String exchangeShort(SocketPair pair, String message) {
        ByteBuffer in = ByteBuffer.allocate(64);
        Recorder<Received> recv = Recorder.recvs();
        loop.recv(pair.server(), in, recv);
        loop.send(pair.client(), ascii(message), Recorder.sends());
        tickUntil(recv::called);
        assertEquals(message.length(), recv.only().received());
        return text(in);
    }

    private static String text(ByteBuffer filled) {
        return new String(Bytes.filled(filled), StandardCharsets.US_ASCII);
    }

    /** A few ticks that wait for nothing: whatever is ready by now is handled. */
    private void idle() {
        for (int i = 0; i < IDLE_TICKS; i++) {
            loop.tick(Duration.ZERO);
        }
    }
}
