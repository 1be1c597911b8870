package dev.nbio.tck;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nbio.AcceptError;
import dev.nbio.DialError;
import dev.nbio.PollError;
import dev.nbio.PollEvent;
import dev.nbio.RecvError;
import dev.nbio.SendError;
import dev.nbio.TcpSocket;
import dev.nbio.UdpSocket;
import dev.nbio.tck.SocketOutcomes.Accepted;
import dev.nbio.tck.SocketOutcomes.Dialed;
import dev.nbio.tck.SocketOutcomes.Polled;
import dev.nbio.tck.SocketOutcomes.Received;
import dev.nbio.tck.SocketOutcomes.Sent;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Per-operation timeouts on sockets: each ends with the {@code TIMEOUT} constant of its
 * kind's error enum, not before its time, and leaves the socket (or the loop) usable.
 */
@ParameterizedClass(name = "{0}")
@MethodSource("dev.nbio.tck.Backends#names")
class SocketTimeoutTest extends LoopTest {
    private static final Duration TIMEOUT = Duration.ofMillis(60);

    /** Starts the clock; the timeout is measured from the call that makes the operation. */
    private static long start() {
        return System.nanoTime();
    }

    private static void assertNotEarly(long startedAt) {
        long elapsed = System.nanoTime() - startedAt;
        assertTrue(elapsed >= TIMEOUT.toNanos(), () -> "timed out after " + elapsed / 1_000_000 + " ms, before " + TIMEOUT);
    }

    @Test
    void acceptTimesOutAndTheListenerStillAcceptsAfterwards() throws IOException {
        TcpSocket listener = loop.listenTcp(loopback());
        Recorder<Accepted> accept = Recorder.accepts();
        long startedAt = start();
        loop.accept(listener, TIMEOUT, accept);
        tickUntil(accept::called);
        assertNotEarly(startedAt);
        assertEquals(new Accepted(null, null, AcceptError.TIMEOUT), accept.only());
        assertTrue(accept.only().error().isTimeout());
        assertEquals(0, loop.numWaiting());

        // Accepting and dialing once more shows the listener still works.
        try (SocketPair pair = SocketTestKit.connect(loop, listener)) {
            assertTrue(pair.server().isOpen());
        }
    }

    @Test
    void recvTimesOutAndTheSocketStillReceivesAfterwards() throws IOException {
        try (SocketPair pair = SocketPair.open(loop, loopback())) {
            Recorder<Received> recv = Recorder.recvs();
            ByteBuffer in = ByteBuffer.allocate(16);
            long startedAt = start();
            loop.recv(pair.server(), in, false, TIMEOUT, recv);
            tickUntil(recv::called);
            assertNotEarly(startedAt);
            assertEquals(new Received(0, null, RecvError.TIMEOUT), recv.only());
            assertEquals(0, in.position());

            Recorder<Received> again = Recorder.recvs();
            loop.recv(pair.server(), in, again);
            loop.send(pair.client(), ByteBuffer.wrap(new byte[] {4, 2}), Recorder.sends());
            tickUntil(again::called);
            assertEquals(new Received(2, null, null), again.only());
            assertArrayEquals(new byte[] {4, 2}, Bytes.contents(in, 0, 2));
        }
    }

    @Test
    void udpRecvTimesOutAndTheSocketStillReceivesAfterwards() throws IOException {
        UdpSocket receiver = loop.bindUdp(loopback());
        UdpSocket sender = loop.bindUdp(loopback());
        try {
            Recorder<Received> recv = Recorder.recvs();
            long startedAt = start();
            loop.recv(receiver, ByteBuffer.allocate(16), false, TIMEOUT, recv);
            tickUntil(recv::called);
            assertNotEarly(startedAt);
            assertEquals(RecvError.TIMEOUT, recv.only().error());

            Recorder<Received> again = Recorder.recvs();
            loop.recv(receiver, ByteBuffer.allocate(16), again);
            loop.sendTo(sender, ByteBuffer.wrap(new byte[] {7}), addressOf(receiver), Recorder.sends());
            tickUntil(again::called);
            assertEquals(new Received(1, addressOf(sender), null), again.only());
        } finally {
            receiver.handle().close();
            sender.handle().close();
        }
    }

