package dev.nbio.examples;

import static dev.nbio.examples.HttpTestClient.get;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nbio.examples.HttpTestClient.Response;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTP example on the wire: pipelining, requests split across reads, the limits, the
 * refusals and when the server closes, checked byte for byte with a raw socket.
 */
class HttpServerRawSocketTest {
    @TempDir
    Path temp;

    private Path root;
    private final List<HttpServer> servers = new ArrayList<>();
    private HttpServer server;

    @BeforeEach
    void startServer() throws IOException {
        root = Files.createDirectories(temp.resolve("www"));
        Files.writeString(root.resolve("a.txt"), "A");
        Files.createDirectories(root.resolve("n"));
        for (int i = 0; i < 150; i++) {
            Files.writeString(root.resolve("n/" + i + ".txt"), "file " + i);
        }
        Files.writeString(temp.resolve("secret.txt"), "SECRET");
        server = start(config());
    }

    @AfterEach
    void stopServers() {
        for (HttpServer running : servers) {
            ServerTestClients.stopAndAwait(running);
        }
    }

    private HttpServerConfig config() {
        return HttpServerConfig.defaults(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).withRoot(root);
    }

    private HttpServer start(HttpServerConfig config) throws IOException {
        HttpServer started = HttpServer.start(config);
        servers.add(started);
        return started;
    }

    private static void assertPlaintext(Response response) {
        assertEquals(200, response.status(), response.statusLine());
        assertEquals("Hello, World!", response.text());
    }

    /** Sends a request the server must refuse, and checks the status, Connection: close and the close. */
    private void assertRefusedAndClosed(String request, int status) throws IOException {
        try (HttpTestClient client = HttpTestClient.connect(server)) {
            client.send(request);
            Response response = client.read();
            assertEquals(status, response.status(), response.statusLine());
            assertEquals("close", response.header("connection"));
            assertTrue(response.text().startsWith(status + " "), response.text());
            client.assertClosedByServer();
        }
    }

    @Test
    void pipelinedRequestsInOneWriteAreAnsweredInOrder() throws IOException {
        try (HttpTestClient client = HttpTestClient.connect(server)) {
            client.send(get("/plaintext") + "HEAD /plaintext HTTP/1.1\r\nHost: t\r\n\r\n" + get("/missing.txt")
                    + get("/a.txt") + get("/plaintext"));
            assertPlaintext(client.read());
            Response head = client.readHead();
            assertEquals(200, head.status());
            assertEquals("13", head.header("content-length"));
            assertEquals(404, client.read().status());
            assertEquals("A", client.read().text());
            assertPlaintext(client.read());
        }
    }

    @Test
    void manyPipelinedRequestsOverflowingBothBuffersComeBackInOrder() throws IOException {
        // 300 requests of ~110 bytes (33 KB, twice the read buffer) whose responses (~40 KB)
        // are more than twice the write buffer: parsing resumes after compactions and flushes.
        StringBuilder requests = new StringBuilder();
        String padding = "X-Padding: " + "p".repeat(60) + "\r\n";
        for (int i = 0; i < 300; i++) {
            String path = i % 2 == 0 ? "/plaintext" : "/n/" + (i / 2) + ".txt";
            requests.append("GET ").append(path).append(" HTTP/1.1\r\nHost: t\r\n").append(padding).append("\r\n");
        }
        try (HttpTestClient client = HttpTestClient.connect(server)) {
            client.send(requests.toString());
            for (int i = 0; i < 300; i++) {
                Response response = client.read();
                assertEquals(i % 2 == 0 ? "Hello, World!" : "file " + (i / 2), response.text(), "response " + i);
            }
        }
        assertEquals(1, server.acceptedConnections());
    }

