package dev.nbio.uring;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.nbio.FileFlag;
import dev.nbio.IoHandle;
import dev.nbio.Operation;
import dev.nbio.Permissions;
import dev.nbio.PollEvent;
import dev.nbio.RecvError;
import dev.nbio.UdpSocket;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A close is hard-linked submission queue entries (cancel everything on the descriptor, then
 * close it) that the ring reserves room for, so they reach the kernel in one submission. These
 * tests fill the submission queue right before a close, the situation that once split the
 * chain (the kernel does not carry a link chain across submissions): the close must still end
 * the receive pending on the socket (with CLOSED), and it must not touch the socket that gets
 * the descriptor number next.
 *
 * <p>To make the order of events certain, io-wq is made slow: its worker count is limited
 * to one ({@code IORING_REGISTER_IOWQ_MAX_WORKERS}, restored afterwards) and that worker is
 * kept busy by the loop's own {@code open} of a FIFO, which blocks until a writer comes.
 * A busy io-wq is what a loaded machine looks like; the same failures show without it, only
 * not every time.
 */
class CloseAcrossSubmissionsTest extends UringLoopTest {
    private static final int IORING_REGISTER_IOWQ_MAX_WORKERS = 19;
    private static final Duration BOUND = Duration.ofSeconds(2);

    @TempDir
    Path dir;

    private Path fifo;
    private UdpSocket filler;
    private int[] previousLimits;
    private final IoHandle[] fifoOpened = {null};
    private Thread fifoWriter;

    @BeforeEach
    void stallIoWq() throws Throwable {
        fifo = dir.resolve("fifo");
        makeFifo(fifo);
        filler = loop.bindUdp(loopback());
        previousLimits = ioWqMaxWorkers(1, 1);
        // O_CREAT makes io_uring run the open on io-wq, where opening a FIFO waits for a writer.
        loop.open(null, fifo, EnumSet.of(FileFlag.READ, FileFlag.CREATE), Permissions.DEFAULT_FILE,
                (Operation op) -> fifoOpened[0] = op.open().file());
        loop.tick(Duration.ZERO);
    }

