package dev.nbio.tck;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nbio.AddressFamily;
import dev.nbio.DialError;
import dev.nbio.Operation;
import dev.nbio.OperationKind;
import dev.nbio.RecvError;
import dev.nbio.SendError;
import dev.nbio.SocketProtocol;
import dev.nbio.TcpSocket;
import dev.nbio.tck.SocketOutcomes.Accepted;
import dev.nbio.tck.SocketOutcomes.Dialed;
import dev.nbio.tck.SocketOutcomes.Received;
import dev.nbio.tck.SocketOutcomes.Sent;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/** TCP: listening, accept and dial, send and receive (with and without {@code all}), peer close, refusal, attachments. */
@ParameterizedClass(name = "{0}")
@MethodSource("dev.nbio.tck.Backends#names")
class TcpTest extends LoopTest {
    private static final int EIGHT_MIB = 8 << 20;

    @Test
    void listenTcpWithBacklogThenAcceptAndDialReportTheirAddresses() throws IOException {
        TcpSocket listener = loop.listenTcp(loopback(), 16);
        InetSocketAddress listening = addressOf(listener);
        assertEquals(InetAddress.getLoopbackAddress(), listening.getAddress());
        assertNotEquals(0, listening.getPort(), "port 0 must be replaced by the port picked");
        assertEquals(SocketProtocol.TCP, listener.protocol());

        Recorder<Accepted> accept = Recorder.accepts();
        Recorder<Dialed> dial = Recorder.dials();
        Operation acceptOp = loop.accept(listener, accept);
        Operation dialOp = loop.dial(listening, dial);
        assertEquals(OperationKind.ACCEPT, acceptOp.kind());
        assertEquals(OperationKind.DIAL, dialOp.kind());
        assertFalse(accept.called() || dial.called(), "a callback ran synchronously");
        tickUntil(() -> accept.called() && dial.called());

        Accepted accepted = accept.only();
        Dialed dialed = dial.only();
        assertNull(accepted.error());
        assertNull(dialed.error());
        try (SocketPair pair = new SocketPair(listener, accepted.client(), dialed.socket())) {
            assertTrue(pair.server().isOpen() && pair.client().isOpen());
            assertEquals(addressOf(pair.client()), accepted.clientAddress(), "accept reports the dialer's address");
            assertEquals(listening, pair.client().remoteAddress(), "the dialed socket is connected to the listener");
            assertEquals(accepted.clientAddress(), pair.server().remoteAddress());
            assertEquals(listening, addressOf(pair.server()));
        }
        runToCompletion();
    }

    @Test
    void messagesGoBothWaysWithTheirBytesIntact() throws IOException {
        try (SocketPair pair = SocketPair.open(loop, loopback())) {
            exchange(pair.client(), pair.server(), "hello from the client");
            exchange(pair.server(), pair.client(), "and hello back from the server");
        }
    }

    /** Sends a short message and receives it on the other side; checks counts, positions and bytes. */
    private void exchange(TcpSocket from, TcpSocket to, String message) {
        byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
        ByteBuffer out = ByteBuffer.wrap(bytes);
        ByteBuffer in = ByteBuffer.allocate(256);
        Recorder<Received> recv = Recorder.recvs();
        Recorder<Sent> send = Recorder.sends();
        loop.recv(to, in, recv);
        loop.send(from, out, send);
        tickUntil(() -> recv.called() && send.called());

        assertEquals(new Sent(bytes.length, null), send.only());
        assertEquals(bytes.length, out.position(), "send advances the buffer's position");
        Received received = recv.only();
        assertNull(received.error());
        // A short message on loopback arrives in one segment, so one plain recv gets all of it.
        assertEquals(bytes.length, received.received());
        assertNull(received.source(), "TCP receives report no source");
        assertEquals(bytes.length, in.position(), "recv advances the buffer's position by what it received");
        assertArrayEquals(bytes, Bytes.contents(in, 0, bytes.length));
    }

