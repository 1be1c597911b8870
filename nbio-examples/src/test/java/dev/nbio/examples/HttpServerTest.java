package dev.nbio.examples;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The HTTP example end to end, driven by Java's {@link HttpClient} and by curl, as real clients would. */
class HttpServerTest {
    private static final Path CURL = Path.of("/usr/bin/curl");

    @TempDir
    Path temp;

    private Path root;
    private byte[] bigFile;
    private HttpServer server;
    private HttpClient client;

    @BeforeEach
    void startServer() throws IOException {
        root = Files.createDirectories(temp.resolve("www"));
        bigFile = new byte[3 * 1024 * 1024 + 17];
        new Random(7).nextBytes(bigFile);
        Files.write(root.resolve("big.bin"), bigFile);
        Files.writeString(root.resolve("index.html"), "<h1>nbio</h1>\n");
        Files.createFile(root.resolve("empty.txt"));
        Files.createDirectories(root.resolve("sub"));
        server = HttpServer.start(HttpServerConfig.defaults(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .withRoot(root));
        client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(EchoClients.LIMIT).build();
    }

    @AfterEach
    void stopServer() {
        client.close();
        ServerTestClients.stopAndAwait(server);
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.address().getPort() + path);
    }

    private HttpResponse<byte[]> get(String path) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(uri(path)).timeout(EchoClients.LIMIT).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    private HttpResponse<byte[]> head(String path) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(uri(path)).timeout(EchoClients.LIMIT)
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static String header(HttpResponse<?> response, String name) {
        return response.headers().firstValue(name).orElse(null);
    }