    @Test
    void pollTimesOutAndPollStillFiresAfterwards() throws IOException {
        try (SocketPair pair = SocketPair.open(loop, loopback())) {
            Recorder<Polled> poll = Recorder.polls();
            long startedAt = start();
            loop.poll(pair.server(), PollEvent.READABLE, TIMEOUT, poll);
            tickUntil(poll::called);
            assertNotEarly(startedAt);
            assertEquals(new Polled(PollEvent.READABLE, PollError.TIMEOUT), poll.only());

            Recorder<Polled> again = Recorder.polls();
            loop.poll(pair.server(), PollEvent.READABLE, again);
            loop.send(pair.client(), ByteBuffer.wrap(new byte[] {1}), Recorder.sends());
            tickUntil(again::called);
            assertEquals(new Polled(PollEvent.READABLE, null), again.only());
        }
    }

    /**
     * A dial that cannot finish on loopback: once a listener's accept queue is full (backlog
     * 1, nothing accepted), Linux drops further SYNs and the dialer waits in SYN_SENT.
     */
    @Test
    void dialTimesOutWhileTheListenerQueueIsFullAndTheLoopDialsAfterwards() throws IOException {
        // listenTcp, not bind + listen: on nio a bare bind already listens with the default backlog.
        TcpSocket listener = loop.listenTcp(loopback(), 1);
        InetSocketAddress address = addressOf(listener);
        List<TcpSocket> queued = new ArrayList<>();
        Dialed timedOut = null;
        long startedAt = 0;
        // A handful of dials fill the queue (its exact depth is the kernel's choice); the next one hangs.
        for (int attempt = 0; attempt < 8 && timedOut == null; attempt++) {
            Recorder<Dialed> dial = Recorder.dials();
            startedAt = start();
            loop.dial(address, TIMEOUT, dial);
            tickUntil(dial::called);
            Dialed dialed = dial.only();
            if (dialed.error() == null) {
                queued.add(dialed.socket());
            } else {
                timedOut = dialed;
            }
        }
        try {
            assertNotNull(timedOut, "every dial connected; the accept queue never filled");
            assertNotEarly(startedAt);
            assertEquals(new Dialed(null, DialError.TIMEOUT), timedOut);
            assertFalse(queued.isEmpty(), "the first dial must connect: the queue starts empty");
            assertEquals(0, loop.numWaiting());

            // Empty the queue, then the same endpoint takes a dial again.
            for (int i = 0; i < queued.size(); i++) {
                Recorder<Accepted> accept = Recorder.accepts();
                loop.accept(listener, accept);
                tickUntil(accept::called);
                assertNull(accept.only().error());
                accept.only().client().handle().close();
            }
            SocketTestKit.connect(loop, listener).close();
        } finally {
            for (TcpSocket socket : queued) {
                socket.handle().close();
            }
            listener.handle().close();
        }
    }

    /**
     * A send whose peer does not read times out. The API does not say what {@code sent()}
     * reports for a failed send; a user needs it to be the bytes that did go out, so the
     * stream can be resumed: the receiver gets exactly that many, then what is sent next.
     */
    @Test
    void sendTimesOutWhenThePeerDoesNotReadAndTheStreamGoesOnAfterwards() throws IOException {
        byte[] data = Bytes.random(16 << 20, 16);
        try (SocketPair pair = SocketTestKit.openSmallBufferPair(loop, loopback(), 32 * 1024)) {
            Recorder<Sent> send = Recorder.sends();
            long startedAt = start();
            loop.send(pair.client(), ByteBuffer.wrap(data), true, TIMEOUT, send);
            tickUntil(send::called);
            assertNotEarly(startedAt);
            Sent outcome = send.only();
            assertEquals(SendError.TIMEOUT, outcome.error());
            assertTrue(outcome.sent() > 0 && outcome.sent() < data.length,
                    "some but not all of 16 MiB fits in small buffers; sent() said " + outcome.sent());

            byte[] marker = "after the timeout".getBytes(StandardCharsets.US_ASCII);
            Recorder<Sent> markerSend = Recorder.sends();
            loop.send(pair.client(), ByteBuffer.wrap(marker), markerSend);
            ByteBuffer in = ByteBuffer.allocate(outcome.sent() + marker.length);
            Recorder<Received> recv = Recorder.recvs();
            loop.recv(pair.server(), in, true, null, recv);
            tickUntil(() -> recv.called() && markerSend.called());
            assertEquals(new Sent(marker.length, null), markerSend.only());
            assertEquals(new Received(in.capacity(), null, null), recv.only());
            assertArrayEquals(Bytes.contents(ByteBuffer.wrap(data), 0, outcome.sent()),
                    Bytes.contents(in, 0, outcome.sent()), "the receiver got the bytes sent() counted");
            assertArrayEquals(marker, Bytes.contents(in, outcome.sent(), in.capacity()),
                    "and then the next send's bytes, nothing in between");
        }
    }
}
