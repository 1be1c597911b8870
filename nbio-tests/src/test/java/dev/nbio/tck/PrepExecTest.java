package dev.nbio.tck;

import static dev.nbio.tck.OpenHandles.closeNow;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nbio.Callback;
import dev.nbio.FileFlag;
import dev.nbio.FileHandle;
import dev.nbio.FileType;
import dev.nbio.Operation;
import dev.nbio.OperationKind;
import dev.nbio.Permissions;
import dev.nbio.PollEvent;
import dev.nbio.TcpSocket;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The prepare-then-execute form of every operation kind: a prepared operation does nothing
 * and is not counted as waiting until {@code exec}, which returns it and runs it like the
 * one-step form.
 */
@ParameterizedClass(name = "{0}")
@MethodSource("dev.nbio.tck.Backends#names")
class PrepExecTest extends LoopTest {
    private static final byte[] HELLO = "hello".getBytes(US_ASCII);

    @TempDir
    Path dir;

    /** Counts a callback's calls and checks the results inside it, while the operation is valid. */
    private static final class CheckedCallback implements Callback {
        private final Consumer<Operation> check;
        int calls;

        CheckedCallback(Consumer<Operation> check) {
            this.check = check;
        }

        @Override
        public void onComplete(Operation op) {
            calls++;
            assertFalse(op.failed(), () -> op.kind() + " failed: " + op.error() + " (cause " + op.cause() + ")");
            check.accept(op);
        }
    }

    /** Checks that a prepared operation has its kind, does not run on a tick and is not counted. */
    private void assertWaitsForExec(Operation prepared, OperationKind kind, CheckedCallback outcome) {
        assertEquals(kind, prepared.kind());
        assertSame(loop, prepared.loop());
        int waiting = loop.numWaiting();
        loop.tick(Duration.ZERO);
        assertEquals(0, outcome.calls, () -> kind + " ran without exec");
        assertEquals(waiting, loop.numWaiting(), () -> "a prepared " + kind + " counts as waiting before exec");
    }

    /** Executes a prepared operation and ticks until its callback ran, once. */
    private void execAndAwait(Operation prepared, CheckedCallback outcome) {
        int waiting = loop.numWaiting();
        assertSame(prepared, loop.exec(prepared), "exec returns the operation it ran");
        assertEquals(waiting + 1, loop.numWaiting(), "an executed operation counts as waiting");
        tickUntil(() -> outcome.calls > 0);
        assertEquals(1, outcome.calls);
    }

    private void prepared(Operation prepared, OperationKind kind, CheckedCallback outcome) {
        assertWaitsForExec(prepared, kind, outcome);
        execAndAwait(prepared, outcome);
    }

    private Path fileWith(byte[] contents) throws IOException {
        return Files.write(dir.resolve("data"), contents);
    }

    @Test
    void nextTick() {
        CheckedCallback outcome = new CheckedCallback(op -> { });
        prepared(loop.prepNextTick(outcome), OperationKind.NEXT_TICK, outcome);
    }

    @Test
    void timeout() {
        CheckedCallback outcome = new CheckedCallback(op -> { });
        prepared(loop.prepTimeout(Duration.ofMillis(5), outcome), OperationKind.TIMEOUT, outcome);
    }

    @Test
    void aPreparedTimeoutCountsFromThePrepNotTheExec() {
        CheckedCallback outcome = new CheckedCallback(op -> { });
        Duration duration = Duration.ofMillis(20);
        long prepared = System.nanoTime();
        Operation timeout = loop.prepTimeout(duration, outcome);
        while (System.nanoTime() - prepared < duration.toNanos()) {
            loop.tick(Duration.ofMillis(5));
        }
        assertEquals(0, outcome.calls, "a prepared timeout ran without exec");
        loop.exec(timeout);
        loop.tick(Duration.ZERO);
        assertEquals(1, outcome.calls, "the duration had passed since the prep, so the first tick after exec runs it");
    }

    @Test
    void acceptAndDial() throws IOException {
        TcpSocket listener = loop.listenTcp(loopback());
        TcpSocket[] sides = new TcpSocket[2];
        CheckedCallback accepted = new CheckedCallback(op -> sides[0] = op.accept().client());
        CheckedCallback dialed = new CheckedCallback(op -> sides[1] = op.dial().socket());
        Operation accept = loop.prepAccept(listener, null, accepted);
        Operation dial = loop.prepDial(addressOf(listener), null, dialed);
        assertWaitsForExec(accept, OperationKind.ACCEPT, accepted);
        assertWaitsForExec(dial, OperationKind.DIAL, dialed);
        loop.exec(accept);
        loop.exec(dial);
        tickUntil(() -> accepted.calls > 0 && dialed.calls > 0);
        assertNotNull(sides[0]);
        assertNotNull(sides[1]);
        closeNow(sides[0]);
        closeNow(sides[1]);
        closeNow(listener);
    }

    @Test
    void recvIntoOneBuffer() throws IOException {
        try (SocketPair pair = SocketPair.open(loop, loopback())) {
            ByteBuffer buffer = ByteBuffer.allocate(HELLO.length);
            CheckedCallback outcome = new CheckedCallback(op -> assertEquals(HELLO.length, op.recv().received()));
            Operation recv = loop.prepRecv(pair.server(), buffer, true, null, outcome);
            assertWaitsForExec(recv, OperationKind.RECV, outcome);
            loop.send(pair.client(), ByteBuffer.wrap(HELLO), op -> { });
            execAndAwait(recv, outcome);
            assertArrayEquals(HELLO, buffer.array());
        }
    }

