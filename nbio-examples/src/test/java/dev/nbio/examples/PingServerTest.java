package dev.nbio.examples;

import static dev.nbio.examples.ServerTestClients.assertClosedByServer;
import static dev.nbio.examples.ServerTestClients.assertReads;
import static dev.nbio.examples.ServerTestClients.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The Redis PING responder, driven over raw sockets with hand-written protocol bytes. */
class PingServerTest {
    private static final String PONG = "+PONG\r\n";

    private PingServer server;

    @BeforeEach
    void startServer() throws IOException {
        server = PingServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), null);
    }

    @AfterEach
    void stopServer() {
        ServerTestClients.stopAndAwait(server);
    }

    @Test
    void inlinePingAnswersPong() throws IOException {
        try (Socket client = ServerTestClients.connect(server)) {
            write(client, "PING\r\n");
            assertReads(client, PONG);
        }
    }

    @Test
    void inlineCommandIgnoresCaseAndMayEndWithABareNewline() throws IOException {
        try (Socket client = ServerTestClients.connect(server)) {
            write(client, "ping\n");
            assertReads(client, PONG);
            write(client, "PiNg\r\n");
            assertReads(client, PONG);
        }
    }

    @Test
    void respPingAnswersPong() throws IOException {
        try (Socket client = ServerTestClients.connect(server)) {
            write(client, "*1\r\n$4\r\nPING\r\n");
            assertReads(client, PONG);
        }
    }

    @Test
    void pingWithAMessageAnswersItAsABulkString() throws IOException {
        try (Socket client = ServerTestClients.connect(server)) {
            write(client, "PING hello\r\n");
            assertReads(client, "$5\r\nhello\r\n");
            write(client, "*2\r\n$4\r\nping\r\n$6\r\na\r\nb\0c\r\n");
            assertReads(client, "$6\r\na\r\nb\0c\r\n");   // Binary-safe: a line end and a zero byte inside.
        }
    }

    @Test
    void pingWithTheLargestMessageThatFitsAnswersItWhole() throws IOException {
        String header = "*2\r\n$4\r\nPING\r\n$16000\r\n";
        String message = randomText(16_000);
        try (Socket client = ServerTestClients.connect(server)) {
            write(client, header + message + "\r\n");
            assertReads(client, "$16000\r\n" + message + "\r\n");
        }
    }

    @Test
    void pingWithTwoArgumentsIsAnErrorAndTheConnectionGoesOn() throws IOException {
        try (Socket client = ServerTestClients.connect(server)) {
            write(client, "*3\r\n$4\r\nPING\r\n$1\r\na\r\n$1\r\nb\r\n");
            assertReads(client, "-ERR wrong number of arguments for 'ping' command\r\n");
            write(client, "PING\r\n");
            assertReads(client, PONG);
        }
    }

    @Test
    void unknownCommandIsAnErrorNamingItAndTheConnectionGoesOn() throws IOException {
        try (Socket client = ServerTestClients.connect(server)) {
            write(client, "GET key\r\n");
            assertReads(client, "-ERR unknown command 'GET'\r\n");
            write(client, "*2\r\n$3\r\nset\r\n$1\r\nk\r\n");
            assertReads(client, "-ERR unknown command 'set'\r\n");
            write(client, "*1\r\n$5\r\nA\r\nB!\r\n");
            assertReads(client, "-ERR unknown command 'A  B!'\r\n");   // A line end would cut the reply short.
            write(client, "PING\r\n");
            assertReads(client, PONG);
        }
    }

    @Test
    void unknownCommandNameIsShownUpTo128Bytes() throws IOException {
        String longName = "N".repeat(300);
        try (Socket client = ServerTestClients.connect(server)) {
            write(client, longName + "\r\n");
            assertReads(client, "-ERR unknown command '" + "N".repeat(RedisReplies.MAX_NAME_SHOWN) + "'\r\n");
        }
    }

    @Test
    void emptyRequestsAreIgnored() throws IOException {
        try (Socket client = ServerTestClients.connect(server)) {
            write(client, "\r\n*0\r\n\nPING\r\n");
            assertReads(client, PONG);   // The first bytes back answer the PING: nothing answered the empty ones.
        }
    }

    @Test
    void hundredPipelinedRequestsInOneWriteAreAnsweredInOrderWithoutASendEach() throws IOException {
        StringBuilder requests = new StringBuilder();
        StringBuilder replies = new StringBuilder();
        for (int i = 0; i < 100; i++) {
            switch (i % 3) {
                case 0 -> requests.append("PING\r\n");
                case 1 -> requests.append("*1\r\n$4\r\nPING\r\n");
                default -> requests.append("*2\r\n$4\r\nPING\r\n$").append(Integer.toString(i).length())
                        .append("\r\n").append(i).append("\r\n");
            }
            replies.append(i % 3 == 2 ? "$" + Integer.toString(i).length() + "\r\n" + i + "\r\n" : PONG);
        }
        try (Socket client = ServerTestClients.connect(server)) {
            long receivesBefore = server.receiveCount();
            long sendsBefore = server.sendCount();
            long bytesBefore = server.bytesReceived();
            write(client, requests.toString());
            assertReads(client, replies.toString());
            // Receives are counted once handled, which may be just after the replies went out.
            EchoClients.awaitCondition(() -> server.bytesReceived() - bytesBefore == requests.length(),
                    () -> "bytes received: " + (server.bytesReceived() - bytesBefore));
            long receives = server.receiveCount() - receivesBefore;
            long sends = server.sendCount() - sendsBefore;
            assertTrue(sends <= receives, "one send per receive at most: " + sends + " sends for " + receives + " receives");
        }
    }

    @Test
    void requestsSplitAcrossWritesAreAnsweredOnceWhole() throws IOException {
        String pipeline = "*2\r\n$4\r\nPING\r\n$5\r\nhello\r\nPING there\r\n";
        try (Socket client = ServerTestClients.connect(server)) {
            long sendsBefore = server.sendCount();
            long bytesBefore = server.bytesReceived();
            int firstEnd = pipeline.indexOf("PING there");
            for (int i = 0; i < pipeline.length(); i++) {
                write(client, pipeline.substring(i, i + 1));
                long received = bytesBefore + i + 1;
                // Each byte is its own receive; the server counts it once it has handled it.
                EchoClients.awaitCondition(() -> server.bytesReceived() == received,
                        () -> "bytes received: " + (server.bytesReceived() - bytesBefore));
                long expectedSends = i + 1 < firstEnd ? 0 : i + 1 < pipeline.length() ? 1 : 2;
                assertEquals(expectedSends, server.sendCount() - sendsBefore, "sends after byte " + (i + 1));
            }
            assertReads(client, "$5\r\nhello\r\n$5\r\nthere\r\n");
        }
    }

    @Test
    void repliesLargerThanTheOutputBufferGoOutInSeveralSendsInOrder() throws IOException {
        int count = 2000;   // ~12 KB of requests, ~60 KB of replies
        StringBuilder requests = new StringBuilder();
        StringBuilder replies = new StringBuilder();
        for (int i = 0; i < count; i++) {
            requests.append('C').append(i).append("\r\n");
            replies.append("-ERR unknown command 'C").append(i).append("'\r\n");
        }
        try (Socket client = ServerTestClients.connect(server)) {
            long sendsBefore = server.sendCount();
            write(client, requests.toString());
            assertReads(client, replies.toString());
            long sends = server.sendCount() - sendsBefore;
            assertTrue(sends >= replies.length() / PingServer.OUTPUT_SIZE,
                    sends + " sends cannot carry " + replies.length() + " bytes of replies");
        }
    }

    @Test
    void quitAnswersOkAndCloses() throws IOException {
        try (Socket client = ServerTestClients.connect(server)) {
            write(client, "QUIT\r\n");
            assertReads(client, "+OK\r\n");
            assertClosedByServer(client);
        }
        EchoClients.awaitCondition(() -> server.connectionCount() == 0, () -> "connections: " + server.connectionCount());
    }

    @Test
    void requestsPipelinedAfterQuitAreNotAnswered() throws IOException {
        try (Socket client = ServerTestClients.connect(server)) {
            write(client, "PING\r\n*1\r\n$4\r\nquit\r\nPING\r\n");
            assertReads(client, PONG + "+OK\r\n");
            assertClosedByServer(client);
        }
    }

    static Stream<Arguments> malformedInput() {
        return Stream.of(
                Arguments.of("*abc\r\n", "invalid multibulk length"),
                Arguments.of("*1\r\n+PING\r\n", "expected '$', got '+'"),
                Arguments.of("*1\r\n$-5\r\n", "invalid bulk length"),
                Arguments.of("*1\r\n$100000\r\n", "invalid bulk length"),
                Arguments.of("*1\r\n$4\r\nPINGxx", "bulk string not followed by CRLF"),
                Arguments.of("x".repeat(20_000), "too big inline request"),
                Arguments.of("*3\r\n$4\r\nPING\r\n$9000\r\n" + "a".repeat(9000) + "\r\n$9000\r\n" + "b".repeat(9000) + "\r\n",
                        "too big request"));
    }

    @ParameterizedTest
    @MethodSource("malformedInput")
    void malformedInputIsAProtocolErrorAndCloses(String input, String reason) throws IOException {
        try (Socket client = ServerTestClients.connect(server)) {
            write(client, "PING\r\n" + input);
            assertReads(client, PONG + "-ERR Protocol error: " + reason + "\r\n");
            assertClosedByServer(client);
        }
    }

    @Test
    void stopClosesConnectionsAndTheListeningPort() throws Exception {
        InetSocketAddress address = server.address();
        try (Socket client = ServerTestClients.connect(server)) {
            write(client, "PING\r\n");
            assertReads(client, PONG);
            assertEquals(1, server.connectionCount());
            ServerTestClients.stopAndAwait(server);
            assertClosedByServer(client);
            assertEquals(0, server.connectionCount());
        }
        assertThrows(ConnectException.class, () -> new Socket(address.getAddress(), address.getPort()).close(),
                "nothing listens on " + address + " any more");
    }

    @Test
    void clientDisconnectClosesItsServerConnection() throws IOException {
        try (Socket client = ServerTestClients.connect(server)) {
            write(client, "PING\r\n");
            assertReads(client, PONG);
        }
        EchoClients.awaitCondition(() -> server.connectionCount() == 0, () -> "connections: " + server.connectionCount());
    }

    private static String randomText(int length) {
        Random random = new Random(11);
        StringBuilder text = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            text.append((char) random.nextInt(256));   // Any byte: a bulk string is binary-safe.
        }
        return text.toString();
    }
}
