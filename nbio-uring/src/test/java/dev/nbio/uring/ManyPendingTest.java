package dev.nbio.uring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nbio.AttachmentCallback;
import dev.nbio.PollEvent;
import dev.nbio.UdpSocket;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Ten thousand and more operations in the kernel at once: every receive gets its own
 * datagram, {@code numWaiting} counts them all, and completions that arrive all together,
 * more than the completion queue holds, are all delivered.
 */
class ManyPendingTest extends UringLoopTest {
    private static final int PENDING_RECVS = 10_000;
    /** Descriptors kept free for the JVM, the build and the test's own sender. */
    private static final int DESCRIPTOR_MARGIN = 300;
    private static final int MAGIC = 0x6e62696f;
    private static final int PAYLOAD = 12;
    private static final int SLICE = 32;

    /** As many UDP sockets as asked for, or as the open-file limit allows. */
    private List<UdpSocket> openSockets(int wanted) throws IOException {
        long limit = openFileLimit();
        long budget = limit - openDescriptors() - DESCRIPTOR_MARGIN;
        int count = (int) Math.min(wanted, budget);
        assertTrue(count >= 1000, "the open-file limit (" + limit + ") leaves room for only " + budget + " sockets");
        List<UdpSocket> sockets = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            sockets.add(loop.bindUdp(loopback()));
        }
        return sockets;
    }

    private static ByteBuffer payload(int socket, int sequence) {
        return ByteBuffer.allocate(PAYLOAD).putInt(socket).putInt(sequence).putInt(MAGIC).flip();
    }

    /** Sends {@code perSocket} datagrams to each socket from a plain JDK channel, while the loop does not tick. */
    private static InetSocketAddress sendToEach(List<UdpSocket> sockets, int perSocket) throws IOException {
        try (DatagramChannel sender = DatagramChannel.open(StandardProtocolFamily.INET)) {
            sender.bind(loopback());
            for (int sequence = 0; sequence < perSocket; sequence++) {
                for (int s = 0; s < sockets.size(); s++) {
                    int sent = sender.send(payload(s, sequence), sockets.get(s).localAddress());
                    assertEquals(PAYLOAD, sent);
                }
            }
            return (InetSocketAddress) sender.getLocalAddress();
        }
    }

    /**
     * Uses a JDK datagram channel once, so that whatever the JDK keeps open after its first
     * use (a socket, on JDK 25) is open before the test counts descriptors.
     */
    private static void warmUpJdkDatagrams() throws IOException {
        try (DatagramChannel channel = DatagramChannel.open(StandardProtocolFamily.INET)) {
            channel.bind(loopback());
            channel.send(ByteBuffer.allocate(1), channel.getLocalAddress());
        }
    }

    /** What the receives saw: per receive, how often its callback ran and whether it got the right datagram. */
    private static final class Receipts {
        final int[] calls;
        final List<String> wrong = new ArrayList<>();
        int done;
        InetSocketAddress expectedSource;

        Receipts(int count) {
            calls = new int[count];
        }
    }

    /** Executes {@code perSocket} receives on every socket, each into its own slice of one direct buffer. */
    private Receipts receiveOnEach(List<UdpSocket> sockets, int perSocket) {
        int count = sockets.size() * perSocket;
        Receipts receipts = new Receipts(count);
        ByteBuffer memory = ByteBuffer.allocateDirect(count * SLICE);
        AttachmentCallback<int[]> onReceive = (op, where) -> {
            int index = where[0] * perSocket + where[1];
            receipts.calls[index]++;
            receipts.done++;
            ByteBuffer slice = memory.slice(index * SLICE, SLICE);
            if (op.recv().error() != null || op.recv().received() != PAYLOAD || slice.getInt(0) != where[0]
                    || slice.getInt(4) != where[1] || slice.getInt(8) != MAGIC
                    || !receipts.expectedSource.equals(op.recv().source())) {
                receipts.wrong.add("socket " + where[0] + " receive " + where[1] + ": error " + op.recv().error()
                        + ", " + op.recv().received() + " bytes, socket " + slice.getInt(0) + " sequence "
                        + slice.getInt(4) + " from " + op.recv().source());
            }
        };
        for (int sequence = 0; sequence < perSocket; sequence++) {
            for (int s = 0; s < sockets.size(); s++) {
                ByteBuffer slice = memory.slice((s * perSocket + sequence) * SLICE, SLICE);
                loop.recv(sockets.get(s), slice, false, null, new int[] {s, sequence}, onReceive);
            }
        }
        return receipts;
    }

    private void assertEachReceivedOnce(Receipts receipts) {
        assertTrue(receipts.wrong.isEmpty(), () -> receipts.wrong.size() + " wrong receives, first: "
                + receipts.wrong.getFirst());
        for (int i = 0; i < receipts.calls.length; i++) {
            assertEquals(1, receipts.calls[i], "callbacks of receive " + i);
        }
    }

    @Test
    void tenThousandPendingReceivesEachGetTheirOwnDatagram() throws IOException {
        pendingReceivesEachGetTheirOwnDatagram(PENDING_RECVS);
    }

    /**
     * Five receives on each of 2,000 sockets: one per socket in the kernel, four waiting in
     * the backend behind it, all counted by numWaiting, each getting the datagram of its turn.
     */
    @Test
    void tenThousandPendingReceivesFiveToASocketGetTheDatagramsInOrder() throws IOException {
        pendingReceivesEachGetTheirOwnDatagram(PENDING_RECVS / 5);
    }

    private void pendingReceivesEachGetTheirOwnDatagram(int wantedSockets) throws IOException {
        warmUpJdkDatagrams();
        long descriptorsBefore = openKernelObjects();
        List<UdpSocket> sockets = openSockets(wantedSockets);
        // With fewer sockets than receives (a low ulimit -n) the rest wait behind each other per socket.
        int perSocket = (PENDING_RECVS + sockets.size() - 1) / sockets.size();
        Receipts receipts = receiveOnEach(sockets, perSocket);
        int pending = sockets.size() * perSocket;
        assertTrue(pending >= PENDING_RECVS, "only " + pending + " receives pending");
        assertEquals(pending, loop.numWaiting(), "numWaiting with every receive pending");
        loop.tick(Duration.ZERO);
        assertEquals(pending, loop.numWaiting(), "numWaiting after a tick with no datagram sent");
        assertEquals(0, receipts.done, "a receive completed before anything was sent");
        assertEquals(sockets.size(), UringInternals.slotsInUse(loop) - UringInternals.waitingTheirTurn(loop),
                "receives in the kernel: one per socket, the rest waiting their turn");

        receipts.expectedSource = sendToEach(sockets, perSocket);
        tickUntil("all " + pending + " receives", () -> receipts.done == pending);
        assertEachReceivedOnce(receipts);
        assertNothingHeld();

        closeThroughTheLoop(sockets);
        assertEquals(descriptorsBefore, openKernelObjects(), "sockets left open after closing every socket");
    }

    @Test
    void completionsBeyondTheCompletionQueueAreAllDelivered() throws IOException {
        pendingReceivesAndPollsAllComplete(false);
    }

    /**
     * Without DEFER_TASKRUN the kernel runs the completions as task work whenever the loop's
     * thread leaves a system call, so they pile up in the completion queue while the test
     * thread is still sending: more than it holds, which the test checks.
     */
    @Test
    void completionsBeyondTheCompletionQueueAreAllDeliveredWithCooperativeTaskRunning() throws IOException {
        reacquireWith("nbio.uring.deferTaskrun", "false");
        assertEquals(0, UringInternals.ring(loop).setupFlags & IoUringAbi.IORING_SETUP_DEFER_TASKRUN);
        pendingReceivesAndPollsAllComplete(true);
    }

    /**
     * One receive and several polls on each socket: more operations in the kernel than the
     * completion queue has entries (4 x the submission queue), all completed by one datagram
     * per socket sent while the loop does not tick.
     */
    private void pendingReceivesAndPollsAllComplete(boolean expectOverflow) throws IOException {
        int capacity = 4 * UringNotifierProvider.ENTRIES;
        int wanted = Math.max(20_000, capacity + 2_000);
        List<UdpSocket> sockets = openSockets(PENDING_RECVS);
        int pollsPerSocket = (wanted - sockets.size() + sockets.size() - 1) / sockets.size();
        Receipts receipts = receiveOnEach(sockets, 1);
        int[] polls = {0};
        List<String> wrongPolls = new ArrayList<>();
        AttachmentCallback<Integer> onPoll = (op, socket) -> {
            polls[0]++;
            if (op.poll().error() != null || op.poll().event() != PollEvent.READABLE) {
                wrongPolls.add("poll on socket " + socket + ": " + op.poll().error());
            }
        };
        for (int s = 0; s < sockets.size(); s++) {
            for (int p = 0; p < pollsPerSocket; p++) {
                loop.poll(sockets.get(s), PollEvent.READABLE, null, s, onPoll);
            }
        }
        int expectedPolls = sockets.size() * pollsPerSocket;
        int total = sockets.size() + expectedPolls;
        assertTrue(total > capacity, total + " operations do not exceed the completion queue's " + capacity);
        assertEquals(total, loop.numWaiting());
        loop.tick(Duration.ZERO);
        assertEquals(total, loop.numWaiting(), "something completed before anything was sent");

        receipts.expectedSource = sendToEach(sockets, 1);
        if (expectOverflow) {
            assertTrue(UringInternals.ring(loop).overflowed(), "the completion queue did not overflow; the test "
                    + "proves nothing about overflow");
        }
        tickUntil("all " + sockets.size() + " receives and " + expectedPolls + " polls",
                () -> receipts.done == sockets.size() && polls[0] == expectedPolls);
        assertEachReceivedOnce(receipts);
        assertTrue(wrongPolls.isEmpty(), () -> wrongPolls.size() + " polls failed, first: " + wrongPolls.getFirst());
        assertNothingHeld();
        closeThroughTheLoop(sockets);
    }
}
