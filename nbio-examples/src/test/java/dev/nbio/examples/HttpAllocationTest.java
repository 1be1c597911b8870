package dev.nbio.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The HTTP example's claim that serving {@code GET /plaintext} allocates nothing per request
 * on the worker's thread, once warm: parsing, the response, the receive and the send.
 */
class HttpAllocationTest {
    private static final int PIPELINED = 16;
    /** Enough round trips for the JIT to compile the whole path (interpreted and C1 code allocates). */
    private static final int WARM_UP_BATCHES = 10_000;
    private static final int MEASURED_BATCHES = 1_500;

    @Test
    void plaintextAllocatesNothingPerRequestOnceWarm() throws Exception {
        HttpServer server = HttpServer.start(HttpServerConfig.defaults(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)));
        try (HttpTestClient client = HttpTestClient.connect(server)) {
            client.send(HttpTestClient.get("/plaintext"));
            int responseLength = client.read().wireLength();   // the Date keeps its length, so every response does
            byte[] batch = HttpTestClient.get("/plaintext").repeat(PIPELINED).getBytes(StandardCharsets.US_ASCII);

            long workerThread = workerThreadId(server);
            com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            exchange(client, batch, WARM_UP_BATCHES, responseLength);
            long before = threads.getThreadAllocatedBytes(workerThread);
            exchange(client, batch, MEASURED_BATCHES, responseLength);
            long allocated = threads.getThreadAllocatedBytes(workerThread) - before;

            double perRequest = (double) allocated / (MEASURED_BATCHES * PIPELINED);
            System.out.printf("[%s] GET /plaintext: %.4f bytes allocated per request (%d bytes over %d requests)%n",
                    server.backend(), perRequest, allocated, MEASURED_BATCHES * PIPELINED);
            // One object per request is at least 16 bytes, one per batch of 16 at least 1 byte a request.
            assertTrue(perRequest < 0.5, "bytes allocated per request on the worker's thread: " + perRequest);
        } finally {
            ServerTestClients.stopAndAwait(server);
        }
    }

    private static void exchange(HttpTestClient client, byte[] batch, int batches, int responseLength)
            throws IOException {
        for (int i = 0; i < batches; i++) {
            client.send(batch);
            byte[] responses = client.readBytes(PIPELINED * responseLength);
            assertEquals('!', responses[responses.length - 1], "the batch ends with the last Hello, World!");
        }
    }

    private static long workerThreadId(HttpServer server) {
        String name = "nbio-http-" + server.address().getPort() + "-0";
        return Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.getName().equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no thread named " + name))
                .threadId();
    }
}
