package dev.nbio.tck;

import static dev.nbio.tck.FileSuiteSupport.descriptorsOn;
import static dev.nbio.tck.FileSuiteSupport.pattern;
import static dev.nbio.tck.FileSuiteSupport.real;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nbio.AcceptError;
import dev.nbio.CloseError;
import dev.nbio.FileFlag;
import dev.nbio.FileHandle;
import dev.nbio.IoHandle;
import dev.nbio.Operation;
import dev.nbio.OperationKind;
import dev.nbio.Permissions;
import dev.nbio.ReadError;
import dev.nbio.RecvError;
import dev.nbio.SendError;
import dev.nbio.StatError;
import dev.nbio.TcpSocket;
import dev.nbio.UdpSocket;
import dev.nbio.WriteError;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Closing files, TCP connections, UDP sockets and listeners: the close calls back once,
 * later operations on the handle fail with {@code CLOSED}, a second close says
 * {@code CLOSED}, and operations pending at the close end with {@code CLOSED}.
 */
@ParameterizedClass(name = "{0}")
@MethodSource("dev.nbio.tck.Backends#names")
class CloseTest extends LoopTest {
    @TempDir
    Path dir;

    /** Handles to close synchronously after the test, whatever it left open. */
    private final List<IoHandle> handles = new ArrayList<>();
    private final List<SocketPair> pairs = new ArrayList<>();

    @AfterEach
    void noCallbackThrew() {
        assertTrue(callbackErrors.isEmpty(), () -> "a callback threw: " + callbackErrors);
    }

    @AfterEach
    void closeLeftovers() throws IOException {
        pairs.forEach(SocketPair::close);
        for (IoHandle handle : handles) {
            if (handle.isOpen()) {
                handle.handle().close();
            }
        }
    }

    // ---- closing -------------------------------------------------------------------------------

    @Test
    void closingAFileCallsBackOnceAndReleasesIt() throws IOException {
        Path path = real(Files.write(dir.resolve("close-me.bin"), pattern(10)));
        FileHandle file = openFile(path);
        assertEquals(1, descriptorsOn(path));

        FileSuiteOutcome close = close(file);

        close.assertSucceeded(OperationKind.CLOSE);
        assertFalse(file.isOpen());
        assertEquals(0, descriptorsOn(path), "the file is still open after its close called back");
    }

    @Test
    void closingADirectoryHandleCallsBackOnce() throws IOException {
        Path sub = real(Files.createDirectory(dir.resolve("close-dir")));
        FileHandle directory = track(loop.openSync(null, sub, EnumSet.of(FileFlag.READ), Permissions.DEFAULT_DIRECTORY));

        close(directory).assertSucceeded(OperationKind.CLOSE);

        assertFalse(directory.isOpen());
        assertEquals(0, descriptorsOn(sub));
    }

    @Test
    void closingATcpConnectionCallsBackOnceAndThePeerSeesTheEnd() throws IOException {
        SocketPair pair = pair();

        FileSuiteOutcome close = close(pair.client());

        close.assertSucceeded(OperationKind.CLOSE);
        assertFalse(pair.client().isOpen());
        FileSuiteOutcome recv = new FileSuiteOutcome();
        loop.recv(pair.server(), ByteBuffer.allocate(16), recv.callback());
        finish(recv);
        recv.assertSucceeded(OperationKind.RECV);
        assertEquals(0, recv.bytes, "the peer of a closed connection receives 0 bytes");
    }

    @Test
    void closingAUdpSocketCallsBackOnceAndFreesItsPort() throws IOException {
        UdpSocket socket = track(loop.bindUdp(loopback()));
        InetSocketAddress address = addressOf(socket);

        FileSuiteOutcome close = close(socket);

        close.assertSucceeded(OperationKind.CLOSE);
        assertFalse(socket.isOpen());
        UdpSocket again = track(loop.bindUdp(address));
        assertEquals(address, addressOf(again), "the port of the closed socket could not be bound again");
    }

    @Test
    void closingAListenerCallsBackOnceAndFreesItsPort() throws IOException {
        TcpSocket listener = track(loop.listenTcp(loopback()));
        InetSocketAddress address = addressOf(listener);

        FileSuiteOutcome close = close(listener);

        close.assertSucceeded(OperationKind.CLOSE);
        assertFalse(listener.isOpen());
        // Two sockets cannot listen on one port even with SO_REUSEADDR, so this shows the first is gone.
        TcpSocket again = track(loop.listenTcp(address));
        assertEquals(address, addressOf(again));
    }

    @Test
    void closeWithoutACallbackStillCloses() throws IOException {
        Path path = real(Files.write(dir.resolve("quiet.bin"), pattern(10)));
        FileHandle file = openFile(path);
        UdpSocket socket = track(loop.bindUdp(loopback()));

        Operation fileClose = loop.close(file);
        Operation socketClose = loop.close(socket);
        assertEquals(OperationKind.CLOSE, fileClose.kind());
        assertEquals(OperationKind.CLOSE, socketClose.kind());
        runToCompletion();

        assertFalse(file.isOpen());
        assertFalse(socket.isOpen());
        assertEquals(0, descriptorsOn(path));
    }

