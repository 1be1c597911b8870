package dev.nbio.uring;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A close is three linked submission queue entries: cancel everything on the descriptor,
 * shut it down, close it. When the submission queue fills up in the middle of them, the ring
 * submits what it has, and the kernel does not carry a link chain across submissions: an
 * unterminated chain at the end of a submission goes to io-wq, the kernel's worker threads.
 * The close must still end the receive pending on the socket (with CLOSED).
 *
 * <p>To make the order of events certain, io-wq is made slow: its worker count is limited
 * to one ({@code IORING_REGISTER_IOWQ_MAX_WORKERS}, restored afterwards) and that worker is
 * kept busy by the loop's own {@code open} of a FIFO, which blocks until a writer comes.
 * A busy io-wq is what a loaded machine looks like; the same failure shows without it, only
 * not every time.
 */
class CloseAcrossSubmissionsTest extends UringLoopTest {
    private static final int IORING_REGISTER_IOWQ_MAX_WORKERS = 19;
    private static final Duration BOUND = Duration.ofSeconds(2);

    @TempDir
    Path dir;

    /**
     * @param entriesBeforeSplit how many of the close's entries go out with the first
     *                           submission: 1 (the cancel) or 2 (the cancel and the shutdown)
     */
    @ParameterizedTest(name = "{0} of the close's entries in the first submission, io-wq busy")
    @ValueSource(ints = {1, 2})
    void aCloseSplitAcrossTwoSubmissionsEndsThePendingReceive(int entriesBeforeSplit) throws Throwable {
        Path fifo = dir.resolve("fifo");
        makeFifo(fifo);
        UdpSocket filler = loop.bindUdp(loopback());
        int[] previousLimits = ioWqMaxWorkers(1, 1);
        IoHandle[] opened = {null};
        Thread writer = null;
        try (TcpPair pair = tcpPair()) {
            RecvError[] ended = {null};
            int[] recvCalls = {0};
            loop.recv(pair.server(), ByteBuffer.allocate(16), (Operation op) -> {
                recvCalls[0]++;
                ended[0] = op.recv().error();
            });
            // O_CREAT makes io_uring run the open on io-wq, where opening a FIFO waits for a writer.
            loop.open(null, fifo, EnumSet.of(FileFlag.READ, FileFlag.CREATE), Permissions.DEFAULT_FILE,
                    (Operation op) -> opened[0] = op.open().file());
            loop.tick(Duration.ZERO);

            int polls = UringNotifierProvider.ENTRIES - entriesBeforeSplit - UringInternals.pendingSubmissions(loop);
            int[] pollCalls = {0};
            for (int i = 0; i < polls; i++) {
                loop.poll(filler, PollEvent.WRITABLE, (Operation op) -> pollCalls[0]++);
            }
            boolean[] closed = {false};
            loop.close(pair.server(), (Operation op) -> {
                assertNull(op.close().error(), () -> "close: " + op.close().error());
                closed[0] = true;
            });
            // The close's first entries went out with the polls; the rest goes out now.
            loop.tick(Duration.ZERO);
            writer = Thread.ofPlatform().daemon().start(() -> {
                // Opening the write end lets the io-wq worker's open of the read end finish.
                try {
                    FileChannel.open(fifo, StandardOpenOption.WRITE).close();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            long deadline = System.nanoTime() + BOUND.toNanos();
            while (!(closed[0] && recvCalls[0] == 1 && pollCalls[0] == polls && opened[0] != null)) {
                rethrowCallbackErrors();
                if (System.nanoTime() - deadline > 0) {
                    fail("within " + BOUND + " the close " + (closed[0] ? "called back" : "did not call back")
                            + ", the receive pending on the socket " + (recvCalls[0] == 0 ? "never ended" : "ended")
                            + ", the FIFO open " + (opened[0] == null ? "did not finish" : "finished") + " ("
                            + loop.numWaiting() + " operations waiting)");
                }
                loop.tick(TICK);
            }
            assertEquals(RecvError.CLOSED, ended[0], "how the pending receive ended");
            assertNothingHeld();
        } finally {
            ioWqMaxWorkers(previousLimits[0], previousLimits[1]);
            if (writer != null) {
                writer.join(BOUND.toMillis());
                assertTrue(!writer.isAlive(), "the FIFO's writer is still blocked");
            }
            if (opened[0] != null) {
                opened[0].handle().close();
            }
        }
        closeThroughTheLoop(List.of(filler));
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
