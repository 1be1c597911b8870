package dev.nbio.uring;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.nbio.Operation;
import dev.nbio.PollEvent;
import dev.nbio.RecvError;
import dev.nbio.TcpSocket;
import dev.nbio.UdpSocket;
import dev.nbio.spi.OperationRecord;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Cancellation against completion, where io_uring makes them race: the kernel may finish a
 * receive while the loop asks it to cancel. Every callback runs once, no byte is lost, and a
 * removed receive leaves no callback and no slot behind whichever side wins.
 */
class CancellationRaceTest extends UringLoopTest {
    private static final int ROUNDS = 300;
    private static final int MESSAGE = 8;
    private static final Duration ONE_MILLISECOND = Duration.ofMillis(1);

    /** What the receives of the race saw. */
    private static final class RaceLog {
        final int[] calls = new int[ROUNDS];
        final ByteArrayOutputStream stream = new ByteArrayOutputStream();
        final List<String> wrong = new ArrayList<>();
        int withData;
        int timedOutEmpty;
        int timedOutWithData;
    }

    /** One receive of the race: counts its callback and keeps the bytes it reports, whatever its outcome. */
    private static void record(RaceLog log, int round, Operation op, ByteBuffer buffer) {
        log.calls[round]++;
        RecvError error = op.recv().error();
        int received = op.recv().received();
        if (received != buffer.position()) {
            log.wrong.add("round " + round + ": received() says " + received + ", the buffer holds " + buffer.position());
        }
        log.stream.write(buffer.array(), 0, buffer.position());
        if (error == null && received > 0) {
            log.withData++;
        } else if (error == RecvError.TIMEOUT) {
            if (received == 0) {
                log.timedOutEmpty++;
            } else {
                log.timedOutWithData++;
            }
        } else {
            log.wrong.add("round " + round + ": error " + error + " with " + received + " bytes");
        }
    }

    private static byte[] message(int round) {
        return ByteBuffer.allocate(MESSAGE).putInt(round).putInt(~round).array();
    }

    /**
     * A plain JDK socket sends message {@code i} at a random moment 0 to 2 ms after the
     * loop executed receive {@code i} with a 1 ms timeout. Whatever wins, each receive calls
     * back once, with data or TIMEOUT; a TIMEOUT keeps the count of the bytes it did take
     * (the guide: "a recv may have filled part of its buffers"); the bytes every receive
     * reports, in order, are exactly the bytes sent.
     */
    @Test
    void receivesRacingAOneMillisecondTimeoutEndOnceAndLoseNoBytes() throws Exception {
        TcpSocket listener = loop.listenTcp(loopback());
        TcpSocket[] server = {null};
        loop.accept(listener, (Operation op) -> server[0] = op.accept().client());
        try (SocketChannel peer = SocketChannel.open(listener.localAddress())) {
            peer.setOption(StandardSocketOptions.TCP_NODELAY, true);
            tickUntil("accept", () -> server[0] != null);
            BlockingQueue<Integer> go = new ArrayBlockingQueue<>(ROUNDS);
            AtomicReference<Throwable> senderFailure = new AtomicReference<>();
            Thread sender = Thread.ofPlatform().name("race-sender").start(() -> {
                try {
                    for (int round = 0; round < ROUNDS; round++) {
                        Integer next = go.poll(LIMIT.toMillis(), TimeUnit.MILLISECONDS);
                        if (next == null) {
                            throw new AssertionError("the loop stopped handing out rounds at " + round);
                        }
                        // Spinning, not sleeping: the point is to land near the 1 ms deadline.
                        long until = System.nanoTime() + ThreadLocalRandom.current().nextLong(2_000_000);
                        while (System.nanoTime() < until) {
                            Thread.onSpinWait();
                        }
                        peer.write(ByteBuffer.wrap(message(next)));
                    }
                } catch (Throwable t) {
                    senderFailure.set(t);
                }
            });
            RaceLog log = new RaceLog();
            for (int round = 0; round < ROUNDS; round++) {
                int current = round;
                ByteBuffer buffer = ByteBuffer.allocate(4 * MESSAGE);
                int before = log.calls[round];
                loop.recv(server[0], buffer, false, ONE_MILLISECOND, (Operation op) -> record(log, current, op, buffer));
                go.add(round);
                tickUntil("the callback of round " + round, () -> log.calls[current] > before);
            }
            sender.join(LIMIT.toMillis());
            assertNull(senderFailure.get(), () -> "sender failed: " + senderFailure.get());
            // What the timed-out receives did not take is still in the socket: read it to the end.
            int expectedBytes = ROUNDS * MESSAGE;
            while (log.stream.size() < expectedBytes) {
                ByteBuffer rest = ByteBuffer.allocate(expectedBytes);
                int[] got = {-1};
                loop.recv(server[0], rest, false, null, (Operation op) -> {
                    assertNull(op.recv().error());
                    got[0] = op.recv().received();
                });
                tickUntil("the rest of the stream", () -> got[0] >= 0);
                assertTrue(got[0] > 0, "the peer closed early");
                log.stream.write(rest.array(), 0, got[0]);
            }
            loop.tick(Duration.ZERO);
            assertTrue(log.wrong.isEmpty(), () -> log.wrong.size() + " wrong outcomes, first: " + log.wrong.getFirst());
            for (int round = 0; round < ROUNDS; round++) {
                assertEquals(1, log.calls[round], "callbacks of round " + round);
            }
            ByteArrayOutputStream expected = new ByteArrayOutputStream();
            for (int round = 0; round < ROUNDS; round++) {
                expected.write(message(round));
            }
            assertArrayEquals(expected.toByteArray(), log.stream.toByteArray(), "the bytes, in order, across all receives");
            String outcomes = log.withData + " with data, " + log.timedOutEmpty + " timed out empty, "
                    + log.timedOutWithData + " timed out with data";
            assertTrue(log.withData > 0 && log.timedOutEmpty + log.timedOutWithData > 0,
                    "the race was not exercised: " + outcomes);
            System.out.println("receive/timeout race outcomes: " + outcomes);
            assertNothingHeld();
        } finally {
            if (server[0] != null) {
                server[0].handle().close();
            }
            listener.handle().close();
        }
    }

