package dev.nbio.tck;

import static dev.nbio.tck.OpenHandles.closeNow;
import static dev.nbio.tck.OtherThreads.runOnOtherThread;
import static dev.nbio.tck.SemanticsChecks.assertThrowsMentioning;
import static dev.nbio.tck.Ticking.tickFor;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nbio.FileHandle;
import dev.nbio.Operation;
import dev.nbio.OperationKind;
import dev.nbio.RecvError;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Detach and reattach: a detached operation outlives its callback (its results stay
 * readable and it can be executed again), reattach hands it back to be recycled, and each
 * misuse of the pair throws an exception that says what was wrong.
 */
@ParameterizedClass(name = "{0}")
@MethodSource("dev.nbio.tck.Backends#names")
class DetachTest extends LoopTest {
    private static final byte[] HELLO = "hello".getBytes(US_ASCII);
    private static final String[] RECYCLED = {"recycled"};

    @TempDir
    Path dir;

    @Test
    void aDetachedOperationKeepsItsResultsAfterItsCallback() throws IOException {
        try (SocketPair pair = SocketPair.open(loop, loopback())) {
            int[] calls = {0};
            ByteBuffer buffer = ByteBuffer.allocate(16);
            Operation recv = loop.recv(pair.server(), buffer, op -> calls[0]++).userData("kept");
            loop.detach(recv);
            loop.send(pair.client(), ByteBuffer.wrap(HELLO), op -> { });
            tickUntil(() -> calls[0] == 1);
            tickFor(loop, Duration.ofMillis(20));

            assertEquals(OperationKind.RECV, recv.kind());
            assertFalse(recv.failed());
            assertNull(recv.error());
            assertEquals(HELLO.length, recv.recv().received());
            assertEquals("kept", recv.userData());
            assertSame(loop, recv.loop());
            assertEquals(1, calls[0]);
            assertEquals(0, loop.numWaiting());
            loop.reattach(recv);
        }
    }

    @Test
    void aDetachedOperationCanBeExecutedAgain() throws IOException {
        try (SocketPair pair = SocketPair.open(loop, loopback())) {
            int[] calls = {0};
            ByteBuffer buffer = ByteBuffer.allocate(16);
            Operation recv = loop.recv(pair.server(), buffer, op -> calls[0]++);
            loop.detach(recv);
            loop.send(pair.client(), ByteBuffer.wrap(HELLO), op -> { });
            tickUntil(() -> calls[0] == 1);
            assertEquals("hello", new String(buffer.array(), 0, buffer.position(), US_ASCII));

            buffer.clear();
            assertSame(recv, loop.exec(recv));
            assertEquals(1, loop.numWaiting(), "the re-executed operation counts as waiting");
            loop.send(pair.client(), ByteBuffer.wrap("again".getBytes(US_ASCII)), op -> { });
            tickUntil(() -> calls[0] == 2);
            assertEquals(5, recv.recv().received(), "the second run has fresh results");
            assertEquals("again", new String(buffer.array(), 0, buffer.position(), US_ASCII));
            loop.reattach(recv);
            runToCompletion();
        }
    }

    @Test
    void aDetachedOperationRunAgainGetsAFreshDeadline() throws IOException {
        try (SocketPair pair = SocketPair.open(loop, loopback())) {
            Duration timeout = Duration.ofMillis(30);
            int[] calls = {0};
            Operation recv = loop.recv(pair.client(), ByteBuffer.allocate(1), false, timeout, op -> calls[0]++);
            loop.detach(recv);
            tickUntil(() -> calls[0] == 1);
            assertEquals(RecvError.TIMEOUT, recv.error());

            long again = System.nanoTime();
            loop.exec(recv);
            tickUntil(() -> calls[0] == 2);
            long waited = System.nanoTime() - again;
            assertEquals(RecvError.TIMEOUT, recv.error());
            assertTrue(waited >= timeout.toNanos(),
                    "the second run timed out after " + waited / 1_000_000 + " ms: its deadline was not renewed");
            loop.reattach(recv);
        }
    }

