package dev.nbio.tck;

import static dev.nbio.tck.Bytes.ascii;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.nbio.tck.SocketOutcomes.Received;
import dev.nbio.tck.SocketOutcomes.Sent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/** Vectored (gather/scatter) send and receive over TCP: order, positions, {@code all} across buffer boundaries. */
@ParameterizedClass(name = "{0}")
@MethodSource("dev.nbio.tck.Backends#names")
class VectoredTest extends LoopTest {
    @Test
    void allSendOfSeveralBuffersIsReceivedWholeByAllRecvIntoOtherBuffers() throws IOException {
        int[] sendSizes = {1, 1000, 65_536, (3 << 20) + 3};
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        ByteBuffer[] out = new ByteBuffer[sendSizes.length];
        for (int i = 0; i < sendSizes.length; i++) {
            byte[] part = Bytes.random(sendSizes[i], i);
            expected.writeBytes(part);
            out[i] = ByteBuffer.wrap(part);
        }
        byte[] all = expected.toByteArray();
        // Split differently on the receiving side so no buffer boundary lines up by chance.
        ByteBuffer[] in = {ByteBuffer.allocate(7), ByteBuffer.allocate(300_000),
            ByteBuffer.allocate(all.length - 300_007)};

        // Small kernel buffers make the send and the recv take many calls that end mid-buffer.
        try (SocketPair pair = SocketTestKit.openSmallBufferPair(loop, loopback(), 32 * 1024)) {
            Recorder<Sent> send = Recorder.sends();
            Recorder<Received> recv = Recorder.recvs();
            loop.send(pair.client(), out, true, null, send);
            loop.recv(pair.server(), in, true, null, recv);
            tickUntil(() -> send.called() && recv.called());

            assertEquals(new Sent(all.length, null), send.only());
            assertEquals(new Received(all.length, null, null), recv.only());
            for (ByteBuffer buffer : out) {
                assertEquals(buffer.limit(), buffer.position(), "every send buffer is consumed to its limit");
            }
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            for (ByteBuffer buffer : in) {
                assertEquals(buffer.limit(), buffer.position(), "every recv buffer is filled to its limit");
                got.writeBytes(buffer.array());
            }
            assertArrayEquals(all, got.toByteArray(), "the bytes arrive in buffer order");
        }
    }

    @Test
    void vectoredSendTakesEachBufferFromItsPositionToItsLimitOnly() throws IOException {
        ByteBuffer first = ascii("--abc--").position(2).limit(5);
        ByteBuffer second = ascii("def++").limit(3);
        try (SocketPair pair = SocketPair.open(loop, loopback())) {
            Recorder<Sent> send = Recorder.sends();
            loop.send(pair.client(), new ByteBuffer[] {first, second}, true, null, send);
            tickUntil(send::called);
            assertEquals(new Sent(6, null), send.only());
            assertEquals(5, first.position());
            assertEquals(3, second.position());
            loop.close(pair.client());

            // Everything the server gets before the close must be exactly the six bytes in range.
            ByteBuffer in = ByteBuffer.allocate(64);
            Recorder<Received> recv = Recorder.recvs();
            loop.recv(pair.server(), in, true, null, recv);
            tickUntil(recv::called);
            assertEquals(new Received(6, null, null), recv.only());
            assertEquals("abcdef", new String(Bytes.contents(in, 0, 6), StandardCharsets.US_ASCII));
        }
    }

    @Test
    void vectoredRecvFillsEachBufferFromItsPositionAndAdvancesIt() throws IOException {
        ByteBuffer first = ascii("KEEP....").position(4);
        ByteBuffer second = ByteBuffer.allocate(6);
        try (SocketPair pair = SocketPair.open(loop, loopback())) {
            Recorder<Received> recv = Recorder.recvs();
            loop.recv(pair.server(), new ByteBuffer[] {first, second}, true, null, recv);
            loop.send(pair.client(), ascii("0123456789"), Recorder.sends());
            tickUntil(recv::called);

            assertEquals(new Received(10, null, null), recv.only());
            assertEquals(8, first.position());
            assertEquals(6, second.position());
            assertEquals("KEEP0123", new String(first.array(), StandardCharsets.US_ASCII),
                    "bytes before the position are left alone");
            assertEquals("456789", new String(second.array(), StandardCharsets.US_ASCII));
        }
    }

    @Test
    void vectoredRecvWithoutAllReportsWhatTheBufferPositionsShow() throws IOException {
        ByteBuffer[] in = {ByteBuffer.allocate(4), ByteBuffer.allocate(100)};
        try (SocketPair pair = SocketPair.open(loop, loopback())) {
            Recorder<Received> recv = Recorder.recvs();
            loop.recv(pair.server(), in, false, null, recv);
            loop.send(pair.client(), ascii("ten bytes!"), Recorder.sends());
            tickUntil(recv::called);

            // One short segment on loopback: all ten bytes arrive in one plain receive.
            assertEquals(new Received(10, null, null), recv.only());
            assertEquals(4, in[0].position());
            assertEquals(6, in[1].position());
            assertEquals("ten ", new String(in[0].array(), StandardCharsets.US_ASCII));
            assertEquals("bytes!", new String(Bytes.contents(in[1], 0, 6), StandardCharsets.US_ASCII));
        }
    }

    @Test
    void emptyBuffersAmongOthersAreSkipped() throws IOException {
        ByteBuffer[] out = {ByteBuffer.allocate(0), ascii("abc"), ByteBuffer.allocate(0)};
        ByteBuffer[] in = {ByteBuffer.allocate(0), ByteBuffer.allocate(3)};
        try (SocketPair pair = SocketPair.open(loop, loopback())) {
            Recorder<Sent> send = Recorder.sends();
            Recorder<Received> recv = Recorder.recvs();
            loop.recv(pair.server(), in, true, null, recv);
            loop.send(pair.client(), out, true, null, send);
            tickUntil(() -> send.called() && recv.called());

            assertEquals(new Sent(3, null), send.only());
            assertEquals(new Received(3, null, null), recv.only());
            assertEquals("abc", new String(in[1].array(), StandardCharsets.US_ASCII));
        }
    }

    @Test
    void vectorsWithNothingToMoveAreRejected() throws IOException {
        try (SocketPair pair = SocketPair.open(loop, loopback())) {
            ByteBuffer[] nothingToSend = {ByteBuffer.allocate(0), ByteBuffer.allocate(4).position(4)};
            assertThrows(IllegalArgumentException.class,
                    () -> loop.send(pair.client(), nothingToSend, true, null, Recorder.sends()));
            ByteBuffer[] noSpace = {ByteBuffer.allocate(0), ByteBuffer.allocate(4).position(4)};
            assertThrows(IllegalArgumentException.class,
                    () -> loop.recv(pair.server(), noSpace, true, null, Recorder.recvs()));
            assertThrows(IllegalArgumentException.class,
                    () -> loop.recv(pair.server(), new ByteBuffer[0], true, null, Recorder.recvs()));
            assertEquals(0, loop.numWaiting());
        }
    }
}