    @Test
    void allSendOfEightMebibytesIsReceivedWholeByAllRecv() throws IOException {
        byte[] data = Bytes.random(EIGHT_MIB, 8);
        ByteBuffer out = ByteBuffer.wrap(data);
        ByteBuffer in = ByteBuffer.allocate(EIGHT_MIB);
        try (SocketPair pair = SocketPair.open(loop, loopback())) {
            Recorder<Received> recv = Recorder.recvs();
            Recorder<Sent> send = Recorder.sends();
            loop.recv(pair.server(), in, true, null, recv);
            loop.send(pair.client(), out, true, null, send);
            tickUntil(() -> recv.called() && send.called());

            assertEquals(new Sent(EIGHT_MIB, null), send.only());
            assertEquals(new Received(EIGHT_MIB, null, null), recv.only());
            assertFalse(out.hasRemaining());
            assertFalse(in.hasRemaining());
            assertArrayEquals(data, in.array());
        }
        runToCompletion();
    }

    @Test
    void recvGetsZeroBytesAndNoErrorWhenThePeerCloses() throws IOException {
        try (SocketPair pair = SocketPair.open(loop, loopback())) {
            Recorder<Received> recv = Recorder.recvs();
            ByteBuffer in = ByteBuffer.allocate(64);
            loop.recv(pair.server(), in, recv);
            loop.close(pair.client());
            tickUntil(recv::called);

            assertEquals(new Received(0, null, null), recv.only(), "0 bytes and no error means the peer closed");
            assertEquals(0, in.position());
        }
    }

    @Test
    void allRecvEndsWithWhatArrivedWhenThePeerClosesBeforeTheBufferIsFull() throws IOException {
        byte[] bytes = "ten bytes!".getBytes(StandardCharsets.US_ASCII);
        try (SocketPair pair = SocketPair.open(loop, loopback())) {
            Recorder<Sent> send = Recorder.sends();
            loop.send(pair.client(), ByteBuffer.wrap(bytes), send);
            tickUntil(send::called);
            loop.close(pair.client());

            ByteBuffer in = ByteBuffer.allocate(100);
            Recorder<Received> recv = Recorder.recvs();
            loop.recv(pair.server(), in, true, null, recv);
            tickUntil(recv::called);

            assertEquals(new Received(bytes.length, null, null), recv.only());
            assertArrayEquals(bytes, Bytes.contents(in, 0, bytes.length));
        }
    }

    @Test
    void dialToAPortWhereNothingListensIsRefused() throws IOException {
        InetSocketAddress closed = SocketTestKit.closedPort(InetAddress.getLoopbackAddress());
        Recorder<Dialed> dial = Recorder.dials();
        loop.dial(closed, dial);
        tickUntil(dial::called);

        assertEquals(new Dialed(null, DialError.CONNECTION_REFUSED), dial.only());
        assertEquals(0, loop.numWaiting());
    }

    @Test
    void aRecvAndASendPendingOnOneSocketBothComplete() throws IOException {
        byte[] request = "request".getBytes(StandardCharsets.US_ASCII);
        byte[] reply = "reply".getBytes(StandardCharsets.US_ASCII);
        try (SocketPair pair = SocketPair.open(loop, loopback())) {
            // The client's recv waits (nothing to read) while its send goes out on the same socket.
            ByteBuffer clientIn = ByteBuffer.allocate(64);
            Recorder<Received> clientRecv = Recorder.recvs();
            Recorder<Sent> clientSend = Recorder.sends();
            loop.recv(pair.client(), clientIn, clientRecv);
            loop.send(pair.client(), ByteBuffer.wrap(request), clientSend);
            assertEquals(2, loop.numWaiting());

            ByteBuffer serverIn = ByteBuffer.allocate(64);
            Recorder<Received> serverRecv = Recorder.recvs();
            loop.recv(pair.server(), serverIn, serverRecv);
            tickUntil(() -> clientSend.called() && serverRecv.called());
            assertFalse(clientRecv.called(), "the client's recv completed with nothing sent to it");
            assertEquals(new Received(request.length, null, null), serverRecv.only());
            assertArrayEquals(request, Bytes.contents(serverIn, 0, request.length));

            loop.send(pair.server(), ByteBuffer.wrap(reply), Recorder.sends());
            tickUntil(clientRecv::called);
            assertEquals(new Received(reply.length, null, null), clientRecv.only());
            assertArrayEquals(reply, Bytes.contents(clientIn, 0, reply.length));
            runToCompletion();
        }
    }

