package dev.nbio.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nbio.BackendUnavailableException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The echo server, driven by plain blocking {@link Socket}s as any client would. */
class EchoServerTest {
    private EchoServer server;

    @BeforeEach
    void startServer() throws IOException {
        server = EchoServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), null);
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
    void echoesSeveralMessagesOnOneConnection() throws IOException {
        try (Socket client = ServerTestClients.connect(server)) {
            for (String message : List.of("hello", "nbio", "a somewhat longer line of text\n", "x")) {
                byte[] sent = message.getBytes(StandardCharsets.UTF_8);
                client.getOutputStream().write(sent);
                assertEquals(message, new String(EchoClients.readExactly(client, sent.length), StandardCharsets.UTF_8));
            }
        }
    }

    @Test
    void echoesALargePayloadByteForByte() throws Exception {
        byte[] payload = new byte[1 << 20];
        new Random(42).nextBytes(payload);
        try (Socket client = ServerTestClients.connect(server);
             ExecutorService writer = Executors.newVirtualThreadPerTaskExecutor()) {
            // Write on another thread: the echo comes back while we still send, and would
            // fill the socket buffers (and stall both sides) if nobody read it meanwhile.
            Future<?> written = writer.submit(() -> {
                client.getOutputStream().write(payload);
                return null;
            });
            byte[] echoed = EchoClients.readExactly(client, payload.length);
            written.get();
            assertArrayEquals(payload, echoed);
        }
    }

    @Test
    void servesConcurrentClientsEachTheirOwnBytes() throws Exception {
        int clients = 8;
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Integer>> results = new ArrayList<>();
            for (int id = 0; id < clients; id++) {
                int clientId = id;
                results.add(pool.submit(() -> EchoClients.exchangeMessages(server, clientId, 50)));
            }
            for (Future<Integer> result : results) {
                assertEquals(50, result.get(), "messages echoed to one client");
            }
        }
    }

    @Test
    void holdsOneConnectionPerOpenClient() throws IOException {
        try (Socket first = ServerTestClients.connect(server); Socket second = ServerTestClients.connect(server)) {
            EchoClients.assertEchoes(first, "one");
            EchoClients.assertEchoes(second, "two");
            assertEquals(2, server.connectionCount());
        }
    }

    @Test
    void clientDisconnectClosesItsServerConnection() throws IOException {
        try (Socket staying = ServerTestClients.connect(server)) {
            EchoClients.assertEchoes(staying, "before");
            for (int i = 0; i < 3; i++) {
                try (Socket leaving = ServerTestClients.connect(server)) {
                    EchoClients.assertEchoes(leaving, "bye " + i);
                }
            }
            EchoClients.awaitCondition(() -> server.connectionCount() == 1,
                    () -> "connections after three clients left: " + server.connectionCount());
            EchoClients.assertEchoes(staying, "after");
        }
    }

    @Test
    void stopClosesConnectionsAndTheListeningPort() throws Exception {
        InetSocketAddress address = server.address();
        try (Socket client = ServerTestClients.connect(server)) {
            EchoClients.assertEchoes(client, "still here");
            ServerTestClients.stopAndAwait(server);

            assertEquals(-1, client.getInputStream().read(), "the server closed the client's connection");
            assertEquals(0, server.connectionCount());
        }
        assertThrows(ConnectException.class, () -> new Socket(address.getAddress(), address.getPort()).close(),
                "nothing listens on " + address + " any more");
    }

    @Test
    void stopTwiceAndFromManyThreadsIsHarmless() throws Exception {
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 4; i++) {
                pool.submit(server::stop);
            }
        }
        ServerTestClients.stopAndAwait(server);
    }

    @Test
    void startOnAnOccupiedPortFailsNamingTheAddress() throws IOException {
        try (ServerSocket occupant = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            InetSocketAddress taken = new InetSocketAddress(InetAddress.getLoopbackAddress(), occupant.getLocalPort());
            IOException e = assertThrows(IOException.class, () -> EchoServer.start(taken, null));
            assertTrue(e.getMessage().contains("cannot listen on") && e.getMessage().contains(":" + taken.getPort()),
                    "message names the address: " + e.getMessage());
        }
    }

    @Test
    void startOnAnUnknownBackendFailsNamingIt() {
        InetSocketAddress anyPort = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        BackendUnavailableException e = assertThrows(BackendUnavailableException.class,
                () -> EchoServer.start(anyPort, "no-such-backend"));
        assertTrue(e.getMessage().contains("no-such-backend"), e.getMessage());
    }

    @Test
    void runsOnTheNamedBackend() throws Exception {
        EchoServer onNio = EchoServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), "nio");
        try (Socket client = ServerTestClients.connect(onNio)) {
            assertEquals("nio", onNio.backend());
            EchoClients.assertEchoes(client, "via nio");
        } finally {
            ServerTestClients.stopAndAwait(onNio);
        }
    }
}