    @Test
    void plaintextAnswersHelloWorldWithServerDateAndLength() throws Exception {
        HttpResponse<byte[]> response = get("/plaintext");
        assertAll(
                () -> assertEquals(200, response.statusCode()),
                () -> assertEquals("Hello, World!", new String(response.body(), StandardCharsets.US_ASCII)),
                () -> assertEquals("text/plain", header(response, "content-type")),
                () -> assertEquals("13", header(response, "content-length")),
                () -> assertEquals("nbio", header(response, "server")),
                () -> assertTrue(header(response, "date").matches(
                        "[A-Z][a-z]{2}, \\d{2} [A-Z][a-z]{2} \\d{4} \\d{2}:\\d{2}:\\d{2} GMT"),
                        "an IMF-fixdate: " + header(response, "date")));
        Instant date = ZonedDateTime.parse(header(response, "date"), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        assertTrue(Duration.between(date, Instant.now()).abs().toSeconds() < 5, "the date is now: " + date);
    }

    @Test
    void plaintextIgnoresTheQuery() throws Exception {
        assertEquals("Hello, World!", new String(get("/plaintext?name=x").body(), StandardCharsets.US_ASCII));
    }

    @Test
    void servesAStaticFileByteForByte() throws Exception {
        HttpResponse<byte[]> response = get("/big.bin");
        assertEquals(200, response.statusCode());
        assertEquals("application/octet-stream", header(response, "content-type"));
        assertEquals(String.valueOf(bigFile.length), header(response, "content-length"));
        assertArrayEquals(bigFile, response.body());
    }

    @Test
    void servesIndexHtmlForADirectoryPathEndingInASlash() throws Exception {
        HttpResponse<byte[]> response = get("/");
        assertEquals(200, response.statusCode());
        assertEquals("text/html; charset=utf-8", header(response, "content-type"));
        assertEquals("<h1>nbio</h1>\n", new String(response.body(), StandardCharsets.UTF_8));
    }

    @Test
    void servesAnEmptyFile() throws Exception {
        HttpResponse<byte[]> response = get("/empty.txt");
        assertEquals(200, response.statusCode());
        assertEquals("0", header(response, "content-length"));
        assertEquals(0, response.body().length);
    }

    @Test
    void missingFilesAndDirectoriesAre404() throws Exception {
        for (String path : List.of("/missing.txt", "/sub", "/sub/", "/big.bin/below")) {
            HttpResponse<byte[]> response = get(path);
            assertEquals(404, response.statusCode(), path);
            assertEquals("404 Not Found\n", new String(response.body(), StandardCharsets.US_ASCII), path);
        }
    }

    @Test
    void headGivesTheHeadersWithoutTheBody() throws Exception {
        HttpResponse<byte[]> file = head("/big.bin");
        assertEquals(200, file.statusCode());
        assertEquals(String.valueOf(bigFile.length), header(file, "content-length"));
        assertEquals(0, file.body().length);

        HttpResponse<byte[]> plaintext = head("/plaintext");
        assertEquals("13", header(plaintext, "content-length"));
        assertEquals(0, plaintext.body().length);
        // The connection is still in step: a GET after the HEADs gets its own body.
        assertEquals("Hello, World!", new String(get("/plaintext").body(), StandardCharsets.US_ASCII));
    }

    @Test
    void keepAliveServesEveryRequestOnOneConnection() throws Exception {
        for (String path : List.of("/plaintext", "/big.bin", "/missing", "/index.html", "/plaintext")) {
            assertTrue(get(path).statusCode() > 0, path);
        }
        assertEquals(1, server.acceptedConnections(), "HttpClient reused its connection for all five requests");
    }

    @Test
    void otherMethodsAre405WithAllow() throws Exception {
        HttpResponse<byte[]> response = client.send(HttpRequest.newBuilder(uri("/plaintext")).timeout(EchoClients.LIMIT)
                .POST(HttpRequest.BodyPublishers.ofString("some body")).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(405, response.statusCode());
        assertEquals("GET, HEAD", header(response, "allow"));
        assertEquals(200, get("/plaintext").statusCode(), "the body was skipped and the connection is usable");
        assertEquals(1, server.acceptedConnections());
    }

    @Test
    void withoutARootEveryOtherPathIs404() throws Exception {
        HttpServer bare = HttpServer.start(HttpServerConfig.defaults(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)));
        try (HttpTestClient raw = HttpTestClient.connect(bare)) {
            raw.send(HttpTestClient.get("/index.html") + HttpTestClient.get("/plaintext"));
            assertEquals(404, raw.read().status());
            assertEquals("Hello, World!", raw.read().text());
        } finally {
            ServerTestClients.stopAndAwait(bare);
        }
    }

    @Test
    void twoThreadsShareThePortAndBothServe() throws Exception {
        HttpServer two = HttpServer.start(HttpServerConfig.defaults(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .withThreads(2));
        try {
            int connections = 40;
            for (int i = 0; i < connections; i++) {
                try (HttpTestClient raw = HttpTestClient.connect(two)) {
                    raw.send("GET /plaintext HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
                    assertEquals("Hello, World!", raw.read().text());
                    raw.assertClosedByServer();
                }
            }
            List<Long> perWorker = two.acceptedConnectionsPerWorker();
            assertEquals(2, perWorker.size());
            assertEquals(connections, perWorker.get(0) + perWorker.get(1));
            // SO_REUSEPORT hashes each connection's addresses to a listener: all 40 on one of two has odds 2^-39.
            assertTrue(perWorker.get(0) > 0 && perWorker.get(1) > 0, "both workers accepted connections: " + perWorker);
        } finally {
            ServerTestClients.stopAndAwait(two);
        }
    }

    @Test
    void curlFetchesPlaintextTwiceOnOneConnection() throws Exception {
        assumeTrue(Files.isExecutable(CURL), "curl is not installed at " + CURL + "; skipping the curl test");
        String url = uri("/plaintext").toString();
        CurlResult result = curl("-s", "-i", url, url);
        assertEquals(0, result.exitCode(), result.stderr());
        String out = result.stdout();
        assertTrue(out.startsWith("HTTP/1.1 200 OK\r\n"), out);
        assertTrue(out.contains("\r\nServer: nbio\r\n") && out.contains("\r\nContent-Length: 13\r\n"), out);
        assertEquals(2, out.split("Hello, World!", -1).length - 1, "two bodies: " + out);
        assertEquals(1, server.acceptedConnections(), "curl reused its connection");
    }

    @Test
    void curlDownloadsAFileByteForByte() throws Exception {
        assumeTrue(Files.isExecutable(CURL), "curl is not installed at " + CURL + "; skipping the curl test");
        Path downloaded = temp.resolve("downloaded.bin");
        CurlResult result = curl("-s", "-f", "-o", downloaded.toString(), uri("/big.bin").toString());
        assertEquals(0, result.exitCode(), result.stderr());
        assertArrayEquals(bigFile, Files.readAllBytes(downloaded));
    }

    private record CurlResult(int exitCode, String stdout, String stderr) {
    }

    private CurlResult curl(String... args) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of(CURL.toString(), "--max-time", "10"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).start();
        byte[] stdout = process.getInputStream().readAllBytes();
        byte[] stderr = process.getErrorStream().readAllBytes();
        assertTrue(process.waitFor(EchoClients.LIMIT.toSeconds(), TimeUnit.SECONDS), "curl did not finish");
        return new CurlResult(process.exitValue(), new String(stdout, StandardCharsets.ISO_8859_1),
                new String(stderr, StandardCharsets.UTF_8));
    }
}