    @Test
    void twoSendsPendingOnOneSocketGoOutInTheOrderTheyWereStarted() throws IOException {
        int size = 2 << 20;
        byte[] first = Bytes.random(size, 1);
        byte[] second = Bytes.random(size, 2);
        try (SocketPair pair = SocketTestKit.openSmallBufferPair(loop, loopback(), 64 * 1024)) {
            List<String> completions = new ArrayList<>();
            Recorder<Sent> firstSend = Recorder.sends();
            Recorder<Sent> secondSend = Recorder.sends();
            loop.send(pair.client(), ByteBuffer.wrap(first), op -> {
                completions.add("first");
                firstSend.onComplete(op);
            });
            loop.send(pair.client(), ByteBuffer.wrap(second), op -> {
                completions.add("second");
                secondSend.onComplete(op);
            });
            ByteBuffer in = ByteBuffer.allocate(2 * size);
            Recorder<Received> recv = Recorder.recvs();
            loop.recv(pair.server(), in, true, null, recv);
            tickUntil(() -> recv.called() && secondSend.called());

            assertEquals(new Sent(size, null), firstSend.only());
            assertEquals(new Sent(size, null), secondSend.only());
            assertEquals(List.of("first", "second"), completions, "sends on one socket complete in FIFO order");
            assertEquals(new Received(2 * size, null, null), recv.only());
            assertArrayEquals(first, Bytes.contents(in, 0, size), "the first send's bytes come first");
            assertArrayEquals(second, Bytes.contents(in, size, 2 * size), "then the second's, unmixed");
        }
    }

    @Test
    void createTcpSocketBindAndListenMakeAWorkingListener() throws IOException {
        TcpSocket listener = loop.createTcpSocket(AddressFamily.IPV4);
        assertEquals(SocketProtocol.TCP, listener.protocol());
        assertSame(loop, listener.loop());
        listener.bind(loopback());
        listener.listen(4);
        InetSocketAddress listening = addressOf(listener);
        assertNotEquals(0, listening.getPort());

        try (SocketPair pair = SocketTestKit.connect(loop, listener)) {
            exchange(pair.client(), pair.server(), "over a listener made step by step");
        }
    }

    @Test
    void bindAloneReportsTheBoundPort() throws IOException {
        TcpSocket socket = loop.createTcpSocket(AddressFamily.IPV4);
        try {
            socket.bind(loopback());
            InetSocketAddress bound = addressOf(socket);
            assertNotNull(bound, "a bound socket has a local address");
            assertNotEquals(0, bound.getPort(), "binding to port 0 picks a port, which localAddress reports");
        } finally {
            socket.handle().close();
        }
    }

    @Test
    void listenRejectsANonPositiveBacklog() throws IOException {
        TcpSocket socket = loop.createTcpSocket(AddressFamily.IPV4);
        try {
            socket.bind(loopback());
            assertThrows(IllegalArgumentException.class, () -> socket.listen(0));
        } finally {
            socket.handle().close();
        }
    }

