package dev.nbio.tck;

import static dev.nbio.tck.Bytes.ascii;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.nbio.AddressFamily;
import dev.nbio.SocketProtocol;
import dev.nbio.UdpSocket;
import dev.nbio.tck.SocketOutcomes.Received;
import dev.nbio.tck.SocketOutcomes.Sent;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/** UDP: binding, datagrams with their source, message boundaries, gather/scatter and truncation. */
@ParameterizedClass(name = "{0}")
@MethodSource("dev.nbio.tck.Backends#names")
class UdpTest extends LoopTest {
    @RegisterExtension
    final OpenHandles opened = new OpenHandles();
    private UdpSocket sender;
    private UdpSocket receiver;

    @BeforeEach
    void bindTwoSockets() throws IOException {
        sender = bind();
        receiver = bind();
    }

    private UdpSocket bind() throws IOException {
        return opened.track(loop.bindUdp(loopback()));
    }

    @Test
    void bindUdpPicksAPortOnTheAddressGiven() {
        InetSocketAddress bound = addressOf(receiver);
        assertEquals(InetAddress.getLoopbackAddress(), bound.getAddress());
        assertNotEquals(0, bound.getPort());
        assertEquals(SocketProtocol.UDP, receiver.protocol());
    }

    @Test
    void createUdpSocketThenBindReceivesDatagrams() throws IOException {
        UdpSocket made = opened.track(loop.createUdpSocket(AddressFamily.IPV4));
        assertEquals(SocketProtocol.UDP, made.protocol());
        made.bind(loopback());
        assertNotEquals(0, addressOf(made).getPort());

        ByteBuffer in = ByteBuffer.allocate(32);
        Recorder<Received> recv = Recorder.recvs();
        loop.recv(made, in, recv);
        loop.sendTo(sender, ascii("to a created socket"), addressOf(made), Recorder.sends());
        tickUntil(recv::called);
        assertEquals(new Received(19, addressOf(sender), null), recv.only());
    }

    @Test
    void sendToAndRecvCarryTheDatagramAndReportItsSource() {
        byte[] bytes = "ping over udp".getBytes(StandardCharsets.US_ASCII);
        ByteBuffer out = ByteBuffer.wrap(bytes);
        ByteBuffer in = ByteBuffer.allocate(64);
        Recorder<Received> recv = Recorder.recvs();
        Recorder<Sent> send = Recorder.sends();
        loop.recv(receiver, in, recv);
        loop.sendTo(sender, out, addressOf(receiver), send);
        tickUntil(() -> recv.called() && send.called());

        assertEquals(new Sent(bytes.length, null), send.only());
        assertEquals(bytes.length, out.position());
        assertEquals(new Received(bytes.length, addressOf(sender), null), recv.only(),
                "recv reports the sender's address as the source");
        assertEquals(bytes.length, in.position());
        assertArrayEquals(bytes, Bytes.contents(in, 0, bytes.length));
    }

    @Test
    void severalDatagramsArriveOneAtATimeWithTheirBoundaries() {
        List<String> datagrams = List.of("one", "datagram number two", "3");
        for (String datagram : datagrams) {
            loop.sendTo(sender, ascii(datagram), addressOf(receiver), Recorder.sends());
        }
        List<String> received = new ArrayList<>();
        for (int i = 0; i < datagrams.size(); i++) {
            ByteBuffer in = ByteBuffer.allocate(64);
            Recorder<Received> recv = Recorder.recvs();
            loop.recv(receiver, in, recv);
            tickUntil(recv::called);
            Received outcome = recv.only();
            assertNull(outcome.error());
            assertEquals(addressOf(sender), outcome.source());
            received.add(new String(Bytes.contents(in, 0, outcome.received()), StandardCharsets.US_ASCII));
        }
        // Loopback neither drops nor reorders datagrams, so they come back as sent, one per recv.
        assertEquals(datagrams, received);
        runToCompletion();
    }

