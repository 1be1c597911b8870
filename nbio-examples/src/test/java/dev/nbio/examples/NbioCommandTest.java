package dev.nbio.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The {@code nbio} command line, run in-process with its output captured. */
class NbioCommandTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private final CommandLine nbio = Nbio.commandLine()
            .setOut(new PrintWriter(out, true))
            .setErr(new PrintWriter(err, true));

    @Test
    void helpExitsZeroAndListsTheCommands() {
        assertEquals(0, nbio.execute("--help"));
        assertTrue(out.toString().startsWith("Usage: nbio"), out.toString());
        assertTrue(out.toString().contains("echo") && out.toString().contains("hello"), out.toString());
    }

    @Test
    void echoHelpListsItsOptions() {
        assertEquals(0, nbio.execute("echo", "--help"));
        for (String option : new String[] {"--port", "--host", "--backend"}) {
            assertTrue(out.toString().contains(option), "echo --help mentions " + option + ": " + out);
        }
    }

    @Test
    void versionExitsZeroAndNamesTheVersion() {
        assertEquals(0, nbio.execute("--version"));
        assertTrue(out.toString().matches("(?s)nbio \\d+\\.\\d+\\.\\d+\\S*\\R.*Java .*"), out.toString());
    }

    @Test
    void unknownOptionExitsNonZeroWithAMessage() {
        assertNotEquals(0, nbio.execute("--no-such-option"));
        assertTrue(err.toString().contains("Unknown option: '--no-such-option'"), err.toString());
    }

    @Test
    void noCommandExitsNonZeroAndShowsUsage() {
        assertEquals(CommandLine.ExitCode.USAGE, nbio.execute());
        assertTrue(err.toString().contains("Missing a command") && err.toString().contains("Usage: nbio"),
                err.toString());
    }

    @Test
    void helloPrintsHelloWorld() {
        assertEquals(0, nbio.execute("hello"));
        assertEquals("Hello, world!" + System.lineSeparator(), out.toString());
    }

    @Test
    void echoServesUntilItsServerIsStopped() throws Exception {
        BackgroundCommand<EchoServer> echo = BackgroundCommand.start(nbio, err, "echo", "--port", "0", "--host", "127.0.0.1");
        EchoServer server = echo.server();
        try (Socket client = ServerTestClients.connect(server)) {
            EchoClients.assertEchoes(client, "through the command");
        }
        server.stop();

        assertEquals(0, echo.exitCode());
        assertEquals("nbio echo server listening on " + server.address() + " (backend " + server.backend() + ")"
                + System.lineSeparator(), out.toString());
    }

    @Test
    void echoOnAnOccupiedPortExitsOneWithTheReason() throws IOException {
        try (ServerSocket occupant = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            int exitCode = nbio.execute("echo", "--port", String.valueOf(occupant.getLocalPort()));
            assertEquals(1, exitCode);
            assertTrue(err.toString().startsWith("nbio echo: cannot listen on"), err.toString());
        }
    }
}