    @Test
    void theAttachmentFormsHandTheAttachmentToTheCallback() throws IOException {
        TcpSocket listener = loop.listenTcp(loopback());
        Object acceptState = new Object();
        Object dialState = new Object();
        TcpSocket[] sides = new TcpSocket[2];
        List<Object> seen = new ArrayList<>();
        loop.accept(listener, acceptState, (op, state) -> {
            seen.add(state);
            assertSame(state, op.attachment());
            sides[0] = op.accept().client();
        });
        loop.dial(addressOf(listener), dialState, (op, state) -> {
            seen.add(state);
            assertSame(state, op.attachment());
            sides[1] = op.dial().socket();
        });
        tickUntil(() -> seen.size() == 2);
        assertTrue(seen.contains(acceptState) && seen.contains(dialState), "attachments: " + seen);
        try (SocketPair pair = new SocketPair(listener, sides[0], sides[1])) {
            StringBuilder recvState = new StringBuilder("recv state");
            StringBuilder sendState = new StringBuilder("send state");
            List<Object> ioSeen = new ArrayList<>();
            int[] received = {-1};
            loop.recv(pair.server(), ByteBuffer.allocate(16), recvState, (op, state) -> {
                assertSame(state, op.attachment());
                ioSeen.add(state);
                received[0] = op.recv().received();
            });
            loop.send(pair.client(), ByteBuffer.wrap(new byte[] {1, 2, 3}), sendState, (op, state) -> {
                assertSame(state, op.attachment());
                ioSeen.add(state);
            });
            tickUntil(() -> ioSeen.size() == 2);
            assertTrue(ioSeen.contains(recvState) && ioSeen.contains(sendState), "attachments: " + ioSeen);
            assertEquals(3, received[0]);
        }
    }

    @Test
    void closingASocketEndsItsPendingRecvWithClosed() throws IOException {
        try (SocketPair pair = SocketPair.open(loop, loopback())) {
            Recorder<Received> recv = Recorder.recvs();
            loop.recv(pair.server(), ByteBuffer.allocate(16), recv);
            loop.close(pair.server());
            tickUntil(recv::called);
            assertEquals(RecvError.CLOSED, recv.only().error());
            runToCompletion();
        }
    }

    @Test
    void sendToAPeerThatClosedFailsWithConnectionReset() throws IOException {
        try (SocketPair pair = SocketPair.open(loop, loopback())) {
            Recorder<Received> peerClosed = Recorder.recvs();
            loop.close(pair.server());
            // Once the client has seen the FIN, its sends reach a closed socket, which resets.
            loop.recv(pair.client(), ByteBuffer.allocate(1), peerClosed);
            tickUntil(peerClosed::called);
            assertEquals(0, peerClosed.only().received());

            Recorder<Sent> send = Recorder.sends();
            loop.send(pair.client(), ByteBuffer.wrap(new byte[EIGHT_MIB]), true, null, send);
            tickUntil(send::called);
            assertEquals(SendError.CONNECTION_RESET, send.only().error());
        }
    }

    @Test
    void misusedBuffersAreRejectedWhenTheOperationIsMade() throws IOException {
        try (SocketPair pair = SocketPair.open(loop, loopback())) {
            ByteBuffer full = ByteBuffer.allocate(8).position(8);
            assertThrows(IllegalArgumentException.class, () -> loop.recv(pair.server(), full, Recorder.recvs()),
                    "a recv needs space to receive into");
            ByteBuffer readOnly = ByteBuffer.allocate(8).asReadOnlyBuffer();
            assertThrows(IllegalArgumentException.class, () -> loop.recv(pair.server(), readOnly, Recorder.recvs()),
                    "a recv cannot fill a read-only buffer");
            assertThrows(IllegalArgumentException.class,
                    () -> loop.send(pair.client(), ByteBuffer.allocate(0), Recorder.sends()),
                    "a send needs something to send");
            assertThrows(IllegalArgumentException.class,
                    () -> loop.dial(InetSocketAddress.createUnresolved("localhost", 80), Recorder.dials()),
                    "a dial needs a resolved address");
            assertEquals(0, loop.numWaiting(), "a rejected operation is not waiting");
        }
    }
}
