package dev.nbio.it;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.api.model.Ulimit;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.output.OutputFrame;
import org.testcontainers.containers.output.OutputFrame.OutputType;
import org.testcontainers.containers.output.WaitingConsumer;
import org.testcontainers.containers.wait.strategy.Wait;

/**
 * The echo server under {@code --ulimit nofile=64:64}: more clients than descriptors make its
 * accepts fail with EMFILE, which it logs by name (INSUFFICIENT_RESOURCES, "Too many open
 * files") and backs off from, and the loop keeps serving: the clients it holds still echo, and
 * once the extra ones are gone a new client is accepted and echoed.
 */
class FileDescriptorLimitTest {
    /** The container's descriptor limit; the JVM itself holds about ten of them. */
    static final int NOFILE = 64;

    /** More clients than the limit allows, and fewer than the listener's backlog (1000). */
    static final int CLIENTS = NOFILE + 16;

    @BeforeEach
    void engineAndImage() {
        NbioContainers.assumeReady();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"nio", "uring"})
    void acceptReportsEmfileAndTheServerKeepsServing(String backend) throws Exception {
        int port = freeLoopbackPort();
        try (GenericContainer<?> server = echoServer(backend, port)) {
            server.start();
            assertTrue(server.getLogs(OutputType.STDOUT).contains("(backend " + backend + ")"),
                    "the server runs on " + backend + ":\n" + server.getLogs());
            WaitingConsumer serverLog = new WaitingConsumer();
            server.followOutput(serverLog, OutputType.STDERR);

            List<Socket> clients = new ArrayList<>();
            try {
                for (int i = 0; i < CLIENTS; i++) {
                    clients.add(connect(port));   // The kernel completes them from the backlog.
                }
                awaitLine(serverLog, "Accept failed (INSUFFICIENT_RESOURCES); trying again in 100 ms", server);
                awaitLine(serverLog, "Too many open files", server);
                // A client accepted before the limit was met is still served.
                assertEchoes(clients.getFirst(), "still here");
            } finally {
                for (Socket client : clients) {
                    client.close();
                }
            }
            // The server closes the departed clients as it sees their end, and accepts again.
            try (Socket late = connect(port)) {
                assertEchoes(late, "after the storm");
            }
            assertTrue(server.isRunning(), "the server is still running:\n" + server.getLogs());
        }
    }

    /**
     * The echo server on {@code backend} in a container with the low limit, on the host's
     * network so that the test reaches it on loopback. uring runs without a seccomp filter, so
     * that Docker 25+'s default profile does not keep it from starting.
     */
    private static GenericContainer<?> echoServer(String backend, int port) {
        GenericContainer<?> server = NbioContainers.nbio("echo", "--host", "127.0.0.1", "--port", Integer.toString(port),
                        "--backend", backend)
                .withNetworkMode("host")
                .withCreateContainerCmdModifier(create -> create.getHostConfig()
                        .withUlimits(List.of(new Ulimit("nofile", (long) NOFILE, (long) NOFILE))))
                // The line on standard output (the log line on standard error reads differently):
                // once it is seen, the startup assertion can read it.
                .waitingFor(Wait.forLogMessage("nbio echo server listening on .*\\n", 1)
                        .withStartupTimeout(NbioContainers.STARTUP_LIMIT));
        if (backend.equals("uring")) {
            server.withCreateContainerCmdModifier(create -> create.getHostConfig()
                    .withSecurityOpts(List.of("seccomp=unconfined")));
        }
        return server;
    }

    private static void awaitLine(WaitingConsumer log, String text, GenericContainer<?> server) {
        try {
            log.waitUntil((OutputFrame frame) -> frame.getUtf8String().contains(text), 30, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("the server never logged \"" + text + "\":\n" + server.getLogs(), e);
        }
    }

    private static void assertEchoes(Socket client, String text) throws IOException {
        byte[] sent = text.getBytes(US_ASCII);
        client.getOutputStream().write(sent);
        byte[] received = new byte[sent.length];
        InputStream in = client.getInputStream();
        int got = 0;
        while (got < received.length) {
            int n = in.read(received, got, received.length - got);
            if (n < 0) {
                break;
            }
            got += n;
        }
        assertArrayEquals(sent, received, "echoed \"" + new String(received, 0, got, US_ASCII) + "\"");
    }

    private static Socket connect(int port) throws IOException {
        Socket socket = new Socket();
        socket.setSoTimeout(10_000);
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 10_000);
        return socket;
    }

    /** A port free on loopback now; the container, on the host's network, binds it next. */
    private static int freeLoopbackPort() throws IOException {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return probe.getLocalPort();
        }
    }
}
