package dev.nbio.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * Blocking TCP clients of the servers built on {@link TcpServer} (echo, ping, workers), shared
 * by their tests, and stopping a server within {@link EchoClients#LIMIT}. Text goes over the wire as ISO-8859-1, one byte per character, so any byte
 * can be written and read back as a string.
 */
final class ServerTestClients {
    private ServerTestClients() {
    }

    /** Connects with reads bounded by {@link EchoClients#LIMIT}, so a silent server fails the test. */
    static Socket connect(LoopServer server) throws IOException {
        Socket socket = new Socket(server.address().getAddress(), server.address().getPort());
        socket.setSoTimeout((int) EchoClients.LIMIT.toMillis());
        socket.setTcpNoDelay(true);
        return socket;
    }

    /** Stops the server and waits for it, failing the test when it takes longer than {@link EchoClients#LIMIT}. */
    static void stopAndAwait(RunningServer server) {
        server.stop();
        assertTimeoutPreemptively(EchoClients.LIMIT, server::awaitStop, "the server did not stop");
    }

    /** Writes text in one write call. */
    static void write(Socket socket, String text) throws IOException {
        socket.getOutputStream().write(bytes(text));
    }

    /** Reads exactly {@code length} bytes as text. */
    static String read(Socket socket, int length) throws IOException {
        return new String(EchoClients.readExactly(socket, length), StandardCharsets.ISO_8859_1);
    }

    /** Reads exactly as many bytes as {@code expected} has and checks that they are it. */
    static void assertReads(Socket socket, String expected) throws IOException {
        assertEquals(expected, read(socket, expected.length()));
    }

    /** Reads one line, without its {@code \n}. */
    static String readLine(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new EOFException("the server closed the connection in the middle of a line: " + line);
            }
            line.write(b);
        }
        return line.toString(StandardCharsets.ISO_8859_1);
    }

    /**
     * Checks that the server closed the connection in order: the next read sees the end of
     * the stream, not more bytes and not a reset (which the server avoids by reading what
     * is left before it closes).
     */
    static void assertClosedByServer(Socket socket) {
        int next = assertTimeoutPreemptively(EchoClients.LIMIT, () -> socket.getInputStream().read(),
                "the server did not close the connection");
        assertEquals(-1, next, "the server sent more instead of closing: " + next);
    }

    /** The text's bytes, one per character. */
    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }
}