    @Test
    void recvIntoSeveralBuffers() throws IOException {
        try (SocketPair pair = SocketPair.open(loop, loopback())) {
            ByteBuffer head = ByteBuffer.allocate(2);
            ByteBuffer tail = ByteBuffer.allocate(3);
            CheckedCallback outcome = new CheckedCallback(op -> assertEquals(HELLO.length, op.recv().received()));
            Operation recv = loop.prepRecv(pair.server(), new ByteBuffer[] {head, tail}, true, null, outcome);
            assertWaitsForExec(recv, OperationKind.RECV, outcome);
            loop.send(pair.client(), ByteBuffer.wrap(HELLO), op -> { });
            execAndAwait(recv, outcome);
            assertEquals("he", new String(head.array(), US_ASCII));
            assertEquals("llo", new String(tail.array(), US_ASCII));
        }
    }

    @Test
    void sendOneBuffer() throws IOException {
        try (SocketPair pair = SocketPair.open(loop, loopback())) {
            CheckedCallback outcome = new CheckedCallback(op -> assertEquals(HELLO.length, op.send().sent()));
            Operation send = loop.prepSend(pair.client(), ByteBuffer.wrap(HELLO), null, true, null, outcome);
            prepared(send, OperationKind.SEND, outcome);
            assertArrayEquals(HELLO, receiveAtServer(pair, HELLO.length));
        }
    }

    @Test
    void sendSeveralBuffers() throws IOException {
        try (SocketPair pair = SocketPair.open(loop, loopback())) {
            ByteBuffer[] parts = {ByteBuffer.wrap("he".getBytes(US_ASCII)), ByteBuffer.wrap("llo".getBytes(US_ASCII))};
            CheckedCallback outcome = new CheckedCallback(op -> assertEquals(HELLO.length, op.send().sent()));
            prepared(loop.prepSend(pair.client(), parts, null, true, null, outcome), OperationKind.SEND, outcome);
            assertArrayEquals(HELLO, receiveAtServer(pair, HELLO.length));
        }
    }

    @Test
    void poll() throws IOException {
        try (SocketPair pair = SocketPair.open(loop, loopback())) {
            CheckedCallback outcome = new CheckedCallback(op -> assertEquals(PollEvent.WRITABLE, op.poll().event()));
            prepared(loop.prepPoll(pair.client(), PollEvent.WRITABLE, null, outcome), OperationKind.POLL, outcome);
        }
    }

    @Test
    void closeASocket() throws IOException {
        try (SocketPair pair = SocketPair.open(loop, loopback())) {
            CheckedCallback outcome = new CheckedCallback(op -> assertNull(op.close().error()));
            prepared(loop.prepClose(pair.client(), outcome), OperationKind.CLOSE, outcome);
            assertFalse(pair.client().isOpen());
        }
    }

    @Test
    void open() throws IOException {
        Path path = fileWith(HELLO);
        FileHandle[] opened = new FileHandle[1];
        CheckedCallback outcome = new CheckedCallback(op -> opened[0] = op.open().file());
        prepared(loop.prepOpen(null, path, EnumSet.of(FileFlag.READ), Permissions.DEFAULT_FILE, outcome),
                OperationKind.OPEN, outcome);
        assertNotNull(opened[0]);
        assertTrue(opened[0].isOpen());
        closeNow(opened[0]);
    }

    @Test
    void read() throws IOException {
        FileHandle file = loop.openSync(fileWith(HELLO));
        ByteBuffer buffer = ByteBuffer.allocate(4);
        CheckedCallback outcome = new CheckedCallback(op -> assertEquals(4, op.read().read()));
        prepared(loop.prepRead(file, 1, buffer, true, null, outcome), OperationKind.READ, outcome);
        assertEquals("ello", new String(buffer.array(), US_ASCII));
        closeNow(file);
    }

    @Test
    void write() throws IOException {
        Path path = fileWith(HELLO);
        FileHandle file = loop.openSync(null, path, EnumSet.of(FileFlag.WRITE), Permissions.DEFAULT_FILE);
        CheckedCallback outcome = new CheckedCallback(op -> assertEquals(2, op.write().written()));
        prepared(loop.prepWrite(file, 1, ByteBuffer.wrap("EL".getBytes(US_ASCII)), true, null, outcome),
                OperationKind.WRITE, outcome);
        closeNow(file);
        assertEquals("hELlo", Files.readString(path, US_ASCII));
    }

    @Test
    void stat() throws IOException {
        FileHandle file = loop.openSync(fileWith(HELLO));
        CheckedCallback outcome = new CheckedCallback(op -> {
            assertEquals(FileType.REGULAR, op.stat().type());
            assertEquals(HELLO.length, op.stat().size());
        });
        prepared(loop.prepStat(file, outcome), OperationKind.STAT, outcome);
        closeNow(file);
    }

    @Test
    void sendfile() throws IOException {
        try (SocketPair pair = SocketPair.open(loop, loopback())) {
            FileHandle file = loop.openSync(fileWith(HELLO));
            CheckedCallback outcome = new CheckedCallback(op -> {
                assertTrue(op.sendfile().done());
                assertEquals(3, op.sendfile().sent());
                assertEquals(3, op.sendfile().total());
            });
            prepared(loop.prepSendfile(pair.client(), file, 1, 3, false, null, outcome),
                    OperationKind.SENDFILE, outcome);
            assertEquals("ell", new String(receiveAtServer(pair, 3), US_ASCII));
            closeNow(file);
        }
    }

    /** Receives exactly {@code length} bytes on the server side. */
    private byte[] receiveAtServer(SocketPair pair, int length) {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        boolean[] done = {false};
        loop.recv(pair.server(), buffer, true, null, op -> {
            assertFalse(op.failed(), () -> "recv failed: " + op.error());
            done[0] = true;
        });
        tickUntil(() -> done[0]);
        assertEquals(length, buffer.position(), "the peer closed early");
        return buffer.array();
    }
}