    /**
     * The deadline of a receive is a linked timeout in the kernel, which ends the receive by
     * itself; data that arrives afterwards goes to the next receive. One callback, TIMEOUT,
     * received() counting exactly the bytes in the buffer, nothing lost, in both task-running
     * modes.
     */
    @Test
    void dataArrivingAfterTheKernelDeadlineGoesToTheNextReceive() throws IOException {
        deadlineThenData();
    }

    @Test
    void dataArrivingAfterTheKernelDeadlineGoesToTheNextReceiveWithCooperativeTaskRunning() throws IOException {
        reacquireWith("nbio.uring.deferTaskrun", "false");
        deadlineThenData();
    }

    private void deadlineThenData() throws IOException {
        TcpSocket listener = loop.listenTcp(loopback());
        TcpSocket[] server = {null};
        loop.accept(listener, (Operation op) -> server[0] = op.accept().client());
        try (SocketChannel peer = SocketChannel.open(listener.localAddress())) {
            tickUntil("accept", () -> server[0] != null);
            ByteBuffer buffer = ByteBuffer.allocate(32);
            int[] calls = {0};
            RecvError[] error = {null};
            int[] received = {-1};
            loop.recv(server[0], buffer, false, ONE_MILLISECOND, (Operation o) -> {
                calls[0]++;
                error[0] = o.recv().error();
                received[0] = o.recv().received();
            });
            tickUntil("the timed-out receive's callback", () -> calls[0] > 0);
            peer.write(ByteBuffer.wrap("late!".getBytes(US_ASCII)));
            loop.tick(Duration.ZERO);
            assertEquals(1, calls[0]);
            assertEquals(RecvError.TIMEOUT, error[0]);
            assertEquals(buffer.position(), received[0], "received() against the bytes in the buffer");
            System.out.println("deadline, then data (setup flags 0x"
                    + Integer.toHexString(UringInternals.ring(loop).setupFlags) + "): the timed-out receive took "
                    + received[0] + " bytes");
            peer.write(ByteBuffer.wrap("more".getBytes(US_ASCII)));
            StringBuilder rest = new StringBuilder();
            while (rest.length() + received[0] < "late!more".length()) {
                rest.append(receiveNext(server[0]));
            }
            assertEquals("late!more", contents(buffer) + rest, "the bytes across both receives (the timed-out one took "
                    + received[0] + ")");
            assertNothingHeld();
        } finally {
            if (server[0] != null) {
                server[0].handle().close();
            }
            listener.handle().close();
        }
    }

