package dev.nbio.uring;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.nbio.FileFlag;
import dev.nbio.FileHandle;
import dev.nbio.Operation;
import dev.nbio.Permissions;
import dev.nbio.UdpSocket;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The two ways the backend hands memory to the kernel: direct buffers in place (at most 16
 * iovecs), heap buffers (and more than 16 buffers) through a 64 KiB bounce block per
 * operation. Transfers far larger than the bounce block, in both kinds and mixed, and
 * vectored transfers around the iovec limit, arrive byte for byte.
 */
class HeapAndDirectBufferTest extends UringLoopTest {
    private static final int MEBIBYTE = 1 << 20;

    @TempDir
    Path dir;

    /** Where a buffer's bytes live. */
    enum Kind {
        HEAP, DIRECT;

        ByteBuffer allocate(int size) {
            return this == HEAP ? ByteBuffer.allocate(size) : ByteBuffer.allocateDirect(size);
        }

        ByteBuffer holding(byte[] bytes) {
            return allocate(bytes.length).put(bytes).flip();
        }
    }

    private static byte[] randomBytes(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    /** The bytes between 0 and the position of each buffer, in order. */
    private static byte[] filled(ByteBuffer... buffers) {
        int total = Arrays.stream(buffers).mapToInt(ByteBuffer::position).sum();
        byte[] bytes = new byte[total];
        int at = 0;
        for (ByteBuffer buffer : buffers) {
            buffer.duplicate().flip().get(bytes, at, buffer.position());
            at += buffer.position();
        }
        return bytes;
    }

    private static ByteBuffer[] buffers(Kind kind, int... sizes) {
        return Arrays.stream(sizes).mapToObj(kind::allocate).toArray(ByteBuffer[]::new);
    }

    /** Fills send buffers from {@code data}, in order, and flips them. */
    private static ByteBuffer[] loaded(ByteBuffer[] buffers, byte[] data) {
        int at = 0;
        for (ByteBuffer buffer : buffers) {
            int n = buffer.remaining();
            buffer.put(data, at, n).flip();
            at += n;
        }
        assertEquals(data.length, at, "the buffers do not hold the data exactly");
        return buffers;
    }

    /** Sends and receives with {@code all} over a fresh TCP pair at the same time; returns the counts. */
    private int[] exchangeOverTcp(ByteBuffer[] out, ByteBuffer[] in) throws IOException {
        try (TcpPair pair = tcpPair()) {
            int[] counts = {-1, -1};
            loop.send(pair.client(), out, true, null, (Operation op) -> {
                assertNull(op.send().error(), () -> "send: " + op.send().error() + " " + op.cause());
                counts[0] = op.send().sent();
            });
            loop.recv(pair.server(), in, true, null, (Operation op) -> {
                assertNull(op.recv().error(), () -> "recv: " + op.recv().error() + " " + op.cause());
                counts[1] = op.recv().received();
            });
            tickUntil("the send and the receive", () -> counts[0] >= 0 && counts[1] >= 0);
            assertNothingHeld();
            return counts;
        }
    }

    @ParameterizedTest(name = "send {0}, receive {1}")
    @CsvSource({"HEAP,HEAP", "DIRECT,DIRECT", "HEAP,DIRECT", "DIRECT,HEAP"})
    void aMebibyteOverTcpWithAll(Kind sendKind, Kind receiveKind) throws IOException {
        byte[] data = randomBytes(MEBIBYTE, 1);
        ByteBuffer out = sendKind.holding(data);
        ByteBuffer in = receiveKind.allocate(MEBIBYTE);
        int[] counts = exchangeOverTcp(new ByteBuffer[] {out}, new ByteBuffer[] {in});
        assertEquals(MEBIBYTE, counts[0], "sent()");
        assertEquals(MEBIBYTE, counts[1], "received()");
        assertFalse(out.hasRemaining());
        assertArrayEquals(data, filled(in));
    }

    @ParameterizedTest(name = "write {0}, read {1}")
    @CsvSource({"HEAP,HEAP", "DIRECT,DIRECT", "HEAP,DIRECT", "DIRECT,HEAP"})
    void aMebibyteToAFileAndBackAtAnOddOffset(Kind writeKind, Kind readKind) throws IOException {
        byte[] data = randomBytes(MEBIBYTE, 2);
        long offset = 4097;
        Path path = dir.resolve("mebibyte");
        FileHandle file = loop.openSync(null, path, EnumSet.of(FileFlag.READ, FileFlag.WRITE, FileFlag.CREATE),
                Permissions.DEFAULT_FILE);
        int[] written = {-1};
        loop.write(file, offset, writeKind.holding(data), true, null, (Operation op) -> {
            assertNull(op.write().error(), () -> "write: " + op.write().error());
            written[0] = op.write().written();
        });
        tickUntil("the write", () -> written[0] >= 0);
        assertEquals(MEBIBYTE, written[0]);
        byte[] onDisk = Files.readAllBytes(path);
        assertEquals(offset + MEBIBYTE, onDisk.length);
        assertArrayEquals(new byte[(int) offset], Arrays.copyOf(onDisk, (int) offset), "the hole before the offset");
        assertArrayEquals(data, Arrays.copyOfRange(onDisk, (int) offset, onDisk.length), "the file's bytes");

        ByteBuffer in = readKind.allocate(MEBIBYTE);
        int[] read = {-1};
        loop.read(file, offset, in, true, null, (Operation op) -> {
            assertNull(op.read().error(), () -> "read: " + op.read().error());
            read[0] = op.read().read();
        });
        tickUntil("the read", () -> read[0] >= 0);
        assertEquals(MEBIBYTE, read[0]);
        assertArrayEquals(data, filled(in));
        assertNothingHeld();
        closeThroughTheLoop(List.of(file));
    }

    /**
     * Twenty buffers to send and twenty-four to receive into, one of each empty, about 600
     * KiB in all: beyond the iovec limit the backend gathers and scatters through the bounce
     * block, 64 KiB at a time, for heap and direct buffers alike.
     */
    @ParameterizedTest
    @EnumSource(Kind.class)
    void moreBuffersThanTheIovecLimitOverTcp(Kind kind) throws IOException {
        int[] sendSizes = new int[20];
        for (int i = 0; i < sendSizes.length; i++) {
            sendSizes[i] = i == 7 ? 0 : (i + 1) * 3001;
        }
        int total = Arrays.stream(sendSizes).sum();
        int[] receiveSizes = new int[24];
        int each = total / 23;
        for (int i = 0; i < receiveSizes.length; i++) {
            receiveSizes[i] = i == 11 ? 0 : i == 23 ? total - 22 * each : each;
        }
        byte[] data = randomBytes(total, 3);
        ByteBuffer[] out = loaded(buffers(kind, sendSizes), data);
        ByteBuffer[] in = buffers(kind, receiveSizes);
        int[] counts = exchangeOverTcp(out, in);
        assertEquals(total, counts[0]);
        assertEquals(total, counts[1]);
        for (int i = 0; i < in.length; i++) {
            assertFalse(out[Math.min(i, out.length - 1)].hasRemaining(), "send buffer left with bytes");
            assertFalse(in[i].hasRemaining(), "receive buffer " + i + " not filled");
        }
        assertArrayEquals(data, filled(in));
    }

    /** Sixteen direct buffers go to the kernel as iovecs; seventeen go through the bounce block. */
    @ParameterizedTest(name = "{0} direct buffers")
    @ValueSource(ints = {16, 17})
    void directBuffersAtAndJustBeyondTheIovecLimit(int count) throws IOException {
        int[] sizes = new int[count];
        Arrays.fill(sizes, 5000);
        byte[] data = randomBytes(count * 5000, count);
        ByteBuffer[] out = loaded(buffers(Kind.DIRECT, sizes), data);
        ByteBuffer[] in = buffers(Kind.DIRECT, sizes);
        int[] counts = exchangeOverTcp(out, in);
        assertEquals(data.length, counts[0]);
        assertEquals(data.length, counts[1]);
        assertArrayEquals(data, filled(in));
    }

    /** A heap and a direct buffer in one vectored operation: the whole operation goes through the bounce block. */
    @Test
    void mixedKindsInOneVectoredTransfer() throws IOException {
        byte[] data = randomBytes(3 * 70_000, 4);
        ByteBuffer[] out = loaded(new ByteBuffer[] {
            Kind.DIRECT.allocate(70_000), Kind.HEAP.allocate(70_000), Kind.DIRECT.allocate(70_000)}, data);
        ByteBuffer[] in = {Kind.HEAP.allocate(100_000), Kind.DIRECT.allocate(110_000)};
        int[] counts = exchangeOverTcp(out, in);
        assertEquals(data.length, counts[0]);
        assertEquals(data.length, counts[1]);
        assertArrayEquals(data, filled(in));
    }

    /** Receives land between position and limit, nowhere else; read-only buffers can be sent. */
    @ParameterizedTest
    @EnumSource(Kind.class)
    void bytesLandBetweenPositionAndLimitOnly(Kind kind) throws IOException {
        byte[] data = randomBytes(100_000, 5);
        ByteBuffer out = kind.holding(data).asReadOnlyBuffer();
        ByteBuffer in = kind.allocate(100_020);
        for (int i = 0; i < in.capacity(); i++) {
            in.put(i, (byte) 0x5a);
        }
        in.position(10).limit(100_010);
        int[] counts = exchangeOverTcp(new ByteBuffer[] {out}, new ByteBuffer[] {in});
        assertEquals(data.length, counts[1]);
        assertEquals(100_010, in.position());
        byte[] landed = new byte[data.length];
        in.get(10, landed);
        in.limit(in.capacity());
        assertArrayEquals(data, landed);
        for (int i : new int[] {0, 9, 100_010, 100_019}) {
            assertEquals((byte) 0x5a, in.get(i), "byte " + i + " outside position..limit was written");
        }
    }

    /** One datagram gathered from twenty buffers and scattered into twenty-five. */
    @ParameterizedTest
    @EnumSource(Kind.class)
    void moreBuffersThanTheIovecLimitOverUdp(Kind kind) throws IOException {
        UdpSocket from = loop.bindUdp(loopback());
        UdpSocket to = loop.bindUdp(loopback());
        int[] sendSizes = new int[20];
        Arrays.fill(sendSizes, 1000);
        int[] receiveSizes = new int[25];
        Arrays.fill(receiveSizes, 800);
        byte[] data = randomBytes(20_000, 6);
        ByteBuffer[] out = loaded(buffers(kind, sendSizes), data);
        ByteBuffer[] in = buffers(kind, receiveSizes);
        int[] counts = {-1, -1};
        Object[] source = {null};
        loop.recv(to, in, false, null, (Operation op) -> {
            assertNull(op.recv().error());
            counts[1] = op.recv().received();
            source[0] = op.recv().source();
        });
        loop.sendTo(from, out, to.localAddress(), null, (Operation op) -> {
            assertNull(op.send().error(), () -> "sendTo: " + op.send().error() + " " + op.cause());
            counts[0] = op.send().sent();
        });
        tickUntil("the datagram", () -> counts[0] >= 0 && counts[1] >= 0);
        assertEquals(data.length, counts[0]);
        assertEquals(data.length, counts[1]);
        assertEquals(from.localAddress(), source[0]);
        assertArrayEquals(data, filled(in));
        assertNothingHeld();
        closeThroughTheLoop(List.of(from, to));
    }

    /** The largest IPv4 datagram (65,507 bytes) fits the 64 KiB bounce block both ways. */
    @ParameterizedTest
    @EnumSource(Kind.class)
    void theLargestDatagram(Kind kind) throws IOException {
        UdpSocket from = loop.bindUdp(loopback());
        UdpSocket to = loop.bindUdp(loopback());
        byte[] data = randomBytes(65_507, 7);
        ByteBuffer in = kind.allocate(70_000);
        int[] counts = {-1, -1};
        loop.recv(to, in, (Operation op) -> {
            assertNull(op.recv().error());
            counts[1] = op.recv().received();
        });
        loop.sendTo(from, kind.holding(data), to.localAddress(), (Operation op) -> {
            assertNull(op.send().error(), () -> "sendTo: " + op.send().error() + " " + op.cause());
            counts[0] = op.send().sent();
        });
        tickUntil("the datagram", () -> counts[0] >= 0 && counts[1] >= 0);
        assertEquals(data.length, counts[0]);
        assertEquals(data.length, counts[1]);
        assertArrayEquals(data, filled(in));
        closeThroughTheLoop(List.of(from, to));
    }
}
