package dev.nbio.examples;

import static dev.nbio.examples.ServerTestClients.assertReads;
import static dev.nbio.examples.ServerTestClients.readLine;
import static dev.nbio.examples.ServerTestClients.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/** {@code nbio udp-echo}, {@code nbio ping} and {@code nbio workers}, run in-process with their output captured. */
class ServerCommandsTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private final CommandLine nbio = Nbio.commandLine()
            .setOut(new PrintWriter(out, true))
            .setErr(new PrintWriter(err, true));

    @Test
    void helpListsTheServerCommands() {
        assertEquals(0, nbio.execute("--help"));
        for (String command : new String[] {"udp-echo", "ping", "workers"}) {
            assertTrue(out.toString().contains(command), "nbio --help lists " + command + ": " + out);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"udp-echo", "ping", "workers"})
    void commandHelpListsItsOptions(String command) {
        assertEquals(0, nbio.execute(command, "--help"));
        for (String option : new String[] {"--port", "--host", "--backend"}) {
            assertTrue(out.toString().contains(option), command + " --help mentions " + option + ": " + out);
        }
    }

    @Test
    void workersHelpListsTheWorkerCount() {
        assertEquals(0, nbio.execute("workers", "--help"));
        assertTrue(out.toString().contains("--workers=<count>"), out.toString());
    }

    @Test
    void udpEchoServesUntilItsServerIsStopped() throws Exception {
        BackgroundCommand<UdpEchoServer> command = BackgroundCommand.start(nbio, err, "udp-echo", "--port", "0", "--backend", "nio");
        UdpEchoServer server = command.server();

        try (DatagramSocket client = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            client.setSoTimeout((int) EchoClients.LIMIT.toMillis());
            client.send(new DatagramPacket(new byte[] {4, 2}, 2, server.address()));
            DatagramPacket reply = new DatagramPacket(new byte[16], 16);
            client.receive(reply);
            assertArrayEquals(new byte[] {4, 2}, Arrays.copyOf(reply.getData(), reply.getLength()));
        }
        server.stop();

        assertEquals(0, command.exitCode());
        assertEquals(startLine("udp-echo", server), out.toString());
        assertEquals("nio", server.backend());
    }

    @Test
    void pingServesUntilItsServerIsStopped() throws Exception {
        BackgroundCommand<PingServer> command = BackgroundCommand.start(nbio, err, "ping", "--port", "0", "--host", "127.0.0.1");
        PingServer server = command.server();

        try (Socket client = ServerTestClients.connect(server)) {
            write(client, "PING\r\n");
            assertReads(client, "+PONG\r\n");
        }
        server.stop();

        assertEquals(0, command.exitCode());
        assertEquals(startLine("ping", server), out.toString());
    }

    @Test
    void workersServesUntilItsServerIsStopped() throws Exception {
        BackgroundCommand<WorkerPoolServer> command = BackgroundCommand.start(nbio, err, "workers", "--port", "0", "--workers", "3");
        WorkerPoolServer server = command.server();

        try (Socket client = ServerTestClients.connect(server)) {
            write(client, "25\nPING\n");
            assertEquals("97", readLine(client));
            assertEquals("PONG", readLine(client));
        }
        server.stop();

        assertEquals(0, command.exitCode());
        assertEquals(startLine("workers", server), out.toString());
        assertTrue(server.workersTerminated(), "the command's worker pool ended");
    }

    @ParameterizedTest
    @ValueSource(strings = {"ping", "workers"})
    void tcpServerOnAnOccupiedPortExitsOneWithTheReason(String command) throws IOException {
        try (ServerSocket occupant = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            assertEquals(1, nbio.execute(command, "--port", String.valueOf(occupant.getLocalPort())));
            assertTrue(err.toString().startsWith("nbio " + command + ": cannot listen on"), err.toString());
        }
    }

    @Test
    void udpEchoOnAnOccupiedPortExitsOneWithTheReason() throws IOException {
        try (DatagramSocket occupant = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            assertEquals(1, nbio.execute("udp-echo", "--port", String.valueOf(occupant.getLocalPort())));
            assertTrue(err.toString().startsWith("nbio udp-echo: cannot bind UDP"), err.toString());
        }
    }

    @Test
    void workersWithoutWorkersIsAUsageError() {
        assertEquals(CommandLine.ExitCode.USAGE, nbio.execute("workers", "--port", "0", "--workers", "0"));
        assertTrue(err.toString().contains("--workers must be at least 1, not 0"), err.toString());
    }

    private static String startLine(String command, LoopServer server) {
        return "nbio " + command + " server listening on " + server.address() + " (backend " + server.backend() + ")"
                + System.lineSeparator();
    }
}