    /** A receive that must not call back. */
    private static void mustNotRun(Operation op) {
        fail("the callback of a removed " + op.kind() + " ran");
    }

    private void sendAndWait(TcpSocket from, String text) {
        boolean[] sent = {false};
        loop.send(from, ByteBuffer.wrap(text.getBytes(US_ASCII)), (Operation op) -> {
            assertNull(op.send().error());
            sent[0] = true;
        });
        tickUntil("send of " + text, () -> sent[0]);
    }

    /** Receives once and returns what arrived. */
    private String receiveNext(TcpSocket on) {
        ByteBuffer buffer = ByteBuffer.allocate(64);
        String[] got = {null};
        loop.recv(on, buffer, (Operation op) -> {
            assertNull(op.recv().error());
            got[0] = new String(buffer.array(), 0, op.recv().received(), US_ASCII);
        });
        tickUntil("a receive", () -> got[0] != null);
        return got[0];
    }

    private static String contents(ByteBuffer buffer) {
        return new String(buffer.array(), 0, buffer.position(), US_ASCII);
    }

    /**
     * Removed in the same tick it was executed, while its data already waits in the socket:
     * the receive and the cancel reach the kernel together, receive first, and the receive
     * finds its data at once. So the data is consumed, into the removed receive's buffer (as
     * the guide allows: "a recv may have consumed data from the socket into your buffer"),
     * no callback runs, and the next receive gets only what is sent afterwards.
     */
    @Test
    void removedBeforeItReachedTheKernelWithDataWaiting() throws IOException {
        try (TcpPair pair = tcpPair()) {
            sendAndWait(pair.client(), "first!");
            ByteBuffer removedBuffer = ByteBuffer.allocate(32);
            OperationRecord removed = (OperationRecord) loop.recv(pair.server(), removedBuffer,
                    CancellationRaceTest::mustNotRun);
            int generation = removed.generation;
            loop.remove(removed);
            assertEquals(0, loop.numWaiting(), "a removed operation stops counting at once");
            loop.tick(Duration.ZERO);
            loop.tick(Duration.ZERO);
            assertNotEquals(generation, removed.generation, "the removed record was not recycled");
            assertEquals("first!", contents(removedBuffer), "where the waiting data went");
            sendAndWait(pair.client(), "second");
            assertEquals("second", receiveNext(pair.server()));
            assertNothingHeld();
        }
    }

    /**
     * Removed while its completion already sits in the completion queue, not yet reaped: the
     * receive was submitted (a full submission queue forced io_uring_enter) and found its data
     * at once. The completion is reaped after the removal; it must not call back, and the
     * next receive must get only the next bytes.
     */
    @Test
    void removedWhileItsCompletionWaitsInTheCompletionQueue() throws IOException {
        try (TcpPair pair = tcpPair()) {
            UdpSocket filler = loop.bindUdp(loopback());
            sendAndWait(pair.client(), "first!");
            int[] fillerPolls = {0};
            ByteBuffer removedBuffer = ByteBuffer.allocate(32);
            OperationRecord removed = (OperationRecord) loop.recv(pair.server(), removedBuffer,
                    CancellationRaceTest::mustNotRun);
            int generation = removed.generation;
            // One more than the submission queue holds: the ring has to submit, the receive with it.
            int polls = UringNotifierProvider.ENTRIES + 1;
            for (int i = 0; i < polls; i++) {
                loop.poll(filler, PollEvent.WRITABLE, (Operation op) -> fillerPolls[0]++);
            }
            assertTrue(UringInternals.completionsWaiting(loop), "precondition: completions in the queue, unreaped");
            loop.remove(removed);
            tickUntil("the filler polls", () -> fillerPolls[0] == polls);
            assertNotEquals(generation, removed.generation, "the removed record was not recycled");
            assertEquals("first!", contents(removedBuffer), "where the waiting data went");
            sendAndWait(pair.client(), "second");
            assertEquals("second", receiveNext(pair.server()));
            assertNothingHeld();
            closeThroughTheLoop(List.of(filler));
        }
    }

