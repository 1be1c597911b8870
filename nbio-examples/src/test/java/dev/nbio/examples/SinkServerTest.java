package dev.nbio.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The sink that {@code nbio sendfile} talks to, fed by plain blocking sockets. */
class SinkServerTest {
    private static final InetSocketAddress ANY_LOOPBACK_PORT = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    @TempDir
    Path dir;

    private final BlockingQueue<SinkServer.ConnectionSummary> summaries = new LinkedBlockingQueue<>();

    @Test
    void countsAndHashesWhatEachConnectionSent() throws Exception {
        SinkServer sink = SinkServer.start(ANY_LOOPBACK_PORT, null, null, summaries::add);
        try {
            byte[] first = randomBytes(300_000, 1);
            byte[] second = "short".getBytes(StandardCharsets.UTF_8);
            send(sink, first);
            SinkServer.ConnectionSummary one = nextSummary();
            send(sink, second);
            SinkServer.ConnectionSummary two = nextSummary();

            assertEquals(1, one.number());
            assertEquals(first.length, one.bytes());
            assertEquals(SendfileCommandTest.sha256(first), one.sha256());
            assertNull(one.error());
            assertNull(one.storedIn(), "nothing is stored without an output path");
            assertEquals(InetAddress.getLoopbackAddress(), one.remote().getAddress());
            assertEquals(2, two.number());
            assertEquals(5, two.bytes());
            assertEquals(SendfileCommandTest.sha256(second), two.sha256());
        } finally {
            stop(sink);
        }
    }

    @Test
    void anEmptyConnectionHasTheHashOfNothing() throws Exception {
        SinkServer sink = SinkServer.start(ANY_LOOPBACK_PORT, null, null, summaries::add);
        try {
            send(sink, new byte[0]);
            SinkServer.ConnectionSummary empty = nextSummary();
            assertEquals(0, empty.bytes());
            assertEquals("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", empty.sha256());
        } finally {
            stop(sink);
        }
    }

    @Test
    void storesTheFirstConnectionInTheFileAndTheNextInNumberedOnes() throws Exception {
        Path out = dir.resolve("received.bin");
        Files.writeString(out, "older and longer content that must be replaced, not overwritten in part");
        SinkServer sink = SinkServer.start(ANY_LOOPBACK_PORT, null, out, summaries::add);
        try {
            byte[] first = randomBytes(1_000_000, 2);
            byte[] second = randomBytes(70_000, 3);
            send(sink, first);
            SinkServer.ConnectionSummary one = nextSummary();
            send(sink, second);
            SinkServer.ConnectionSummary two = nextSummary();

            assertEquals(out, one.storedIn());
            assertArrayEquals(first, Files.readAllBytes(out));
            Path numbered = dir.resolve("received.bin.2");
            assertEquals(numbered, two.storedIn());
            assertArrayEquals(second, Files.readAllBytes(numbered));
            assertEquals(SendfileCommandTest.sha256(second), two.sha256());
        } finally {
            stop(sink);
        }
    }

    @Test
    void aClientResetIsReportedByName() throws Exception {
        SinkServer sink = SinkServer.start(ANY_LOOPBACK_PORT, null, null, summaries::add);
        try {
            Socket client = new Socket(sink.address().getAddress(), sink.address().getPort());
            client.getOutputStream().write(new byte[1000]);
            client.setSoLinger(true, 0);   // close with a reset instead of an orderly end
            client.close();
            SinkServer.ConnectionSummary reset = nextSummary();
            assertEquals("RecvError.CONNECTION_RESET", reset.error());
            assertTrue(reset.describe().endsWith(", ended by RecvError.CONNECTION_RESET"), reset.describe());
        } finally {
            stop(sink);
        }
    }

