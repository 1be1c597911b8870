package dev.nbio.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code nbio http}, run in-process with its output captured. */
class HttpCommandTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private final CommandLine nbio = Nbio.commandLine()
            .setOut(new PrintWriter(out, true))
            .setErr(new PrintWriter(err, true));

    @TempDir
    Path root;

    @Test
    void helpListsEveryOption() {
        assertEquals(0, nbio.execute("http", "--help"));
        for (String option : List.of("--port", "--host", "--backend", "--threads", "--root", "--idle-timeout",
                "--max-headers", "--read-buffer", "--write-buffer", "--max-body")) {
            assertTrue(out.toString().contains(option), "http --help mentions " + option + ": " + out);
        }
    }

    @Test
    void servesWithTwoThreadsAndARootUntilItsServerIsStopped() throws Exception {
        Files.writeString(root.resolve("hello.txt"), "hello from a file");
        BackgroundCommand<HttpServer> http = BackgroundCommand.start(nbio, err, "http",
                "--port", "0", "--threads", "2", "--root", root.toString(), "--idle-timeout", "5s",
                "--max-headers", "16", "--read-buffer", "4096", "--write-buffer", "8192");
        HttpServer server = http.server();
        try (HttpTestClient client = HttpTestClient.connect(server)) {
            client.send(HttpTestClient.get("/plaintext") + HttpTestClient.get("/hello.txt"));
            assertEquals("Hello, World!", client.read().text());
            assertEquals("hello from a file", client.read().text());
        }
        HttpServerConfig config = server.config();
        assertEquals(List.of(2, 16, 4096, 8192, Duration.ofSeconds(5)), List.of(config.threads(), config.maxHeaders(),
                config.readBufferSize(), config.writeBufferSize(), config.idleTimeout()));
        server.stop();

        assertEquals(0, http.exitCode());
        String expected = "nbio http server listening on http://127.0.0.1:" + server.address().getPort()
                + "/ (backend " + server.backend() + ", 2 threads)" + System.lineSeparator()
                + "serving files from " + root.toAbsolutePath().normalize() + System.lineSeparator();
        assertEquals(expected, out.toString());
    }

    @Test
    void anOccupiedPortExitsOneWithTheReason() throws IOException {
        try (ServerSocket occupant = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            String port = String.valueOf(occupant.getLocalPort());
            assertEquals(1, nbio.execute("http", "--port", port));
            assertTrue(err.toString().startsWith("nbio http: cannot listen on"), err.toString());
            assertEquals(1, nbio.execute("http", "--port", port, "--threads", "2"));
            assertTrue(err.toString().contains("with SO_REUSEPORT"), err.toString());
        }
    }

    @Test
    void outOfRangeSettingsAreUsageErrorsNamingTheSetting() {
        assertEquals(CommandLine.ExitCode.USAGE, nbio.execute("http", "--port", "0", "--read-buffer", "100"));
        assertTrue(err.toString().contains("the read buffer must be at least 1024 bytes, got 100"), err.toString());
        assertEquals(CommandLine.ExitCode.USAGE, nbio.execute("http", "--port", "0", "--threads", "0"));
        assertTrue(err.toString().contains("threads must be at least 1, got 0"), err.toString());
        assertEquals(CommandLine.ExitCode.USAGE, nbio.execute("http", "--port", "0", "--root", root.resolve("none").toString()));
        assertTrue(err.toString().contains("is not a directory"), err.toString());
        assertEquals(CommandLine.ExitCode.USAGE, nbio.execute("http", "--idle-timeout", "soon"));
        assertTrue(err.toString().contains("'soon' is not a duration"), err.toString());
    }

    @Test
    void durationsReadMillisecondsSecondsMinutesHoursAndIso() {
        HttpCommand.DurationConverter converter = new HttpCommand.DurationConverter();
        assertEquals(Duration.ofMillis(500), converter.convert("500ms"));
        assertEquals(Duration.ofSeconds(30), converter.convert("30s"));
        assertEquals(Duration.ofMinutes(2), converter.convert("2m"));
        assertEquals(Duration.ofHours(1), converter.convert("1h"));
        assertEquals(Duration.ofSeconds(5), converter.convert("PT5S"));
        assertThrows(CommandLine.TypeConversionException.class, () -> converter.convert("5 parsecs"));
    }
}