    @Test
    void vectoredSendToGathersTheBuffersIntoOneDatagram() {
        ByteBuffer[] parts = {ascii("gath"), ascii("ered "), ascii(""), ascii("datagram")};
        Recorder<Sent> send = Recorder.sends();
        loop.sendTo(sender, parts, addressOf(receiver), null, send);
        ByteBuffer in = ByteBuffer.allocate(64);
        Recorder<Received> recv = Recorder.recvs();
        loop.recv(receiver, in, recv);
        tickUntil(() -> recv.called() && send.called());

        assertEquals(new Sent(17, null), send.only());
        for (ByteBuffer part : parts) {
            assertEquals(part.limit(), part.position(), "every part is consumed");
        }
        assertEquals(new Received(17, addressOf(sender), null), recv.only(), "one datagram of all the parts");
        assertEquals("gathered datagram", new String(Bytes.contents(in, 0, 17), StandardCharsets.US_ASCII));
    }

    @Test
    void vectoredRecvScattersOneDatagramOverTheBuffers() {
        byte[] bytes = "0123456789".getBytes(StandardCharsets.US_ASCII);
        ByteBuffer[] parts = {ByteBuffer.allocate(4), ByteBuffer.allocate(3), ByteBuffer.allocate(8)};
        Recorder<Received> recv = Recorder.recvs();
        loop.recv(receiver, parts, false, null, recv);
        loop.sendTo(sender, ByteBuffer.wrap(bytes), addressOf(receiver), Recorder.sends());
        tickUntil(recv::called);

        assertEquals(new Received(10, addressOf(sender), null), recv.only());
        assertEquals(4, parts[0].position());
        assertEquals(3, parts[1].position());
        assertEquals(3, parts[2].position(), "the last buffer holds the rest and advances by that much");
        assertEquals("0123", new String(parts[0].array(), StandardCharsets.US_ASCII));
        assertEquals("456", new String(parts[1].array(), StandardCharsets.US_ASCII));
        assertEquals("789", new String(Bytes.contents(parts[2], 0, 3), StandardCharsets.US_ASCII));
    }

    /**
     * The API does not say what happens to a datagram larger than the receive buffers. What a
     * user of datagram sockets expects (recvfrom, DatagramChannel.receive): the buffer is
     * filled, the rest of that datagram is discarded and the next recv gets the next datagram.
     */
    @Test
    void aDatagramLargerThanTheBufferIsTruncatedAndItsRestDiscarded() {
        byte[] big = Bytes.random(100, 100);
        ByteBuffer small = ByteBuffer.allocate(40);
        Recorder<Received> first = Recorder.recvs();
        loop.recv(receiver, small, first);
        loop.sendTo(sender, ByteBuffer.wrap(big), addressOf(receiver), Recorder.sends());
        tickUntil(first::called);

        assertEquals(new Received(40, addressOf(sender), null), first.only(), "received counts what fit");
        assertEquals(40, small.position());
        assertArrayEquals(Bytes.contents(ByteBuffer.wrap(big), 0, 40), small.array());

        ByteBuffer next = ByteBuffer.allocate(40);
        Recorder<Received> second = Recorder.recvs();
        loop.recv(receiver, next, second);
        loop.sendTo(sender, ascii("next"), addressOf(receiver), Recorder.sends());
        tickUntil(second::called);
        assertEquals(new Received(4, addressOf(sender), null), second.only(),
                "the truncated datagram's rest is gone; the next recv gets the next datagram");
        assertEquals("next", new String(Bytes.contents(next, 0, 4), StandardCharsets.US_ASCII));
    }

    @Test
    void recvWithAllCompletesWithOneDatagramOnUdp() {
        ByteBuffer in = ByteBuffer.allocate(1000);
        Recorder<Received> recv = Recorder.recvs();
        // "all" is a stream notion: on UDP one datagram completes the recv even when it does not fill the buffer.
        loop.recv(receiver, in, true, null, recv);
        loop.sendTo(sender, ascii("short"), addressOf(receiver), Recorder.sends());
        tickUntil(recv::called);
        assertEquals(new Received(5, addressOf(sender), null), recv.only());
    }

    @Test
    void sendToWithAnAttachmentHandsItOver() {
        Object state = new Object();
        List<Object> seen = new ArrayList<>();
        int[] sent = {-1};
        loop.sendTo(sender, ascii("attached"), addressOf(receiver), state, (op, attachment) -> {
            seen.add(attachment);
            sent[0] = op.send().sent();
        });
        tickUntil(() -> !seen.isEmpty());
        assertEquals(List.of(state), seen);
        assertEquals(8, sent[0]);
        assertEquals(0, loop.numWaiting());
    }
}