    @Test
    void requestsSplitIntoSingleBytesAcrossReadsAreServed() throws IOException {
        // A body split across reads, then a request with bare line feeds.
        String requests = "POST /plaintext HTTP/1.1\r\nHost: t\r\nContent-Length: 4\r\n\r\nbody"
                + "GET /plaintext HTTP/1.1\nHost: t\n\n";
        byte[] bytes = requests.getBytes(StandardCharsets.US_ASCII);
        try (HttpTestClient client = HttpTestClient.connect(server)) {
            long before = server.bytesReceived();
            for (int i = 0; i < bytes.length; i++) {
                client.send(new byte[] {bytes[i]});
                long expected = before + i + 1;
                // Wait until the server has received this byte before sending the next: each one is a read of its own.
                EchoClients.awaitCondition(() -> server.bytesReceived() == expected,
                        () -> "bytes received " + server.bytesReceived() + ", expected " + expected);
            }
            Response rejected = client.read();
            assertEquals(405, rejected.status());
            assertNull(rejected.header("connection"), "a 405 keeps the connection");
            assertPlaintext(client.read());
        }
    }

    @Test
    void aBodyLargerThanTheReadBufferIsSkippedBeforeTheNextRequest() throws IOException {
        int length = 100_000;
        try (HttpTestClient client = HttpTestClient.connect(server)) {
            client.send("POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: " + length + "\r\n\r\n");
            assertEquals(405, client.read().status(), "answered as soon as the head is in");
            client.send("x".repeat(length) + get("/plaintext"));
            assertPlaintext(client.read());
        }
    }

    @Test
    void moreHeadersThanTheLimitIs431ThenClosed() throws IOException {
        StringBuilder request = new StringBuilder("GET /plaintext HTTP/1.1\r\nHost: t\r\n");
        for (int i = 0; i < 64; i++) {
            request.append("X-Flood-").append(i).append(": v\r\n");
        }
        assertRefusedAndClosed(request + "\r\n", 431);
    }

    @Test
    void aHeaderSectionLargerThanTheReadBufferIs431ThenClosed() throws IOException {
        assertRefusedAndClosed("GET /plaintext HTTP/1.1\r\nHost: t\r\nX-Big: " + "v".repeat(20_000) + "\r\n\r\n", 431);
    }

    @Test
    void aRequestLineLargerThanTheReadBufferIs414ThenClosed() throws IOException {
        assertRefusedAndClosed("GET /" + "a".repeat(20_000) + " HTTP/1.1\r\nHost: t\r\n\r\n", 414);
    }

    @Test
    void aBodyOverTheLimitIs413ThenClosed() throws IOException {
        // Part of the body follows the head: the server must not reset the connection under its answer.
        assertRefusedAndClosed("POST /plaintext HTTP/1.1\r\nHost: t\r\nContent-Length: 2000000\r\n\r\n"
                + "b".repeat(64 * 1024), 413);
    }

    @Test
    void malformedRequestsAre400ThenClosed() throws IOException {
        assertRefusedAndClosed("BLAH\r\n\r\n", 400);
        assertRefusedAndClosed("GET /plaintext HTTP/1.1\r\n\r\n", 400);   // no Host
        assertRefusedAndClosed("GET /plaintext HTTP/1.1\r\nHost: t\r\nBad header\r\n\r\n", 400);
    }

    @Test
    void aMalformedRequestAfterAGoodOneEndsTheConnectionAfterBothAnswers() throws IOException {
        try (HttpTestClient client = HttpTestClient.connect(server)) {
            client.send(get("/plaintext") + "GET / HTTP/1.1\r\nHost : t\r\n\r\n" + get("/plaintext"));
            assertPlaintext(client.read());
            assertEquals(400, client.read().status());
            client.assertClosedByServer();
        }
    }

