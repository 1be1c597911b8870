package dev.nbio.tck;

import static dev.nbio.tck.Ticking.QUIET;
import static dev.nbio.tck.Ticking.tickFor;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nbio.FileHandle;
import dev.nbio.OperationKind;
import dev.nbio.SendfileError;
import dev.nbio.tck.SocketOutcomes.Received;
import dev.nbio.tck.SocketOutcomes.Sendfiled;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Sendfile: whole files, ranges, progress updates and failures. Without progress updates
 * the callback runs once; with them it runs after chunks with {@code done() == false} and
 * increasing {@code sent()}, then exactly once with {@code done() == true}.
 */
@ParameterizedClass(name = "{0}")
@MethodSource("dev.nbio.tck.Backends#names")
class SendfileTest extends LoopTest {
    private static final int FIVE_MIB = 5 << 20;

    @TempDir
    Path dir;

    @RegisterExtension
    final OpenHandles files = new OpenHandles();
    private int fileCount;

    private FileHandle fileWith(byte[] contents) throws IOException {
        Path path = Files.write(dir.resolve("file-" + fileCount++ + ".bin"), contents);
        return files.track(loop.openSync(path));
    }

    /** Receives exactly {@code length} bytes on the server side (recv with {@code all}). */
    private ByteBuffer receive(SocketPair pair, int length, Recorder<Received> recv) {
        ByteBuffer in = ByteBuffer.allocate(length);
        loop.recv(pair.server(), in, true, null, recv);
        return in;
    }

    /** After the transfer: the client closes, and the server must see nothing more than what it got. */
    private void assertNothingMoreArrives(SocketPair pair) {
        loop.close(pair.client());
        Recorder<Received> rest = Recorder.recvs();
        loop.recv(pair.server(), ByteBuffer.allocate(64), rest);
        tickUntil(rest::called);
        assertEquals(new Received(0, null, null), rest.only(), "bytes beyond the requested range were sent");
    }

    @Test
    void wholeFileArrivesByteForByteWithOneFinalCallback() throws IOException {
        byte[] contents = Bytes.random(FIVE_MIB, 5);
        FileHandle file = fileWith(contents);
        try (SocketPair pair = SocketPair.open(loop, loopback())) {
            Recorder<Received> recv = Recorder.recvs();
            ByteBuffer in = receive(pair, FIVE_MIB, recv);
            Recorder<Sendfiled> sendfile = Recorder.sendfiles();
            assertEquals(OperationKind.SENDFILE, loop.sendfile(pair.client(), file, sendfile).kind());
            tickUntil(() -> sendfile.called() && recv.called());
            tickFor(loop, QUIET);

            assertEquals(new Sendfiled(FIVE_MIB, FIVE_MIB, true, null), sendfile.only());
            assertEquals(new Received(FIVE_MIB, null, null), recv.only());
            assertArrayEquals(contents, in.array());
            assertNothingMoreArrives(pair);
        }
    }

    @Test
    void offsetAndLengthSendExactlyThatRange() throws IOException {
        byte[] contents = Bytes.random(1 << 20, 11);
        int offset = 1000;
        int length = 300_000;
        FileHandle file = fileWith(contents);
        try (SocketPair pair = SocketPair.open(loop, loopback())) {
            Recorder<Received> recv = Recorder.recvs();
            ByteBuffer in = receive(pair, length, recv);
            Recorder<Sendfiled> sendfile = Recorder.sendfiles();
            loop.sendfile(pair.client(), file, offset, length, false, null, sendfile);
            tickUntil(() -> sendfile.called() && recv.called());

            assertEquals(new Sendfiled(length, length, true, null), sendfile.only());
            assertArrayEquals(Arrays.copyOfRange(contents, offset, offset + length), in.array());
            assertNothingMoreArrives(pair);
        }
    }