    @Test
    void theAttachmentFormOfCloseHandsOverItsAttachment() throws IOException {
        TcpSocket listener = track(loop.listenTcp(loopback()));
        Object tag = new Object();
        FileSuiteOutcome close = new FileSuiteOutcome();

        loop.close(listener, tag, close.attachmentCallback());
        assertFalse(close.done(), "the close's callback ran synchronously");
        finish(close);

        close.assertSucceeded(OperationKind.CLOSE);
        assertSame(tag, close.handedAttachment);
        assertSame(tag, close.attachment);
        assertFalse(listener.isOpen());
    }

    // ---- closing twice -------------------------------------------------------------------------

    @Test
    void closingAFileTwiceSaysClosedTheSecondTime() throws IOException {
        FileHandle file = openFile(real(Files.write(dir.resolve("twice.bin"), pattern(10))));

        close(file).assertSucceeded(OperationKind.CLOSE);
        FileSuiteOutcome second = close(file);

        second.assertFailedWith(CloseError.CLOSED);
        assertFalse(file.isOpen());
    }

    @Test
    void closingASocketTwiceAtOnceClosesItOnceAndSaysClosedOnce() throws IOException {
        SocketPair pair = pair();
        FileSuiteOutcome first = new FileSuiteOutcome();
        FileSuiteOutcome second = new FileSuiteOutcome();

        loop.close(pair.client(), first.callback());
        loop.close(pair.client(), second.callback());
        tickUntil(() -> first.done() && second.done());
        runToCompletion();

        first.assertSucceeded(OperationKind.CLOSE);
        second.assertFailedWith(CloseError.CLOSED);
        assertFalse(pair.client().isOpen());
    }

    // ---- operations after close ----------------------------------------------------------------

    @Test
    void fileOperationsAfterCloseFailWithClosed() throws IOException {
        Path path = real(Files.write(dir.resolve("after-close.bin"), pattern(10)));
        FileHandle file = track(loop.openSync(null, path, EnumSet.of(FileFlag.READ, FileFlag.WRITE), Permissions.DEFAULT_FILE));
        close(file).assertSucceeded(OperationKind.CLOSE);
        ByteBuffer in = ByteBuffer.allocate(10);
        ByteBuffer out = ByteBuffer.wrap(pattern(4));
        FileSuiteOutcome read = new FileSuiteOutcome();
        FileSuiteOutcome write = new FileSuiteOutcome();
        FileSuiteOutcome stat = new FileSuiteOutcome();

        loop.read(file, 0, in, read.callback());
        loop.write(file, 0, out, write.callback());
        loop.stat(file, stat.callback());
        assertFalse(read.done() || write.done() || stat.done(), "a callback ran synchronously");
        runToCompletion();

        read.assertFailedWith(ReadError.CLOSED);
        write.assertFailedWith(WriteError.CLOSED);
        stat.assertFailedWith(StatError.CLOSED);
        assertEquals(0, read.bytes);
        assertEquals(0, write.bytes);
        assertEquals(0, in.position(), "a read on a closed file filled its buffer");
        assertEquals(0, out.position(), "a write on a closed file consumed its buffer");
    }

    @Test
    void tcpOperationsAfterCloseFailWithClosed() throws IOException {
        SocketPair pair = pair();
        close(pair.client()).assertSucceeded(OperationKind.CLOSE);
        FileSuiteOutcome recv = new FileSuiteOutcome();
        FileSuiteOutcome send = new FileSuiteOutcome();

        loop.recv(pair.client(), ByteBuffer.allocate(16), recv.callback());
        loop.send(pair.client(), ByteBuffer.wrap(pattern(16)), send.callback());
        assertFalse(recv.done() || send.done(), "a callback ran synchronously");
        runToCompletion();

        recv.assertFailedWith(RecvError.CLOSED);
        send.assertFailedWith(SendError.CLOSED);
        assertEquals(0, recv.bytes);
        assertEquals(0, send.bytes);
    }

    @Test
    void udpOperationsAfterCloseFailWithClosed() throws IOException {
        UdpSocket socket = track(loop.bindUdp(loopback()));
        UdpSocket peer = track(loop.bindUdp(loopback()));
        close(socket).assertSucceeded(OperationKind.CLOSE);
        FileSuiteOutcome recv = new FileSuiteOutcome();
        FileSuiteOutcome send = new FileSuiteOutcome();

        loop.recv(socket, ByteBuffer.allocate(16), recv.callback());
        loop.sendTo(socket, ByteBuffer.wrap(pattern(16)), addressOf(peer), send.callback());
        runToCompletion();

        recv.assertFailedWith(RecvError.CLOSED);
        send.assertFailedWith(SendError.CLOSED);
    }