    /**
     * Removed between two parts of an {@code all} receive: the backend reaped the first part
     * and resubmitted; the cancel then meets the resubmitted receive. No callback, the record
     * and its slot are freed, the bytes of the first part stay in the removed buffer, and the
     * bytes sent after the removal go to the next receive.
     */
    @Test
    void removedBetweenThePartsOfAnAllReceive() throws IOException {
        try (TcpPair pair = tcpPair()) {
            ByteBuffer removedBuffer = ByteBuffer.allocate(12);
            OperationRecord removed = (OperationRecord) loop.recv(pair.server(), removedBuffer, true, null,
                    CancellationRaceTest::mustNotRun);
            int generation = removed.generation;
            sendAndWait(pair.client(), "abcd");
            tickUntil("the first part", () -> removed.transferred == 4);
            assertEquals(1, UringInternals.slotsInUse(loop), "the rest of the receive is in the kernel");
            loop.remove(removed);
            tickUntil("the cancelled receive to be given back", () -> removed.generation != generation);
            assertEquals("abcd", contents(removedBuffer));
            sendAndWait(pair.client(), "efghijklmnop");
            assertEquals("efghijklmnop", receiveNext(pair.server()));
            assertNothingHeld();
        }
    }

    /**
     * Two receives complete in the same tick; the first callback removes the other, whose
     * completion has arrived but whose callback has not run. Nothing is cancelled in the
     * kernel any more; the removal is harmless: no callback, no slot held, and a new receive
     * on that socket works.
     */
    @Test
    void removedAfterItsCompletionArrivedIsHarmless() throws IOException {
        UdpSocket a = loop.bindUdp(loopback());
        UdpSocket b = loop.bindUdp(loopback());
        try (DatagramChannel sender = DatagramChannel.open(StandardProtocolFamily.INET)) {
            sender.send(ByteBuffer.wrap("to a".getBytes(US_ASCII)), a.localAddress());
            sender.send(ByteBuffer.wrap("to b".getBytes(US_ASCII)), b.localAddress());
            Operation[] ops = new Operation[2];
            int[] calls = {0};
            for (int i = 0; i < 2; i++) {
                int self = i;
                ops[i] = loop.recv(i == 0 ? a : b, ByteBuffer.allocate(16), (Operation op) -> {
                    calls[0]++;
                    loop.remove(ops[1 - self]);
                });
            }
            tickUntil("one of the two receives", () -> calls[0] > 0);
            loop.tick(Duration.ZERO);
            assertEquals(1, calls[0], "the removed receive called back");
            assertNothingHeld();
            sender.send(ByteBuffer.wrap("again".getBytes(US_ASCII)), b.localAddress());
            sender.send(ByteBuffer.wrap("again".getBytes(US_ASCII)), a.localAddress());
            for (UdpSocket socket : List.of(a, b)) {
                ByteBuffer buffer = ByteBuffer.allocate(16);
                String[] got = {null};
                loop.recv(socket, buffer, (Operation op) -> got[0] = contents(buffer));
                tickUntil("a receive after the removal", () -> got[0] != null);
                assertEquals("again", got[0]);
            }
            assertNothingHeld();
        }
        closeThroughTheLoop(List.of(a, b));
    }

    /**
     * Receives beyond the first on a socket wait in the backend, not in the kernel. Removing
     * the middle one of three keeps the queue intact: the first and the third get the data,
     * in order.
     */
    @Test
    void removingAWaitingReceiveKeepsTheOthersInOrder() throws IOException {
        try (TcpPair pair = tcpPair()) {
            List<String> got = new ArrayList<>();
            ByteBuffer first = ByteBuffer.allocate(3);
            ByteBuffer third = ByteBuffer.allocate(3);
            loop.recv(pair.server(), first, true, null, (Operation op) -> got.add("first:" + contents(first)));
            Operation middle = loop.recv(pair.server(), ByteBuffer.allocate(3), true, null,
                    CancellationRaceTest::mustNotRun);
            loop.recv(pair.server(), third, true, null, (Operation op) -> got.add("third:" + contents(third)));
            loop.tick(Duration.ZERO);
            loop.remove(middle);
            assertEquals(2, loop.numWaiting());
            sendAndWait(pair.client(), "abcdef");
            tickUntil("both receives", () -> got.size() == 2);
            assertEquals(List.of("first:abc", "third:def"), got);
            assertNothingHeld();
        }
    }
}
