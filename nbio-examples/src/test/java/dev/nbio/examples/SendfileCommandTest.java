package dev.nbio.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code nbio sendfile}, run in-process against an in-process {@link SinkServer}. */
class SendfileCommandTest {
    private static final int SIZE = 20 * 1024 * 1024;

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private final CommandLine nbio = Nbio.commandLine()
            .setOut(new PrintWriter(out, true))
            .setErr(new PrintWriter(err, true));
    private final BlockingQueue<SinkServer.ConnectionSummary> summaries = new LinkedBlockingQueue<>();
    private SinkServer sink;
    private Path file;
    private byte[] content;

    @BeforeEach
    void startSinkAndWriteTheFile() throws IOException {
        sink = SinkServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), null, null, summaries::add);
        content = new byte[SIZE];
        new Random(4).nextBytes(content);
        file = Files.write(dir.resolve("random.bin"), content);
    }

    @AfterEach
    void stopSink() throws InterruptedException {
        sink.stop();
        sink.awaitStop();
    }

    @Test
    void sendsTheWholeFileByteForByte() throws Exception {
        assertEquals(0, send(file.toString()), err.toString());

        SinkServer.ConnectionSummary received = nextSummary();
        assertEquals(SIZE, received.bytes(), "bytes that arrived");
        assertEquals(sha256(content), received.sha256(), "the SHA-256 of what arrived");
        assertNull(received.error(), "the connection ended with the client's close, not an error");
        assertTrue(err.toString().contains("done: 20.0 MiB (20971520 bytes) in "), err.toString());
    }

    @Test
    void sendsOnTheNamedBackend() throws Exception {
        assertEquals(0, send("--backend", "nio", file.toString()), err.toString());
        assertEquals(sha256(content), nextSummary().sha256());
        assertTrue(err.toString().contains("(backend nio)"), err.toString());
    }

    @Test
    void offsetAndLengthSendOnlyThatRange() throws Exception {
        int offset = 1_000_003;
        int length = 5 * 1024 * 1024 + 17;
        assertEquals(0, send("--offset", String.valueOf(offset), "--length", String.valueOf(length), file.toString()),
                err.toString());

        SinkServer.ConnectionSummary received = nextSummary();
        assertEquals(length, received.bytes());
        assertEquals(sha256(Arrays.copyOfRange(content, offset, offset + length)), received.sha256());
    }

    @Test
    void offsetAloneSendsTheRestOfTheFile() throws Exception {
        int offset = SIZE - 12_345;
        assertEquals(0, send("--offset", String.valueOf(offset), file.toString()), err.toString());
        SinkServer.ConnectionSummary received = nextSummary();
        assertEquals(12_345, received.bytes());
        assertEquals(sha256(Arrays.copyOfRange(content, offset, SIZE)), received.sha256());
    }

    @Test
    void aLengthPastTheEndFailsWithEof() throws Exception {
        int exit = send("--offset", String.valueOf(SIZE - 10), "--length", "20", file.toString());
        assertEquals(1, exit);
        assertTrue(err.toString().contains("nbio sendfile: SendfileError.EOF sending "), err.toString());
        assertTrue(err.toString().contains("failed: SendfileError.EOF after 10 B of 20 B (10 of 20 bytes)"), err.toString());
        assertEquals(10, nextSummary().bytes(), "the ten bytes that exist still went out");
    }

    @Test
    void progressShowsIncreasingPercentagesThenASummary() throws Exception {
        assertEquals(0, send("--progress-interval", "0", file.toString()), err.toString());

        List<Integer> percents = ProgressBarTest.percentages(err.toString());
        assertTrue(percents.size() >= 10, "a drawing per chunk of a 20 MiB transfer: " + percents);
        for (int i = 1; i < percents.size(); i++) {
            assertTrue(percents.get(i) >= percents.get(i - 1), "percentages never go back: " + percents);
        }
        assertTrue(percents.getFirst() < 50, "the first drawing comes early: " + percents);
        assertEquals(100, percents.getLast());
        String[] rows = err.toString().split("\\R");
        assertTrue(rows[0].startsWith("sending " + file + " to " + sink.address() + " from /127.0.0.1:"), rows[0]);
        assertTrue(rows[rows.length - 1].matches("done: 20\\.0 MiB \\(20971520 bytes\\) in \\d+\\.\\d{3} s, average \\d+\\.\\d MiB/s"),
                rows[rows.length - 1]);
        assertEquals(SIZE, nextSummary().bytes());
    }

    @Test
    void aRefusedConnectionExitsOneNamingTheError() throws IOException {
        int closedPort;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = probe.getLocalPort();
        }
        int exit = nbio.execute("sendfile", "--port", String.valueOf(closedPort), file.toString());
        assertEquals(1, exit);
        assertEquals("nbio sendfile: DialError.CONNECTION_REFUSED connecting to /127.0.0.1:" + closedPort
                + System.lineSeparator(), err.toString());
    }

    @Test
    void aMissingFileExitsOneNamingTheErrorWithoutConnecting() throws InterruptedException {
        Path missing = dir.resolve("missing.bin");
        assertEquals(1, send(missing.toString()));
        assertEquals("nbio sendfile: OpenError.NOT_FOUND opening " + missing + System.lineSeparator(), err.toString());
        assertNull(summaries.poll(50, TimeUnit.MILLISECONDS), "no connection was made");
    }

    @Test
    void aPeerThatResetsTheConnectionEndsItWithConnectionReset() throws Exception {
        try (ServerSocket resetter = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             ExecutorService acceptor = Executors.newVirtualThreadPerTaskExecutor()) {
            // Accept, wait for the first byte (so the dial is over and sendfile runs), then close
            // with linger 0, which sends a reset. 20 MiB do not fit in the sockets' buffers, so
            // the sender is still at work when the reset arrives.
            Future<?> reset = acceptor.submit(() -> {
                try (Socket accepted = resetter.accept()) {
                    accepted.setSoTimeout((int) EchoClients.LIMIT.toMillis());
                    assertTrue(accepted.getInputStream().read() >= 0, "the first byte of the file");
                    accepted.setSoLinger(true, 0);
                }
                return null;
            });
            int exit = nbio.execute("sendfile", "--port", String.valueOf(resetter.getLocalPort()), file.toString());
            reset.get(EchoClients.LIMIT.toSeconds(), TimeUnit.SECONDS);

            assertEquals(1, exit);
            assertTrue(err.toString().contains("failed: SendfileError.CONNECTION_RESET after "), err.toString());
            assertTrue(err.toString().contains("nbio sendfile: SendfileError.CONNECTION_RESET sending " + file), err.toString());
        }
    }

    @Test
    void badOptionsAreUsageErrors() {
        assertEquals(CommandLine.ExitCode.USAGE, nbio.execute("sendfile", "--offset", "-1", file.toString()));
        assertTrue(err.toString().contains("--offset must be 0 or more, got -1"), err.toString());
        assertEquals(CommandLine.ExitCode.USAGE, nbio.execute("sendfile", "--length", "-2", file.toString()));
        assertTrue(err.toString().contains("--length must be -1 (the rest of the file) or more, got -2"), err.toString());
        assertEquals(CommandLine.ExitCode.USAGE, nbio.execute("sendfile"));
        assertTrue(err.toString().contains("Missing required parameter: 'FILE'"), err.toString());
    }

    @Test
    void anUnknownBackendExitsOneNamingIt() {
        assertEquals(1, send("--backend", "no-such-backend", file.toString()));
        assertTrue(err.toString().startsWith("nbio sendfile: ") && err.toString().contains("no-such-backend"), err.toString());
    }

    /** Runs {@code nbio sendfile --port <the sink's> <args>} on this thread. */
    private int send(String... args) {
        String[] command = new String[args.length + 3];
        command[0] = "sendfile";
        command[1] = "--port";
        command[2] = String.valueOf(sink.address().getPort());
        System.arraycopy(args, 0, command, 3, args.length);
        return nbio.execute(command);
    }

    private SinkServer.ConnectionSummary nextSummary() throws InterruptedException {
        SinkServer.ConnectionSummary summary = summaries.poll(EchoClients.LIMIT.toMillis(), TimeUnit.MILLISECONDS);
        assertNotNull(summary, "the sink reported no connection; sendfile said: " + err);
        return summary;
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
