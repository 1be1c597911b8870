package dev.nbio.tck;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.nbio.AddressFamily;
import dev.nbio.DialError;
import dev.nbio.SocketHandle;
import dev.nbio.SocketProtocol;
import dev.nbio.TcpSocket;
import dev.nbio.UdpSocket;
import dev.nbio.tck.SocketOutcomes.Accepted;
import dev.nbio.tck.SocketOutcomes.Dialed;
import dev.nbio.tck.SocketOutcomes.Received;
import dev.nbio.tck.SocketOutcomes.Sent;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/** The socket basics over the IPv6 loopback {@code ::1}: TCP listen, accept, dial and transfer; UDP datagrams. */
@ParameterizedClass(name = "{0}")
@MethodSource("dev.nbio.tck.Backends#names")
class Ipv6Test extends LoopTest {
    private static final InetAddress LOOPBACK6 = ipv6Loopback();

    private static InetAddress ipv6Loopback() {
        try {
            return InetAddress.getByAddress("::1", new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1});
        } catch (UnknownHostException impossible) {
            throw new AssertionError("a 16-byte address is always valid", impossible);
        }
    }

    /** Skips only when this machine has no IPv6 loopback at all (IPv6 disabled), saying so. */
    @BeforeEach
    void requireIpv6Loopback() {
        try (ServerSocket probe = new ServerSocket(0, 1, LOOPBACK6)) {
            assertNotEquals(0, probe.getLocalPort());
        } catch (IOException e) {
            Assumptions.abort("this machine has no IPv6 loopback: binding [::1]:0 failed with " + e);
        }
    }

    private static InetSocketAddress loopback6() {
        return new InetSocketAddress(LOOPBACK6, 0);
    }

    @Test
    void listenAcceptAndDialOverIpv6ReportIpv6Addresses() throws IOException {
        TcpSocket listener = loop.listenTcp(loopback6(), 8);
        InetSocketAddress listening = addressOf(listener);
        assertEquals(LOOPBACK6, listening.getAddress());
        assertNotEquals(0, listening.getPort());

        Recorder<Accepted> accept = Recorder.accepts();
        Recorder<Dialed> dial = Recorder.dials();
        loop.accept(listener, accept);
        loop.dial(listening, dial);
        tickUntil(() -> accept.called() && dial.called());
        assertNull(accept.only().error());
        assertNull(dial.only().error());
        try (SocketPair pair = new SocketPair(listener, accept.only().client(), dial.only().socket())) {
            assertInstanceOf(Inet6Address.class, accept.only().clientAddress().getAddress());
            assertEquals(addressOf(pair.client()), accept.only().clientAddress());
            assertEquals(listening, pair.client().remoteAddress());
            transfer(pair.client(), pair.server(), "over IPv6, client to server");
            transfer(pair.server(), pair.client(), "over IPv6, server to client");
        }
    }

    @Test
    void socketPairOverIpv6CarriesABulkTransfer() throws IOException {
        byte[] data = Bytes.random(1 << 20, 6);
        try (SocketPair pair = SocketPair.open(loop, loopback6())) {
            ByteBuffer in = ByteBuffer.allocate(data.length);
            Recorder<Received> recv = Recorder.recvs();
            Recorder<Sent> send = Recorder.sends();
            loop.recv(pair.server(), in, true, null, recv);
            loop.send(pair.client(), ByteBuffer.wrap(data), send);
            tickUntil(() -> recv.called() && send.called());
            assertEquals(new Sent(data.length, null), send.only());
            assertEquals(new Received(data.length, null, null), recv.only());
            assertArrayEquals(data, in.array());
        }
    }

    @Test
    void createSocketMakesAnIpv6TcpListener() throws IOException {
        SocketHandle socket = loop.createSocket(AddressFamily.IPV6, SocketProtocol.TCP);
        TcpSocket listener = assertInstanceOf(TcpSocket.class, socket);
        listener.bind(loopback6());
        listener.listen(4);
        try (SocketPair pair = SocketTestKit.connect(loop, listener)) {
            assertEquals(LOOPBACK6, addressOf(pair.client()).getAddress());
            transfer(pair.client(), pair.server(), "listener from createSocket(IPV6, TCP)");
        }
    }

    @Test
    void createSocketMakesAnIpv6UdpSocketThatReportsTheSource() throws IOException {
        UdpSocket receiver = assertInstanceOf(UdpSocket.class, loop.createSocket(AddressFamily.IPV6, SocketProtocol.UDP));
        UdpSocket sender = loop.createUdpSocket(AddressFamily.IPV6);
        try {
            receiver.bind(loopback6());
            sender.bind(loopback6());
            byte[] datagram = "a datagram over ::1".getBytes(StandardCharsets.UTF_8);
            ByteBuffer in = ByteBuffer.allocate(128);
            Recorder<Received> recv = Recorder.recvs();
            Recorder<Sent> send = Recorder.sends();
            loop.recv(receiver, in, recv);
            loop.sendTo(sender, ByteBuffer.wrap(datagram), addressOf(receiver), send);
            tickUntil(() -> recv.called() && send.called());
            assertEquals(new Sent(datagram.length, null), send.only());
            assertEquals(new Received(datagram.length, addressOf(sender), null), recv.only());
            assertArrayEquals(datagram, Bytes.contents(in, 0, datagram.length));
        } finally {
            receiver.handle().close();
            sender.handle().close();
        }
    }

    @Test
    void dialToAClosedIpv6PortIsRefused() throws IOException {
        Recorder<Dialed> dial = Recorder.dials();
        loop.dial(SocketTestKit.closedPort(LOOPBACK6), dial);
        tickUntil(dial::called);
        assertEquals(new Dialed(null, DialError.CONNECTION_REFUSED), dial.only());
    }

    @Test
    void addressFamilyOfAnIpv6AddressIsIpv6() {
        assertEquals(AddressFamily.IPV6, AddressFamily.of(loopback6()));
        assertEquals(AddressFamily.IPV4, AddressFamily.of(loopback()));
    }

    private void transfer(TcpSocket from, TcpSocket to, String message) {
        byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
        ByteBuffer in = ByteBuffer.allocate(bytes.length);
        Recorder<Received> recv = Recorder.recvs();
        Recorder<Sent> send = Recorder.sends();
        loop.recv(to, in, true, null, recv);
        loop.send(from, ByteBuffer.wrap(bytes), send);
        tickUntil(() -> recv.called() && send.called());
        assertEquals(new Sent(bytes.length, null), send.only());
        assertEquals(new Received(bytes.length, null, null), recv.only());
        assertArrayEquals(bytes, in.array());
    }
}