    @Test
    void aTimerDetachedInsideItsCallbackCanBeExecutedAgain() {
        int[] calls = {0};
        Operation timeout = loop.timeout(Duration.ZERO, op -> {
            if (++calls[0] == 1) {
                loop.detach(op);
            }
        });
        tickUntil(() -> calls[0] == 1);
        assertEquals(OperationKind.TIMEOUT, timeout.kind(), "detached in its callback, the operation stays valid");
        loop.exec(timeout);
        tickUntil(() -> calls[0] == 2);
        loop.reattach(timeout);
        assertEquals(0, loop.numWaiting());
    }

    @Test
    void reattachAfterTheCallbackRecyclesTheOperation() {
        boolean[] called = {false};
        Operation nextTick = loop.nextTick(op -> called[0] = true);
        loop.detach(nextTick);
        tickUntil(() -> called[0]);
        loop.reattach(nextTick);
        assertThrowsMentioning(IllegalStateException.class, nextTick::kind, RECYCLED);
        assertThrowsMentioning(IllegalStateException.class, () -> loop.exec(nextTick), RECYCLED);
    }

    @Test
    void reattachBeforeTheCallbackRecyclesTheOperationAfterIt() {
        boolean[] called = {false};
        Operation timeout = loop.timeout(Duration.ofMillis(5), op -> called[0] = true);
        loop.detach(timeout);
        loop.reattach(timeout);
        tickUntil(() -> called[0]);
        assertThrowsMentioning(IllegalStateException.class, timeout::kind, RECYCLED);
    }

    @Test
    void aDetachedTimeoutCanStillBeRemoved() {
        boolean[] called = {false};
        Operation timeout = loop.timeout(Duration.ofMillis(10), op -> called[0] = true);
        loop.detach(timeout);
        loop.remove(timeout);
        assertEquals(0, loop.numWaiting());
        tickFor(loop, Duration.ofMillis(40));
        assertFalse(called[0], "the removed operation called back although it was detached");
    }

    @Test
    void aDetachedSendfileCanBeExecutedAgain() throws IOException {
        try (SocketPair pair = SocketPair.open(loop, loopback())) {
            FileHandle file = loop.openSync(Files.write(dir.resolve("data"), HELLO));
            int[] calls = {0};
            Operation sendfile = loop.sendfile(pair.client(), file, 0, -1, false, null, op -> calls[0]++);
            loop.detach(sendfile);
            tickUntil(() -> calls[0] == 1);
            assertEquals(HELLO.length, sendfile.sendfile().sent());

            loop.exec(sendfile);
            Ticking.tickAtMost(loop, Duration.ofSeconds(1), () -> calls[0] == 2);
            assertEquals(2, calls[0], "the re-executed sendfile did not finish within 1 s");
            assertFalse(sendfile.failed(), () -> "second sendfile failed: " + sendfile.error());
            assertEquals(HELLO.length, sendfile.sendfile().sent());
            assertEquals(HELLO.length, sendfile.sendfile().total());
            loop.reattach(sendfile);

            ByteBuffer both = ByteBuffer.allocate(2 * HELLO.length);
            boolean[] received = {false};
            loop.recv(pair.server(), both, true, Duration.ofMillis(200), op -> received[0] = true);
            tickUntil(() -> received[0]);
            assertEquals("hellohello", new String(both.array(), 0, both.position(), US_ASCII));
            closeNow(file);
        }
    }

