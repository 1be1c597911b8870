package dev.nbio.examples;

import static dev.nbio.examples.ServerTestClients.assertClosedByServer;
import static dev.nbio.examples.ServerTestClients.readLine;
import static dev.nbio.examples.ServerTestClients.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongUnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The worker-pool server: CPU work on worker threads whose replies go out through the loop,
 * PING answered by the loop itself, and a shutdown that ends the pool.
 */
class WorkerPoolServerTest {
    private static final InetSocketAddress ANY_PORT = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    /** The first primes, from a sieve: what the workers' trial division must agree with. */
    private static final long[] PRIMES = sieve(20_000);

    private final CountDownLatch release = new CountDownLatch(1);
    private final AtomicInteger workStarted = new AtomicInteger();

    /** Work that holds its worker until the test releases it, then answers n * 10. */
    private final LongUnaryOperator heldWork = n -> {
        workStarted.incrementAndGet();
        try {
            if (!release.await(EchoClients.LIMIT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("the test never released the work");
            }
        } catch (InterruptedException e) {
            throw new CancellationException("interrupted: the pool is shutting down");
        }
        return n * 10;
    };

    private WorkerPoolServer server;

    @AfterEach
    void stopServer() {
        release.countDown();
        if (server != null) {
            ServerTestClients.stopAndAwait(server);
            assertTrue(server.workersTerminated(), "every worker thread ended");
        }
    }

    @Test
    void workersAnswerTheNthPrime() throws IOException {
        server = WorkerPoolServer.start(ANY_PORT, null, 2);
        try (Socket client = ServerTestClients.connect(server)) {
            for (int n : new int[] {1, 2, 3, 10, 100, 1000, 10_000}) {
                write(client, n + "\n");
                assertEquals(String.valueOf(PRIMES[n - 1]), readLine(client), "prime number " + n);
            }
        }
    }

    @Test
    void pingIsAnsweredByTheLoop() throws IOException {
        server = WorkerPoolServer.start(ANY_PORT, null, 1);
        try (Socket client = ServerTestClients.connect(server)) {
            write(client, "PING\r\n");
            assertEquals("PONG", readLine(client));
        }
    }

    @Test
    void manyConcurrentClientsEachGetTheirOwnReplies() throws Exception {
        server = WorkerPoolServer.start(ANY_PORT, null, 2);
        int clients = 16;
        int requestsEach = 10;
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Integer>> results = new ArrayList<>();
            for (int id = 0; id < clients; id++) {
                int clientId = id;
                results.add(pool.submit(() -> askForPrimes(clientId, requestsEach)));
            }
            for (Future<Integer> result : results) {
                assertEquals(requestsEach, result.get(), "correct replies to one client");
            }
        }
    }

    @Test
    void loopAnswersPingWhileEveryWorkerIsBusy() throws Exception {
        server = WorkerPoolServer.start(ANY_PORT, null, 2, heldWork);
        try (Socket first = ServerTestClients.connect(server);
             Socket second = ServerTestClients.connect(server);
             Socket queued = ServerTestClients.connect(server);
             Socket pinger = ServerTestClients.connect(server)) {
            write(first, "1\n");
            write(second, "2\n");
            awaitWorkStarted(2);
            write(queued, "3\n");   // Waits in the pool's queue: no worker is free.
            awaitRequestsAtWorkers(3);

            for (int i = 0; i < 3; i++) {
                write(pinger, "PING\n");
                assertEquals("PONG", readLine(pinger), "the loop answers while the workers are held");
            }
            assertEquals(0, first.getInputStream().available(), "no worker has replied yet");

            release.countDown();
            assertEquals("10", readLine(first));
            assertEquals("20", readLine(second));
            assertEquals("30", readLine(queued));
        }
    }

    @Test
    void pipelinedLinesAreAnsweredInOrder() throws IOException {
        server = WorkerPoolServer.start(ANY_PORT, null, 2);
        try (Socket client = ServerTestClients.connect(server)) {
            write(client, "PING\n3\nping\n4\n100\n");
            for (String expected : new String[] {"PONG", "5", "PONG", "7", "541"}) {
                assertEquals(expected, readLine(client));
            }
        }
    }

    @Test
    void badRequestsAreRefusedAndTheConnectionGoesOn() throws IOException {
        server = WorkerPoolServer.start(ANY_PORT, null, 1);
        String refusal = "ERR expected PING or a number from 1 to " + WorkerPoolServer.MAX_N;
        try (Socket client = ServerTestClients.connect(server)) {
            for (String bad : new String[] {"abc", "0", "-3", String.valueOf(WorkerPoolServer.MAX_N + 1), "", "1 2"}) {
                write(client, bad + "\n");
                assertEquals(refusal, readLine(client), "request '" + bad + "'");
            }
            write(client, "5\r\n");
            assertEquals("11", readLine(client));
        }
    }

    @Test
    void lineLongerThanTheBufferIsRefusedAndCloses() throws IOException {
        server = WorkerPoolServer.start(ANY_PORT, null, 1);
        try (Socket client = ServerTestClients.connect(server)) {
            write(client, "9".repeat(WorkerPoolServer.LINE_SIZE) + "\n");
            assertEquals("ERR line too long", readLine(client));
            assertClosedByServer(client);
        }
    }