    @Test
    void acceptAfterCloseFailsWithClosed() throws IOException {
        TcpSocket listener = track(loop.listenTcp(loopback()));
        close(listener).assertSucceeded(OperationKind.CLOSE);
        FileSuiteOutcome accept = new FileSuiteOutcome();

        loop.accept(listener, accept.callback());
        assertFalse(accept.done(), "the accept's callback ran synchronously");
        runToCompletion();

        accept.assertFailedWith(AcceptError.CLOSED);
        assertNull(accept.socket);
    }

    // ---- operations pending at the close --------------------------------------------------------

    @Test
    void closingATcpSocketEndsItsPendingRecvWithClosed() throws IOException {
        SocketPair pair = pair();
        FileSuiteOutcome recv = new FileSuiteOutcome();
        loop.recv(pair.server(), ByteBuffer.allocate(16), recv.callback());
        loop.tick(Duration.ZERO);
        assertFalse(recv.done(), "the recv completed with nothing sent");

        FileSuiteOutcome close = close(pair.server());

        close.assertSucceeded(OperationKind.CLOSE);
        recv.assertFailedWith(RecvError.CLOSED);
        assertEquals(0, recv.bytes);
        assertEquals(0, loop.numWaiting());
    }

    @Test
    void aPendingRecvEndedByCloseDoesNotCallBackAgainWhenItsTimeoutPasses() throws IOException {
        SocketPair pair = pair();
        FileSuiteOutcome recv = new FileSuiteOutcome();
        loop.recv(pair.server(), ByteBuffer.allocate(16), false, Duration.ofMillis(60), recv.callback());

        close(pair.server()).assertSucceeded(OperationKind.CLOSE);
        FileSuiteOutcome afterTheTimeout = new FileSuiteOutcome();
        loop.timeout(Duration.ofMillis(120), afterTheTimeout.callback());
        finish(afterTheTimeout);

        recv.assertFailedWith(RecvError.CLOSED);
    }

    @Test
    void closingAUdpSocketEndsItsPendingRecvWithClosed() throws IOException {
        UdpSocket socket = track(loop.bindUdp(loopback()));
        FileSuiteOutcome recv = new FileSuiteOutcome();
        loop.recv(socket, ByteBuffer.allocate(16), recv.callback());
        loop.tick(Duration.ZERO);
        assertFalse(recv.done(), "the recv completed with nothing sent");

        close(socket).assertSucceeded(OperationKind.CLOSE);

        recv.assertFailedWith(RecvError.CLOSED);
        assertNull(recv.source, "a failed receive has no source");
    }

    @Test
    void closingAListenerEndsItsPendingAcceptWithClosed() throws IOException {
        TcpSocket listener = track(loop.listenTcp(loopback()));
        FileSuiteOutcome accept = new FileSuiteOutcome();
        loop.accept(listener, accept.callback());
        loop.tick(Duration.ZERO);
        assertFalse(accept.done(), "the accept completed with nobody dialing");

        close(listener).assertSucceeded(OperationKind.CLOSE);

        accept.assertFailedWith(AcceptError.CLOSED);
        assertNull(accept.socket);
    }

    @Test
    void aRecvRemovedBeforeTheCloseNeverCallsBack() throws IOException {
        SocketPair pair = pair();
        FileSuiteOutcome recv = new FileSuiteOutcome();
        Operation pending = loop.recv(pair.server(), ByteBuffer.allocate(16), recv.callback());

        loop.remove(pending);
        close(pair.server()).assertSucceeded(OperationKind.CLOSE);
        FileSuiteOutcome later = new FileSuiteOutcome();
        loop.timeout(Duration.ofMillis(20), later.callback());
        finish(later);

        assertEquals(0, recv.calls, "a removed recv called back when its socket was closed");
        assertEquals(0, loop.numWaiting());
    }

    // ---- helpers -------------------------------------------------------------------------------

    private <H extends IoHandle> H track(H handle) {
        handles.add(handle);
        return handle;
    }

    private SocketPair pair() throws IOException {
        SocketPair pair = SocketPair.open(loop, loopback());
        pairs.add(pair);
        return pair;
    }

    private FileHandle openFile(Path path) {
        FileSuiteOutcome open = new FileSuiteOutcome();
        loop.open(null, path, EnumSet.of(FileFlag.READ), Permissions.DEFAULT_FILE, open.callback());
        finish(open);
        open.assertSucceeded(OperationKind.OPEN);
        return track(open.file);
    }

    /** Closes a handle, checking the callback is not run synchronously, and waits until nothing is left waiting. */
    private FileSuiteOutcome close(IoHandle handle) {
        FileSuiteOutcome close = new FileSuiteOutcome();
        Operation op = loop.close(handle, close.callback());
        assertEquals(OperationKind.CLOSE, op.kind());
        assertFalse(close.done(), "the close's callback ran synchronously");
        finish(close);
        return close;
    }

    private void finish(FileSuiteOutcome outcome) {
        tickUntil(outcome::done);
        runToCompletion();
    }
}