    @Test
    void lengthMinusOneSendsFromTheOffsetToTheEnd() throws IOException {
        byte[] contents = Bytes.random(200_000, 12);
        int offset = 4096;
        int rest = contents.length - offset;
        FileHandle file = fileWith(contents);
        try (SocketPair pair = SocketPair.open(loop, loopback())) {
            Recorder<Received> recv = Recorder.recvs();
            ByteBuffer in = receive(pair, rest, recv);
            Recorder<Sendfiled> sendfile = Recorder.sendfiles();
            loop.sendfile(pair.client(), file, offset, -1, false, null, sendfile);
            tickUntil(() -> sendfile.called() && recv.called());

            assertEquals(new Sendfiled(rest, rest, true, null), sendfile.only());
            assertArrayEquals(Arrays.copyOfRange(contents, offset, contents.length), in.array());
            assertNothingMoreArrives(pair);
        }
    }

    @Test
    void progressUpdatesReportIncreasingCountsThenExactlyOneFinalCallback() throws IOException {
        byte[] contents = Bytes.random(FIVE_MIB, 13);
        FileHandle file = fileWith(contents);
        // Small kernel buffers: the file must go in many chunks, each owed a progress update.
        try (SocketPair pair = SocketTestKit.openSmallBufferPair(loop, loopback(), 64 * 1024)) {
            Recorder<Received> recv = Recorder.recvs();
            ByteBuffer in = receive(pair, FIVE_MIB, recv);
            Recorder<Sendfiled> sendfile = Recorder.sendfiles();
            loop.sendfile(pair.client(), file, 0, -1, true, null, sendfile);
            tickUntil(() -> recv.called() && sendfile.called() && sendfile.last().done());
            tickFor(loop, QUIET);

            List<Sendfiled> calls = sendfile.calls();
            assertTrue(calls.size() >= 2, () -> "no progress update before the final callback: " + calls);
            long previous = 0;
            for (Sendfiled call : calls.subList(0, calls.size() - 1)) {
                assertFalse(call.done(), () -> "a callback before the last one said done: " + calls);
                assertNull(call.error());
                assertEquals(FIVE_MIB, call.total(), "every update names the whole transfer's size");
                assertTrue(call.sent() > previous, () -> "progress did not increase: " + calls);
                assertTrue(call.sent() < FIVE_MIB, () -> "a progress update reported the transfer complete: " + calls);
                previous = call.sent();
            }
            assertEquals(new Sendfiled(FIVE_MIB, FIVE_MIB, true, null), sendfile.last(),
                    "the final callback comes last, once, with everything sent");
            assertEquals(new Received(FIVE_MIB, null, null), recv.only());
            assertArrayEquals(contents, in.array());
            assertEquals(0, loop.numWaiting());
        }
    }

    @Test
    void sendfileToAPeerThatClosedFailsWithConnectionReset() throws IOException {
        FileHandle file = fileWith(Bytes.random(16 << 20, 14));
        try (SocketPair pair = SocketPair.open(loop, loopback())) {
            loop.close(pair.server());
            Recorder<Received> peerClosed = Recorder.recvs();
            loop.recv(pair.client(), ByteBuffer.allocate(1), peerClosed);
            tickUntil(peerClosed::called);
            assertEquals(new Received(0, null, null), peerClosed.only());

            Recorder<Sendfiled> sendfile = Recorder.sendfiles();
            loop.sendfile(pair.client(), file, sendfile);
            tickUntil(sendfile::called);
            tickFor(loop, QUIET);
            Sendfiled outcome = sendfile.only();
            assertEquals(SendfileError.CONNECTION_RESET, outcome.error());
            assertTrue(outcome.done(), "a failure is the final callback");
        }
    }

