package dev.nbio.uring;

import static dev.nbio.uring.IoUringAbi.IORING_OP_NOP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nbio.AttachmentCallback;
import dev.nbio.FileFlag;
import dev.nbio.FileHandle;
import dev.nbio.Permissions;
import dev.nbio.PollEvent;
import dev.nbio.UdpSocket;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * More submission queue entries in one go than the submission queue holds (4096), and with
 * them more completions than the completion queue holds: the ring submits when it is full,
 * the overflowed completions are flushed, and every operation completes exactly once with
 * the right result.
 */
class SubmissionQueueFullTest extends UringLoopTest {
    @TempDir
    Path dir;

    /** Counts each poll's callbacks and collects the wrong outcomes. */
    private static final class PollTally {
        final int[] calls;
        final List<String> wrong = new ArrayList<>();
        int done;
        final AttachmentCallback<Integer> onPoll = (op, index) -> {
            tally(index, op.poll().error() == null && op.poll().event() == PollEvent.WRITABLE,
                    "poll " + index + ": " + op.poll().error());
        };

        PollTally(int count) {
            calls = new int[count];
        }

        void tally(int index, boolean right, String description) {
            calls[index]++;
            done++;
            if (!right) {
                wrong.add(description);
            }
        }

        void assertEachOnce() {
            assertTrue(wrong.isEmpty(), () -> wrong.size() + " wrong outcomes, first: " + wrong.getFirst());
            for (int i = 0; i < calls.length; i++) {
                assertEquals(1, calls[i], "callbacks of operation " + i);
            }
        }
    }

    /**
     * Polls for writability on a UDP socket complete at once, inside io_uring_enter, so a
     * burst of six submission queues' worth overflows the completion queue (four times the
     * submission queue) before the loop ticks even once.
     */
    @Test
    void aBurstOfSixQueuesOfPollsOverflowsTheCompletionQueueAndAllComplete() throws IOException {
        int count = 6 * UringNotifierProvider.ENTRIES;
        UdpSocket socket = loop.bindUdp(loopback());
        PollTally tally = new PollTally(count);
        for (int i = 0; i < count; i++) {
            loop.poll(socket, PollEvent.WRITABLE, null, i, tally.onPoll);
        }
        assertEquals(count, loop.numWaiting());
        assertTrue(UringInternals.ring(loop).overflowed(), "the burst did not overflow the completion queue; the "
                + "test proves nothing about overflow");
        tickUntil("all " + count + " polls", () -> tally.done == count);
        tally.assertEachOnce();
        assertNothingHeld();
        closeThroughTheLoop(List.of(socket));
    }

    @Test
    void aBurstFromInsideACallbackAllCompletes() throws IOException {
        int count = 5 * UringNotifierProvider.ENTRIES + 1;
        UdpSocket socket = loop.bindUdp(loopback());
        PollTally tally = new PollTally(count);
        boolean[] burstDone = {false};
        loop.nextTick(op -> {
            for (int i = 0; i < count; i++) {
                loop.poll(socket, PollEvent.WRITABLE, null, i, tally.onPoll);
            }
            burstDone[0] = true;
        });
        tickUntil("the burst", () -> burstDone[0]);
        tickUntil("all " + count + " polls", () -> tally.done == count);
        tally.assertEachOnce();
        assertNothingHeld();
        closeThroughTheLoop(List.of(socket));
    }

    /** Reads of a cached file complete inside io_uring_enter too: ten thousand, each with its own bytes. */
    @Test
    void tenThousandFileReadsInOneBurstEachReadTheirOwnBytes() throws IOException {
        int count = 10_000;
        Path path = dir.resolve("records");
        ByteBuffer content = ByteBuffer.allocate(count * 8);
        for (int i = 0; i < count; i++) {
            content.putInt(i).putInt(~i);
        }
        Files.write(path, content.array());
        FileHandle file = loop.openSync(null, path, EnumSet.of(FileFlag.READ), Permissions.DEFAULT_FILE);
        ByteBuffer memory = ByteBuffer.allocateDirect(count * 8);
        PollTally tally = new PollTally(count);
        AttachmentCallback<Integer> onRead = (op, index) -> {
            ByteBuffer slice = memory.slice(index * 8, 8);
            tally.tally(index, op.read().error() == null && op.read().read() == 8 && slice.getInt(0) == index
                    && slice.getInt(4) == ~index, "read " + index + ": " + op.read().error() + ", " + op.read().read()
                    + " bytes, record " + slice.getInt(0));
        };
        for (int i = 0; i < count; i++) {
            loop.read(file, (long) i * 8, memory.slice(i * 8, 8), false, null, i, onRead);
        }
        assertEquals(count, loop.numWaiting());
        tickUntil("all " + count + " reads", () -> tally.done == count);
        tally.assertEachOnce();
        assertNothingHeld();
        closeThroughTheLoop(List.of(file));
    }

    /** The ring alone: an 8-entry ring (32 completions) takes 100 NOPs and gives back each exactly once, in order. */
    @Test
    void aSmallRingSubmitsWhenFullAndFlushesItsOverflow() throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            Ring ring = Ring.open(8, SetupFlags.candidates(), arena);
            try {
                int count = 100;
                for (int i = 0; i < count; i++) {
                    ring.prepare(ring.nextSqe(), IORING_OP_NOP, -1, 0, 0, 0, 1000 + i);
                }
                List<Long> seen = new ArrayList<>();
                Ring.Completions sink = (userData, result, flags) -> seen.add(userData);
                // As UringNotifier.await does: reap, then flush and reap while the kernel holds overflow.
                ring.submitAndWait(0);
                ring.reap(sink);
                while (ring.overflowed()) {
                    ring.submitAndWait(0);
                    ring.reap(sink);
                }
                List<Long> expected = new ArrayList<>();
                for (int i = 0; i < count; i++) {
                    expected.add(1000L + i);
                }
                assertEquals(expected, seen);
            } finally {
                ring.close();
            }
        }
    }
}