    @Test
    void chunkedRequestBodiesAre501ThenClosed() throws IOException {
        assertRefusedAndClosed("POST /plaintext HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "4\r\nbody\r\n0\r\n\r\n", 501);
    }

    @Test
    void otherHttpVersionsAre505ThenClosed() throws IOException {
        assertRefusedAndClosed("GET /plaintext HTTP/2.0\r\nHost: t\r\n\r\n", 505);
    }

    @Test
    void http10ClosesAfterTheResponse() throws IOException {
        try (HttpTestClient client = HttpTestClient.connect(server)) {
            client.send("GET /plaintext HTTP/1.0\r\n\r\n");
            Response response = client.read();
            assertPlaintext(response);
            assertTrue(response.statusLine().startsWith("HTTP/1.1 "), "the server speaks 1.1: " + response.statusLine());
            assertEquals("close", response.header("connection"));
            client.assertClosedByServer();
        }
    }

    @Test
    void http10KeepAliveIsConfirmedAndTheConnectionKept() throws IOException {
        try (HttpTestClient client = HttpTestClient.connect(server)) {
            for (int i = 0; i < 3; i++) {
                client.send("GET /plaintext HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
                Response response = client.read();
                assertPlaintext(response);
                assertEquals("keep-alive", response.header("connection"));
            }
        }
        assertEquals(1, server.acceptedConnections());
    }

    @Test
    void connectionCloseEndsTheConnectionAfterThatResponse() throws IOException {
        try (HttpTestClient client = HttpTestClient.connect(server)) {
            client.send("GET /a.txt HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n" + get("/plaintext"));
            Response response = client.read();
            assertEquals("A", response.text());
            assertEquals("close", response.header("connection"));
            client.assertClosedByServer();   // the pipelined request after it is not answered
        }
    }

    @Test
    void pathTraversalIsRefusedAndTheSecretNeverSent() throws IOException {
        try (HttpTestClient client = HttpTestClient.connect(server)) {
            for (String path : List.of("/../secret.txt", "/%2e%2e/secret.txt", "/n/../../secret.txt", "/n/%2E%2E/%2e%2e/secret.txt")) {
                client.send(get(path));
                Response response = client.read();
                assertEquals(400, response.status(), path);
                assertFalse(response.text().contains("SECRET"), path);
            }
            for (String path : List.of("//etc/passwd", "/%2Fetc/passwd")) {
                client.send(get(path));
                assertEquals(403, client.read().status(), path + " resolves outside the root");
            }
            client.send(get("/bad%zzescape") + get("/plaintext"));
            assertEquals(400, client.read().status());
            assertPlaintext(client.read());   // refusing a path is an answer, not a broken connection
        }
    }

    @Test
    void targetsThatAreNotPathsAre400() throws IOException {
        try (HttpTestClient client = HttpTestClient.connect(server)) {
            client.send("GET http://t/plaintext HTTP/1.1\r\nHost: t\r\n\r\n" + get("/plaintext"));
            assertEquals(400, client.read().status());
            assertPlaintext(client.read());
        }
    }

    @Test
    void anIdleConnectionIsClosedAfterTheIdleTimeout() throws IOException {
        HttpServer quick = start(config().withIdleTimeout(Duration.ofMillis(100)));
        try (HttpTestClient client = HttpTestClient.connect(quick)) {
            client.send(get("/plaintext"));
            assertPlaintext(client.read());
            long start = System.nanoTime();
            client.assertClosedByServer();
            long waitedMillis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(waitedMillis >= 50, "closed by the timeout, not at once: " + waitedMillis + " ms");
        }
        EchoClients.awaitCondition(() -> quick.connectionCount() == 0, () -> "open: " + quick.connectionCount());
    }

    @Test
    void aRequestLeftUnfinishedIs408ThenClosed() throws IOException {
        HttpServer quick = start(config().withIdleTimeout(Duration.ofMillis(100)));
        try (HttpTestClient client = HttpTestClient.connect(quick)) {
            client.send("GET /plaintext HTTP/1.1\r\nHo");
            Response response = client.read();
            assertEquals(408, response.status());
            assertEquals("close", response.header("connection"));
            client.assertClosedByServer();
        }
    }

    @Test
    void stopClosesOpenConnections() throws IOException, InterruptedException {
        try (HttpTestClient client = HttpTestClient.connect(server)) {
            client.send(get("/plaintext"));
            assertPlaintext(client.read());
            server.stop();
            server.awaitStop();
            client.assertClosedByServer();
            assertEquals(0, server.connectionCount());
        }
    }
}
