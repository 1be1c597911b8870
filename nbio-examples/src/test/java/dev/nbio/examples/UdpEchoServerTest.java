package dev.nbio.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nbio.BackendUnavailableException;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The UDP echo server, driven by plain {@link DatagramSocket}s and {@link DatagramChannel}s. */
class UdpEchoServerTest {
    /** The largest payload of an IPv4 UDP datagram: 65,535 minus the IP and UDP headers. */
    private static final int LARGEST_IPV4_DATAGRAM = 65_507;

    private UdpEchoServer server;

    @BeforeEach
    void startServer() throws IOException {
        server = UdpEchoServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), null);
    }

    @AfterEach
    void stopServer() {
        ServerTestClients.stopAndAwait(server);
    }

    @Test
    void reportsTheBoundAddressAndBackend() {
        assertEquals(InetAddress.getLoopbackAddress(), server.address().getAddress());
        assertTrue(server.address().getPort() > 0, "port 0 is replaced by the bound port: " + server.address());
        assertFalse(server.backend().isBlank(), "backend name");
    }

    @Test
    void echoesABurstOfDatagramsInOrderFromTheServersAddress() throws IOException {
        List<String> sent = List.of("one", "two", "three", "a longer datagram of text", "x", "last");
        try (DatagramSocket client = client()) {
            for (String text : sent) {
                client.send(datagram(text.getBytes(StandardCharsets.UTF_8)));
            }
            for (String text : sent) {
                DatagramPacket reply = receive(client);
                assertEquals(text, new String(reply.getData(), 0, reply.getLength(), StandardCharsets.UTF_8));
                assertEquals(server.address(), reply.getSocketAddress(), "the reply comes from the server's address");
            }
        }
    }

    @Test
    void echoesTheLargestIpv4DatagramByteForByte() throws IOException {
        byte[] payload = new byte[LARGEST_IPV4_DATAGRAM];
        new Random(7).nextBytes(payload);
        try (DatagramSocket client = client()) {
            client.send(datagram(payload));
            DatagramPacket reply = receive(client);
            assertEquals(LARGEST_IPV4_DATAGRAM, reply.getLength(), "nothing was truncated");
            assertArrayEquals(payload, Arrays.copyOf(reply.getData(), reply.getLength()));
        }
    }

    @Test
    void echoesToAConnectedDatagramChannel() throws IOException {
        try (DatagramChannel channel = DatagramChannel.open()) {
            channel.connect(server.address());   // Receives only what comes from the server's address.
            for (int i = 0; i < 20; i++) {
                byte[] message = ("datagram " + i).getBytes(StandardCharsets.UTF_8);
                channel.write(ByteBuffer.wrap(message));
                ByteBuffer reply = ByteBuffer.allocate(UdpEchoServer.MAX_DATAGRAM);
                // A blocking channel read has no timeout of its own.
                assertTimeoutPreemptively(EchoClients.LIMIT, () -> channel.read(reply));
                assertArrayEquals(message, Arrays.copyOf(reply.array(), reply.position()));
            }
        }
    }

    @Test
    void servesSeveralClientsEachTheirOwnDatagrams() throws Exception {
        int clients = 8;
        int datagramsEach = 50;
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Integer>> results = new ArrayList<>();
            for (int id = 0; id < clients; id++) {
                int clientId = id;
                results.add(pool.submit(() -> exchangeDatagrams(clientId, datagramsEach)));
            }
            for (Future<Integer> result : results) {
                assertEquals(datagramsEach, result.get(), "datagrams echoed to one client");
            }
        }
        // The count goes up in the send's callback, which may run just after the client has its reply.
        EchoClients.awaitCondition(() -> server.echoedCount() == clients * datagramsEach,
                () -> "datagrams echoed: " + server.echoedCount());
    }

    @Test
    void anEmptyDatagramGetsNoReplyAndServingGoesOn() throws IOException {
        try (DatagramSocket client = client()) {
            client.send(datagram(new byte[0]));
            client.send(datagram("after".getBytes(StandardCharsets.UTF_8)));
            DatagramPacket reply = receive(client);
            assertEquals("after", new String(reply.getData(), 0, reply.getLength(), StandardCharsets.UTF_8),
                    "the first reply is to the datagram after the empty one");
            EchoClients.awaitCondition(() -> server.echoedCount() == 1, () -> "echoed: " + server.echoedCount());
        }
    }

    @Test
    void stopClosesTheSocketAndFreesThePort() throws Exception {
        InetSocketAddress address = server.address();
        ServerTestClients.stopAndAwait(server);
        try (DatagramSocket rebound = new DatagramSocket(address)) {
            assertEquals(address.getPort(), rebound.getLocalPort(), "the port is free again");
        }
    }

    @Test
    void startOnAnOccupiedPortFailsNamingTheAddress() throws IOException {
        try (DatagramSocket occupant = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            InetSocketAddress taken = new InetSocketAddress(InetAddress.getLoopbackAddress(), occupant.getLocalPort());
            IOException e = assertThrows(IOException.class, () -> UdpEchoServer.start(taken, null));
            assertTrue(e.getMessage().contains("cannot bind UDP") && e.getMessage().contains(":" + taken.getPort()),
                    "message names the address: " + e.getMessage());
        }
    }

    @Test
    void startOnAnUnknownBackendFailsNamingIt() {
        InetSocketAddress anyPort = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        BackendUnavailableException e = assertThrows(BackendUnavailableException.class,
                () -> UdpEchoServer.start(anyPort, "no-such-backend"));
        assertTrue(e.getMessage().contains("no-such-backend"), e.getMessage());
    }

    @Test
    void runsOnTheNamedBackend() throws Exception {
        UdpEchoServer onNio = UdpEchoServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), "nio");
        try (DatagramSocket client = client()) {
            assertEquals("nio", onNio.backend());
            client.send(new DatagramPacket(new byte[] {1, 2, 3}, 3, onNio.address()));
            DatagramPacket reply = receive(client);
            assertArrayEquals(new byte[] {1, 2, 3}, Arrays.copyOf(reply.getData(), reply.getLength()));
        } finally {
            ServerTestClients.stopAndAwait(onNio);
        }
    }

    /** Sends numbered datagrams one at a time, each checked when it comes back; returns how many did. */
    private int exchangeDatagrams(int clientId, int count) throws IOException {
        try (DatagramSocket client = client()) {
            for (int i = 0; i < count; i++) {
                String text = "client " + clientId + " datagram " + i;
                client.send(datagram(text.getBytes(StandardCharsets.UTF_8)));
                DatagramPacket reply = receive(client);
                assertEquals(text, new String(reply.getData(), 0, reply.getLength(), StandardCharsets.UTF_8));
            }
        }
        return count;
    }

    /** A client socket on loopback whose receives fail after {@link EchoClients#LIMIT}, so a lost reply fails the test. */
    private static DatagramSocket client() throws IOException {
        DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        socket.setSoTimeout((int) EchoClients.LIMIT.toMillis());
        return socket;
    }

    private DatagramPacket datagram(byte[] payload) {
        return new DatagramPacket(payload, payload.length, server.address());
    }

    private static DatagramPacket receive(DatagramSocket socket) throws IOException {
        DatagramPacket packet = new DatagramPacket(new byte[UdpEchoServer.MAX_DATAGRAM], UdpEchoServer.MAX_DATAGRAM);
        socket.receive(packet);
        return packet;
    }
}