    @Test
    void stopEndsOpenConnectionsAndReportsThem() throws Exception {
        SinkServer sink = SinkServer.start(ANY_LOOPBACK_PORT, null, null, summaries::add);
        try (Socket client = new Socket(sink.address().getAddress(), sink.address().getPort())) {
            client.setSoTimeout((int) EchoClients.LIMIT.toMillis());
            client.getOutputStream().write(new byte[42]);
            // Stop only once the sink holds the connection and the bytes: a connection still in
            // the listen queue would be dropped with the listener, unreported.
            EchoClients.awaitCondition(() -> sink.connectionCount() == 1 && sink.bytesReceived() == 42,
                    () -> sink.connectionCount() + " connections, " + sink.bytesReceived() + " bytes");
            stop(sink);
            SinkServer.ConnectionSummary stopped = nextSummary();
            assertEquals(42, stopped.bytes(), "what arrived before the stop");
            assertEquals("RecvError.CLOSED", stopped.error());
            assertEquals(0, sink.connectionCount());
            assertEquals(-1, client.getInputStream().read(), "the sink closed the connection");
        }
    }

    @Test
    void describeSaysWhatArrivedFromWhereAndWhereItWent() throws IOException {
        InetAddress unnamed = InetAddress.getByAddress(new byte[] {127, 0, 0, 1});   // printed without a host name
        SinkServer.ConnectionSummary summary = new SinkServer.ConnectionSummary(3,
                new InetSocketAddress(unnamed, 40000), 20L << 20, "ab12", 2_000_000_000L,
                null, Path.of("/tmp/out.bin.3"));
        assertEquals("connection 3 from /127.0.0.1:40000: 20971520 bytes (20.0 MiB) in 2.000 s, 10.0 MiB/s,"
                + " sha256 ab12, stored in /tmp/out.bin.3", summary.describe());
    }

    @Test
    void theSinkCommandPrintsWhereItListensThenALinePerConnection() throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine nbio = Nbio.commandLine().setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true));
        BackgroundCommand<SinkServer> command = BackgroundCommand.start(nbio, err, "sink", "--port", "0");
        SinkServer sink = command.server();
        send(sink, "hello sink".getBytes(StandardCharsets.UTF_8));
        EchoClients.awaitCondition(() -> out.toString().contains("connection 1 "), out::toString);
        sink.stop();

        assertEquals(0, command.exitCode());
        String[] lines = out.toString().split("\\R");
        assertEquals("nbio sink listening on " + sink.address() + " (backend " + sink.backend() + ")", lines[0]);
        assertTrue(lines[1].matches("connection 1 from /127\\.0\\.0\\.1:\\d+: 10 bytes \\(10 B\\) in .*, sha256 "
                + SendfileCommandTest.sha256("hello sink".getBytes(StandardCharsets.UTF_8))), lines[1]);
    }

    @Test
    void theSinkCommandOnAnOccupiedPortExitsOne() throws IOException {
        StringWriter err = new StringWriter();
        CommandLine nbio = Nbio.commandLine().setErr(new PrintWriter(err, true));
        try (java.net.ServerSocket occupant = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            assertEquals(1, nbio.execute("sink", "--port", String.valueOf(occupant.getLocalPort())));
            assertTrue(err.toString().startsWith("nbio sink: cannot listen on"), err.toString());
        }
    }

    private static void send(SinkServer sink, byte[] bytes) throws IOException {
        try (Socket client = new Socket(sink.address().getAddress(), sink.address().getPort())) {
            client.getOutputStream().write(bytes);
        }
    }

    private SinkServer.ConnectionSummary nextSummary() throws InterruptedException {
        SinkServer.ConnectionSummary summary = summaries.poll(EchoClients.LIMIT.toMillis(), TimeUnit.MILLISECONDS);
        assertNotNull(summary, "the sink reported no connection");
        return summary;
    }

    private static void stop(SinkServer sink) {
        sink.stop();
        assertTimeoutPreemptively(EchoClients.LIMIT, sink::awaitStop, "the sink did not stop");
    }

    private static byte[] randomBytes(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }
}