    @Test
    void failingWorkIsAnInternalErrorAndTheConnectionGoesOn() throws IOException {
        server = WorkerPoolServer.start(ANY_PORT, null, 1, n -> {
            if (n == 13) {
                throw new IllegalStateException("unlucky");
            }
            return n;
        });
        try (Socket client = ServerTestClients.connect(server)) {
            write(client, "13\n");
            assertEquals("ERR internal error", readLine(client));
            write(client, "12\n");
            assertEquals("12", readLine(client));
        }
    }

    @Test
    void clientThatLeavesWhileItsRequestIsAtAWorkerIsClosedAfterTheReply() throws Exception {
        server = WorkerPoolServer.start(ANY_PORT, null, 2, heldWork);
        try (Socket leaving = ServerTestClients.connect(server)) {
            write(leaving, "1\n");
            awaitWorkStarted(1);
        }
        release.countDown();
        EchoClients.awaitCondition(() -> server.connectionCount() == 0, () -> "connections: " + server.connectionCount());
    }

    @Test
    void stopWhileWorkersAreBusyRepliesShuttingDownAndEndsThePool() throws Exception {
        server = WorkerPoolServer.start(ANY_PORT, null, 2, heldWork);
        try (Socket first = ServerTestClients.connect(server);
             Socket second = ServerTestClients.connect(server);
             Socket queued = ServerTestClients.connect(server);
             Socket idle = ServerTestClients.connect(server)) {
            write(idle, "PING\n");
            assertEquals("PONG", readLine(idle));
            write(first, "1\n");
            write(second, "2\n");
            awaitWorkStarted(2);
            write(queued, "3\n");
            awaitRequestsAtWorkers(3);

            ServerTestClients.stopAndAwait(server);   // The work is never released: shutdownNow interrupts it.

            for (Socket client : new Socket[] {first, second, queued}) {
                assertEquals("ERR server shutting down", readLine(client));
                assertClosedByServer(client);
            }
            assertClosedByServer(idle);
        }
        assertTrue(server.workersTerminated(), "every worker thread ended");
        assertEquals(0, server.connectionCount());
    }

    @Test
    void stopInterruptsALongPrimeComputation() throws Exception {
        server = WorkerPoolServer.start(ANY_PORT, null, 1);
        try (Socket client = ServerTestClients.connect(server)) {
            write(client, WorkerPoolServer.MAX_N + "\n");   // Many seconds of work when left alone.
            awaitRequestsAtWorkers(1);
            ServerTestClients.stopAndAwait(server);
            assertEquals("ERR server shutting down", readLine(client));
            assertClosedByServer(client);
        }
    }

    @Test
    void aPoolWithoutWorkersIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> WorkerPoolServer.start(ANY_PORT, null, 0));
        assertTrue(e.getMessage().contains("at least 1 worker"), e.getMessage());
    }

    @Test
    void primesAgreeWithASieveAndRefuseZero() {
        for (int n = 1; n <= 5000; n += n < 100 ? 1 : 131) {
            assertEquals(PRIMES[n - 1], Primes.nth(n), "prime number " + n);
        }
        assertThrows(IllegalArgumentException.class, () -> Primes.nth(0));
    }

    @Test
    void primesStopWhenTheThreadIsInterrupted() {
        Thread.currentThread().interrupt();
        try {
            assertThrows(CancellationException.class, () -> Primes.nth(WorkerPoolServer.MAX_N));
        } finally {
            assertTrue(Thread.interrupted(), "the interrupt flag stays set (and is cleared here)");
        }
    }

    @Test
    void startOnAnOccupiedPortFailsNamingTheAddress() throws IOException {
        try (ServerSocket occupant = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            InetSocketAddress taken = new InetSocketAddress(InetAddress.getLoopbackAddress(), occupant.getLocalPort());
            IOException e = assertThrows(IOException.class, () -> WorkerPoolServer.start(taken, null, 2));
            assertTrue(e.getMessage().contains("cannot listen on") && e.getMessage().contains(":" + taken.getPort()),
                    e.getMessage());
        }
    }

    /** Asks for primes numbered after this client, so that a reply on the wrong connection shows. */
    private int askForPrimes(int clientId, int count) throws IOException {
        try (Socket client = ServerTestClients.connect(server)) {
            for (int i = 0; i < count; i++) {
                int n = 1 + clientId * 100 + i * 9;
                write(client, n + "\n");
                assertEquals(String.valueOf(PRIMES[n - 1]), readLine(client), "client " + clientId + ", prime number " + n);
            }
        }
        return count;
    }

    private void awaitWorkStarted(int count) {
        EchoClients.awaitCondition(() -> workStarted.get() == count, () -> "work started: " + workStarted.get());
    }

    /** Waits until the loop has read the requests and handed them to the pool. */
    private void awaitRequestsAtWorkers(int count) {
        EchoClients.awaitCondition(() -> server.requestsAtWorkers() == count,
                () -> "requests at the workers: " + server.requestsAtWorkers());
    }

    private static long[] sieve(int count) {
        int limit = 250_000;   // Above the 20,000th prime, 224,737.
        boolean[] composite = new boolean[limit];
        long[] primes = new long[count];
        int found = 0;
        for (int i = 2; i < limit && found < count; i++) {
            if (!composite[i]) {
                primes[found++] = i;
                for (long multiple = (long) i * i; multiple < limit; multiple += i) {
                    composite[(int) multiple] = true;
                }
            }
        }
        assertFalse(found < count, "the sieve's limit is too low");
        return primes;
    }
}