    /** Lets the io-wq worker go on: opening the FIFO's write end ends its open of the read end. */
    private void releaseIoWq() {
        fifoWriter = Thread.ofPlatform().daemon().start(() -> {
            try {
                FileChannel.open(fifo, StandardOpenOption.WRITE).close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    @AfterEach
    void restoreIoWq() throws Exception {
        if (previousLimits != null) {
            ioWqMaxWorkers(previousLimits[0], previousLimits[1]);
        }
        if (fifoWriter == null) {
            releaseIoWq();
        }
        fifoWriter.join(BOUND.toMillis());
        assertTrue(!fifoWriter.isAlive(), "the FIFO's writer is still blocked");
        tickUntil("the FIFO open", () -> fifoOpened[0] != null);
        fifoOpened[0].handle().close();
        filler.handle().close();
    }

    /** Fills the submission queue so that it is full after the first {@code entriesBeforeSplit} entries of the next close. */
    private int[] fillBeforeClose(int entriesBeforeSplit) {
        int polls = UringNotifierProvider.ENTRIES - entriesBeforeSplit - UringInternals.pendingSubmissions(loop);
        int[] done = {0, polls};
        for (int i = 0; i < polls; i++) {
            loop.poll(filler, PollEvent.WRITABLE, (Operation op) -> done[0]++);
        }
        return done;
    }

    private void tickWithin(BooleanSupplier condition, Supplier<String> state) {
        long deadline = System.nanoTime() + BOUND.toNanos();
        while (!condition.getAsBoolean()) {
            rethrowCallbackErrors();
            if (System.nanoTime() - deadline > 0) {
                fail("within " + BOUND + ": " + state.get() + " (" + loop.numWaiting() + " operations waiting)");
            }
            loop.tick(TICK);
        }
    }

    /**
     * @param entriesBeforeSplit how many free entries the queue had left for the close before
     *                           it was full: 1 or 2 (the ring submits first to make room)
     */
    @ParameterizedTest(name = "{0} of the close's entries in the first submission, io-wq busy")
    @ValueSource(ints = {1, 2})
    void aCloseSplitAcrossTwoSubmissionsEndsThePendingReceive(int entriesBeforeSplit) throws IOException {
        try (TcpPair pair = tcpPair()) {
            RecvError[] ended = {null};
            int[] recvCalls = {0};
            loop.recv(pair.server(), ByteBuffer.allocate(16), (Operation op) -> {
                recvCalls[0]++;
                ended[0] = op.recv().error();
            });
            loop.tick(Duration.ZERO);
            int[] polls = fillBeforeClose(entriesBeforeSplit);
            boolean[] closed = {false};
            loop.close(pair.server(), (Operation op) -> {
                assertNull(op.close().error(), () -> "close: " + op.close().error());
                closed[0] = true;
            });
            // The close's first entries went out with the polls; the rest goes out now.
            loop.tick(Duration.ZERO);
            releaseIoWq();
            tickWithin(() -> closed[0] && recvCalls[0] == 1 && polls[0] == polls[1] && fifoOpened[0] != null,
                    () -> "the close " + (closed[0] ? "called back" : "did not call back") + ", the receive pending "
                            + "on the socket " + (recvCalls[0] == 0 ? "never ended" : "ended") + ", the FIFO open "
                            + (fifoOpened[0] == null ? "did not finish" : "finished"));
            assertEquals(RecvError.CLOSED, ended[0], "how the pending receive ended");
            assertNothingHeld();
        }
    }

    /**
     * A close made while the queue is nearly full frees the descriptor number; a new socket
     * takes it, and a receive waits on that socket. Nothing of the old close may reach the new
     * socket: its receive gets its datagram.
     */
    @Test
    void aSplitCloseLeavesTheSocketThatReusesTheDescriptorAlone() throws IOException {
        int oldFd;
        try (TcpPair pair = tcpPair()) {
            oldFd = ((UringHandle) pair.server().handle()).fd;
            loop.tick(Duration.ZERO);
            int[] polls = fillBeforeClose(2);
            boolean[] closed = {false};
            loop.close(pair.server(), (Operation op) -> closed[0] = true);
            tickWithin(() -> closed[0], () -> "the close did not call back");

            UdpSocket reuser = null;
            List<UdpSocket> others = new ArrayList<>();
            for (int i = 0; i < 8 && reuser == null; i++) {
                UdpSocket socket = loop.bindUdp(loopback());
                if (((UringHandle) socket.handle()).fd == oldFd) {
                    reuser = socket;
                } else {
                    others.add(socket);
                }
            }
            assertNotNull(reuser, "no new socket took descriptor " + oldFd + "; the test cannot show anything");
            ByteBuffer in = ByteBuffer.allocate(16);
            RecvError[] error = {null};
            int[] received = {-1};
            loop.recv(reuser, in, (Operation op) -> {
                error[0] = op.recv().error();
                received[0] = op.recv().received();
            });
            loop.tick(Duration.ZERO);
            releaseIoWq();
            tickWithin(() -> fifoOpened[0] != null && polls[0] == polls[1], () -> "the FIFO open or the polls");
            try (DatagramChannel sender = DatagramChannel.open(StandardProtocolFamily.INET)) {
                sender.send(ByteBuffer.wrap("still mine".getBytes(US_ASCII)), reuser.localAddress());
            }
            tickWithin(() -> received[0] >= 0, () -> "the new socket's receive did not end");
            assertNull(error[0], "the receive on the socket that took descriptor " + oldFd + " ended with " + error[0]
                    + ": the old close's cancel reached it");
            assertEquals("still mine", new String(in.array(), 0, received[0], US_ASCII));
            reuser.handle().close();
            for (UdpSocket socket : others) {
                socket.handle().close();
            }
        }
    }

    /** Sets the io-wq worker limits (bounded, unbounded) of the loop thread; returns the previous ones. */
    private int[] ioWqMaxWorkers(int bounded, int unbounded) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment counts = arena.allocate(JAVA_INT, 2);
            counts.setAtIndex(JAVA_INT, 0, bounded);
            counts.setAtIndex(JAVA_INT, 1, unbounded);
            long result = Libc.ioUringRegister(UringInternals.ring(loop).fd, IORING_REGISTER_IOWQ_MAX_WORKERS, counts, 2);
            assertEquals(0, result, () -> "IORING_REGISTER_IOWQ_MAX_WORKERS: " + Libc.strerror((int) -result));
            return new int[] {counts.getAtIndex(JAVA_INT, 0), counts.getAtIndex(JAVA_INT, 1)};
        }
    }

    @SuppressWarnings("restricted") // a test-only binding of mkfifo(3); the JDK has no API for FIFOs
    private static void makeFifo(Path path) throws Throwable {
        Linker linker = Linker.nativeLinker();
        MethodHandle mkfifo = linker.downcallHandle(linker.defaultLookup().find("mkfifo").orElseThrow(),
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        try (Arena arena = Arena.ofConfined()) {
            int result = (int) mkfifo.invokeExact(arena.allocateFrom(path.toString()), 0600);
            assertEquals(0, result, "mkfifo " + path);
        }
    }
}