    @Test
    void reattachingAnOperationTheBackendStillHoldsDoesNotRecycleItUnderTheBackend() throws Exception {
        FileHandle data = loop.openSync(Files.write(dir.resolve("data"), HELLO));
        List<Path> fifos = makeFifos(16);
        List<FileHandle> opened = new ArrayList<>();
        // Opening a FIFO for reading blocks until a writer comes. Where the backend runs file
        // calls on worker threads, these opens keep every worker busy, so the read below waits
        // behind them and its timeout fires while the backend still holds it.
        for (Path fifo : fifos) {
            loop.open(fifo, op -> opened.add(op.failed() ? null : op.open().file()));
        }
        int[] readCalls = {0};
        Operation read = loop.read(data, 0, ByteBuffer.allocate(16), false, Duration.ofMillis(20),
                op -> readCalls[0]++);
        loop.detach(read);
        tickUntil(() -> readCalls[0] == 1);
        loop.reattach(read);

        // Had reattach recycled the record under the backend, this operation reuses it, and
        // the read's late completion lands on a recycled record.
        int[] nextTickCalls = {0};
        loop.nextTick(op -> nextTickCalls[0]++);
        tickUntil(() -> nextTickCalls[0] == 1);
        Thread writers = Thread.ofPlatform().daemon().name("fifo-writers").start(() -> openForWriting(fifos));
        try {
            tickUntil(() -> opened.size() == fifos.size());
            tickFor(loop, Duration.ofMillis(50));
            writers.join(LIMIT.toMillis());

            assertEquals(List.of(), callbackErrors, "the late completion ran the callback of a recycled operation");
            assertEquals(1, readCalls[0]);
            assertEquals(1, nextTickCalls[0], "the late read completed the operation that reused its record");
            assertEquals(0, loop.numWaiting());
        } finally {
            opened.forEach(OpenHandles::closeNow);
            closeNow(data);
        }
    }

    private List<Path> makeFifos(int count) throws IOException, InterruptedException {
        List<Path> fifos = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Path fifo = dir.resolve("fifo" + i);
            Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
            Assumptions.assumeTrue(mkfifo.waitFor() == 0, "mkfifo is needed to make an open that blocks");
            fifos.add(fifo);
        }
        return fifos;
    }

    /** Gives each FIFO a writer in turn, which lets the blocked open of its reader finish. */
    private static void openForWriting(List<Path> fifos) {
        for (Path fifo : fifos) {
            try (FileChannel writer = FileChannel.open(fifo, StandardOpenOption.WRITE)) {
                writer.write(ByteBuffer.wrap(HELLO));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    @Test
    void reattachingAnOperationThatIsNotDetachedThrows() {
        Operation timeout = loop.timeout(Duration.ofMillis(50), op -> { });
        assertThrowsMentioning(IllegalStateException.class, () -> loop.reattach(timeout), "not detached");
        loop.remove(timeout);
    }

    @Test
    void reattachingTwiceThrows() {
        Operation timeout = loop.timeout(Duration.ofMillis(50), op -> { });
        loop.detach(timeout);
        loop.reattach(timeout);
        assertThrowsMentioning(IllegalStateException.class, () -> loop.reattach(timeout), "not detached");
        loop.remove(timeout);
    }

    @Test
    void detachingARecycledOperationThrows() {
        boolean[] called = {false};
        Operation nextTick = loop.nextTick(op -> called[0] = true);
        tickUntil(() -> called[0]);
        assertThrowsMentioning(IllegalStateException.class, () -> loop.detach(nextTick), RECYCLED);
    }

    @Test
    void detachingARemovedOperationThrows() {
        Operation timeout = loop.timeout(Duration.ofMillis(50), op -> { });
        loop.remove(timeout);
        assertThrowsMentioning(IllegalStateException.class, () -> loop.detach(timeout), "removed", "recycled");
    }

    @Test
    void executingADetachedOperationWhileItRunsThrows() {
        Operation timeout = loop.timeout(Duration.ofMillis(50), op -> { });
        loop.detach(timeout);
        assertThrowsMentioning(IllegalStateException.class, () -> loop.exec(timeout), "running");
        assertEquals(1, loop.numWaiting(), "the failed exec must not count the operation twice");
        loop.remove(timeout);
    }

    @Test
    void detachAndReattachFromAnotherThreadThrow() throws Exception {
        Operation timeout = loop.timeout(Duration.ofMillis(50), op -> { });
        runOnOtherThread("not-the-loop", () ->
                assertThrowsMentioning(IllegalStateException.class, () -> loop.detach(timeout), "thread"));
        loop.detach(timeout);
        runOnOtherThread("not-the-loop", () ->
                assertThrowsMentioning(IllegalStateException.class, () -> loop.reattach(timeout), "thread"));
        loop.reattach(timeout);
        loop.remove(timeout);
    }
}