    @Test
    void closingTheSocketEndsAPendingSendfileWithClosed() throws IOException {
        FileHandle file = fileWith(new byte[16 << 20]);
        try (SocketPair pair = SocketTestKit.openSmallBufferPair(loop, loopback(), 32 * 1024)) {
            Recorder<Sendfiled> sendfile = Recorder.sendfiles();
            loop.sendfile(pair.client(), file, sendfile);
            tickFor(loop, QUIET);
            assertFalse(sendfile.called(), "16 MiB cannot go out while the peer reads nothing");
            loop.close(pair.client());
            tickUntil(sendfile::called);
            assertEquals(SendfileError.CLOSED, sendfile.only().error());
            assertTrue(sendfile.only().done());
        }
    }

    @Test
    void sendfileTimesOutWhenThePeerDoesNotRead() throws IOException {
        FileHandle file = fileWith(new byte[16 << 20]);
        try (SocketPair pair = SocketTestKit.openSmallBufferPair(loop, loopback(), 32 * 1024)) {
            Recorder<Sendfiled> sendfile = Recorder.sendfiles();
            loop.sendfile(pair.client(), file, 0, -1, false, Duration.ofMillis(60), sendfile);
            tickUntil(sendfile::called);
            tickFor(loop, QUIET);
            Sendfiled outcome = sendfile.only();
            assertEquals(SendfileError.TIMEOUT, outcome.error());
            assertTrue(outcome.done());
            assertTrue(outcome.sent() < outcome.total(), () -> "a timed-out sendfile sent everything: " + outcome);
            assertEquals(0, loop.numWaiting());
        }
    }

    @Test
    void aRangeBeyondTheEndOfTheFileFailsWithEof() throws IOException {
        byte[] contents = Bytes.random(1000, 15);
        FileHandle file = fileWith(contents);
        try (SocketPair pair = SocketPair.open(loop, loopback())) {
            Recorder<Received> recv = Recorder.recvs();
            ByteBuffer in = receive(pair, contents.length, recv);
            Recorder<Sendfiled> sendfile = Recorder.sendfiles();
            loop.sendfile(pair.client(), file, 0, 5000, false, null, sendfile);
            tickUntil(() -> sendfile.called() && recv.called());

            assertEquals(SendfileError.EOF, sendfile.only().error(), "the file ended before 5000 bytes");
            assertTrue(sendfile.only().done());
            assertArrayEquals(contents, in.array(), "what the file had was sent");
        }
    }

    @Test
    void anEmptyFileCompletesWithNothingSent() throws IOException {
        FileHandle file = fileWith(new byte[0]);
        try (SocketPair pair = SocketPair.open(loop, loopback())) {
            Recorder<Sendfiled> sendfile = Recorder.sendfiles();
            loop.sendfile(pair.client(), file, sendfile);
            tickUntil(sendfile::called);
            assertEquals(new Sendfiled(0, 0, true, null), sendfile.only());
            assertNothingMoreArrives(pair);
        }
    }

    @Test
    void aNegativeOffsetOrALengthBelowMinusOneIsRejected() throws IOException {
        FileHandle file = fileWith(new byte[10]);
        try (SocketPair pair = SocketPair.open(loop, loopback())) {
            assertThrows(IllegalArgumentException.class,
                    () -> loop.sendfile(pair.client(), file, -1, -1, false, null, Recorder.sendfiles()));
            assertThrows(IllegalArgumentException.class,
                    () -> loop.sendfile(pair.client(), file, 0, -2, false, null, Recorder.sendfiles()));
            assertEquals(0, loop.numWaiting());
        }
    }

    @Test
    void theAttachmentFormHandsItOver() throws IOException {
        FileHandle file = fileWith(new byte[] {1, 2, 3, 4});
        try (SocketPair pair = SocketPair.open(loop, loopback())) {
            Object state = new Object();
            List<Object> seen = new ArrayList<>();
            loop.sendfile(pair.client(), file, 0, -1, false, null, state, (op, attachment) -> {
                assertSame(attachment, op.attachment());
                assertEquals(4, op.sendfile().sent());
                seen.add(attachment);
            });
            tickUntil(() -> !seen.isEmpty());
            assertEquals(List.of(state), seen);
        }
    }
}
