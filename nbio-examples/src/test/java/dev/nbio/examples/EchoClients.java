package dev.nbio.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Blocking-socket clients of an {@link EchoServer}, and the time limit and waiting shared by the examples' tests. */
final class EchoClients {
    /** How long a test waits for the server before failing; a bound on failure, never a pause. */
    static final Duration LIMIT = Duration.ofSeconds(10);

    private EchoClients() {
    }

    /** Reads exactly {@code length} bytes, failing on end of stream. */
    static byte[] readExactly(Socket socket, int length) throws IOException {
        byte[] bytes = new byte[length];
        InputStream in = socket.getInputStream();
        int filled = 0;
        while (filled < length) {
            int n = in.read(bytes, filled, length - filled);
            if (n < 0) {
                throw new EOFException("the server closed the connection after " + filled + " of " + length + " bytes");
            }
            filled += n;
        }
        return bytes;
    }

    /** Sends a message and checks that exactly it comes back. */
    static void assertEchoes(Socket socket, String message) throws IOException {
        byte[] sent = message.getBytes(StandardCharsets.UTF_8);
        socket.getOutputStream().write(sent);
        assertEquals(message, new String(readExactly(socket, sent.length), StandardCharsets.UTF_8));
    }

    /**
     * Connects, echoes {@code count} messages that name this client and their number, and
     * disconnects.
     *
     * @return how many messages came back intact
     */
    static int exchangeMessages(EchoServer server, int clientId, int count) throws IOException {
        try (Socket socket = ServerTestClients.connect(server)) {
            for (int i = 0; i < count; i++) {
                assertEchoes(socket, "client " + clientId + " message " + i + "\n");
            }
        }
        return count;
    }

    /** Waits, yielding, until a condition the server's thread makes true holds; fails after {@link #LIMIT}. */
    static void awaitCondition(BooleanSupplier condition, Supplier<String> whatWasSeen) {
        long deadline = System.nanoTime() + LIMIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail("condition not reached within " + LIMIT + ": " + whatWasSeen.get());
            }
            Thread.yield();
        }
    }
}
