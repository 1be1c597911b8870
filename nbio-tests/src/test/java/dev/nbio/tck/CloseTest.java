package dev.nbio.tck;

import static dev.nbio.tck.Bytes.random;
import static dev.nbio.tck.FileSuiteSupport.descriptorsOn;
import static dev.nbio.tck.FileSuiteSupport.real;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

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
import java.util.EnumSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
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
    @RegisterExtension
    final OpenHandles handles = new OpenHandles();

    // ---- closing -------------------------------------------------------------------------------

    @Test
    void closingAFileCallsBackOnceAndReleasesIt() throws IOException {
        Path path = real(Files.write(dir.resolve("close-me.bin"), random(10)));
        FileHandle file = openFile(path);
        assertEquals(1, descriptorsOn(path));

        Outcome close = close(file);

        close.assertSucceeded(OperationKind.CLOSE);
        assertFalse(file.isOpen());
        assertEquals(0, descriptorsOn(path), "the file is still open after its close called back");
    }

    @Test
    void closingADirectoryHandleCallsBackOnce() throws IOException {
        Path sub = real(Files.createDirectory(dir.resolve("close-dir")));
        FileHandle directory = handles.track(
                loop.openSync(null, sub, EnumSet.of(FileFlag.READ), Permissions.DEFAULT_DIRECTORY));

        close(directory).assertSucceeded(OperationKind.CLOSE);

        assertFalse(directory.isOpen());
        assertEquals(0, descriptorsOn(sub));
    }

    @Test
    void closingATcpConnectionCallsBackOnceAndThePeerSeesTheEnd() throws IOException {
        SocketPair pair = pair();

        Outcome close = close(pair.client());

        close.assertSucceeded(OperationKind.CLOSE);
        assertFalse(pair.client().isOpen());
        Recorder<Outcome> recv = Recorder.outcomes();
        loop.recv(pair.server(), ByteBuffer.allocate(16), recv);
        finish(recv);
        recv.only().assertSucceeded(OperationKind.RECV);
        assertEquals(0, recv.only().bytes(), "the peer of a closed connection receives 0 bytes");
    }

    @Test
    void closingAUdpSocketCallsBackOnceAndFreesItsPort() throws IOException {
        UdpSocket socket = handles.track(loop.bindUdp(loopback()));
        InetSocketAddress address = addressOf(socket);

        Outcome close = close(socket);

        close.assertSucceeded(OperationKind.CLOSE);
        assertFalse(socket.isOpen());
        UdpSocket again = handles.track(loop.bindUdp(address));
        assertEquals(address, addressOf(again), "the port of the closed socket could not be bound again");
    }

    @Test
    void closingAListenerCallsBackOnceAndFreesItsPort() throws IOException {
        TcpSocket listener = handles.track(loop.listenTcp(loopback()));
        InetSocketAddress address = addressOf(listener);

        Outcome close = close(listener);

        close.assertSucceeded(OperationKind.CLOSE);
        assertFalse(listener.isOpen());
        // Two sockets cannot listen on one port even with SO_REUSEADDR, so this shows the first is gone.
        TcpSocket again = handles.track(loop.listenTcp(address));
        assertEquals(address, addressOf(again));
    }

    @Test
    void closeWithoutACallbackStillCloses() throws IOException {
        Path path = real(Files.write(dir.resolve("quiet.bin"), random(10)));
        FileHandle file = openFile(path);
        UdpSocket socket = handles.track(loop.bindUdp(loopback()));

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
        TcpSocket listener = handles.track(loop.listenTcp(loopback()));
        Object tag = new Object();
        Recorder<Outcome> close = Recorder.outcomes();

        loop.close(listener, tag, close.attachmentCallback());
        assertFalse(close.called(), "the close's callback ran synchronously");
        finish(close);

        close.only().assertSucceeded(OperationKind.CLOSE);
        assertSame(tag, close.only().handedAttachment());
        assertSame(tag, close.only().attachment());
        assertFalse(listener.isOpen());
    }

    // ---- closing twice -------------------------------------------------------------------------

    @Test
    void closingAFileTwiceSaysClosedTheSecondTime() throws IOException {
        FileHandle file = openFile(real(Files.write(dir.resolve("twice.bin"), random(10))));

        close(file).assertSucceeded(OperationKind.CLOSE);
        Outcome second = close(file);

        second.assertFailedWith(CloseError.CLOSED);
        assertFalse(file.isOpen());
    }

    @Test
    void closingASocketTwiceAtOnceClosesItOnceAndSaysClosedOnce() throws IOException {
        SocketPair pair = pair();
        Recorder<Outcome> first = Recorder.outcomes();
        Recorder<Outcome> second = Recorder.outcomes();

        loop.close(pair.client(), first);
        loop.close(pair.client(), second);
        tickUntil(() -> first.called() && second.called());
        runToCompletion();

        first.only().assertSucceeded(OperationKind.CLOSE);
        second.only().assertFailedWith(CloseError.CLOSED);
        assertFalse(pair.client().isOpen());
    }

    // ---- operations after close ----------------------------------------------------------------

    @Test
    void fileOperationsAfterCloseFailWithClosed() throws IOException {
        Path path = real(Files.write(dir.resolve("after-close.bin"), random(10)));
        FileHandle file = handles.track(
                loop.openSync(null, path, EnumSet.of(FileFlag.READ, FileFlag.WRITE), Permissions.DEFAULT_FILE));
        close(file).assertSucceeded(OperationKind.CLOSE);
        ByteBuffer in = ByteBuffer.allocate(10);
        ByteBuffer out = ByteBuffer.wrap(random(4));
        Recorder<Outcome> read = Recorder.outcomes();
        Recorder<Outcome> write = Recorder.outcomes();
        Recorder<Outcome> stat = Recorder.outcomes();

        loop.read(file, 0, in, read);
        loop.write(file, 0, out, write);
        loop.stat(file, stat);
        assertFalse(read.called() || write.called() || stat.called(), "a callback ran synchronously");
        runToCompletion();

        read.only().assertFailedWith(ReadError.CLOSED);
        write.only().assertFailedWith(WriteError.CLOSED);
        stat.only().assertFailedWith(StatError.CLOSED);
        assertEquals(0, read.only().bytes());
        assertEquals(0, write.only().bytes());
        assertEquals(0, in.position(), "a read on a closed file filled its buffer");
        assertEquals(0, out.position(), "a write on a closed file consumed its buffer");
    }

    @Test
    void tcpOperationsAfterCloseFailWithClosed() throws IOException {
        SocketPair pair = pair();
        close(pair.client()).assertSucceeded(OperationKind.CLOSE);
        Recorder<Outcome> recv = Recorder.outcomes();
        Recorder<Outcome> send = Recorder.outcomes();

        loop.recv(pair.client(), ByteBuffer.allocate(16), recv);
        loop.send(pair.client(), ByteBuffer.wrap(random(16)), send);
        assertFalse(recv.called() || send.called(), "a callback ran synchronously");
        runToCompletion();

        recv.only().assertFailedWith(RecvError.CLOSED);
        send.only().assertFailedWith(SendError.CLOSED);
        assertEquals(0, recv.only().bytes());
        assertEquals(0, send.only().bytes());
    }

    @Test
    void udpOperationsAfterCloseFailWithClosed() throws IOException {
        UdpSocket socket = handles.track(loop.bindUdp(loopback()));
        UdpSocket peer = handles.track(loop.bindUdp(loopback()));
        close(socket).assertSucceeded(OperationKind.CLOSE);
        Recorder<Outcome> recv = Recorder.outcomes();
        Recorder<Outcome> send = Recorder.outcomes();

        loop.recv(socket, ByteBuffer.allocate(16), recv);
        loop.sendTo(socket, ByteBuffer.wrap(random(16)), addressOf(peer), send);
        runToCompletion();

        recv.only().assertFailedWith(RecvError.CLOSED);
        send.only().assertFailedWith(SendError.CLOSED);
    }

    @Test
    void acceptAfterCloseFailsWithClosed() throws IOException {
        TcpSocket listener = handles.track(loop.listenTcp(loopback()));
        close(listener).assertSucceeded(OperationKind.CLOSE);
        Recorder<Outcome> accept = Recorder.outcomes();

        loop.accept(listener, accept);
        assertFalse(accept.called(), "the accept's callback ran synchronously");
        runToCompletion();

        accept.only().assertFailedWith(AcceptError.CLOSED);
        assertNull(accept.only().socket());
    }

    // ---- operations pending at the close --------------------------------------------------------

    @Test
    void closingATcpSocketEndsItsPendingRecvWithClosed() throws IOException {
        SocketPair pair = pair();
        Recorder<Outcome> recv = Recorder.outcomes();
        loop.recv(pair.server(), ByteBuffer.allocate(16), recv);
        loop.tick(Duration.ZERO);
        assertFalse(recv.called(), "the recv completed with nothing sent");

        Outcome close = close(pair.server());

        close.assertSucceeded(OperationKind.CLOSE);
        recv.only().assertFailedWith(RecvError.CLOSED);
        assertEquals(0, recv.only().bytes());
        assertEquals(0, loop.numWaiting());
    }

    @Test
    void aPendingRecvEndedByCloseDoesNotCallBackAgainWhenItsTimeoutPasses() throws IOException {
        SocketPair pair = pair();
        Recorder<Outcome> recv = Recorder.outcomes();
        loop.recv(pair.server(), ByteBuffer.allocate(16), false, Duration.ofMillis(60), recv);

        close(pair.server()).assertSucceeded(OperationKind.CLOSE);
        Recorder<Outcome> afterTheTimeout = Recorder.outcomes();
        loop.timeout(Duration.ofMillis(120), afterTheTimeout);
        finish(afterTheTimeout);

        recv.only().assertFailedWith(RecvError.CLOSED);
    }

    @Test
    void closingAUdpSocketEndsItsPendingRecvWithClosed() throws IOException {
        UdpSocket socket = handles.track(loop.bindUdp(loopback()));
        Recorder<Outcome> recv = Recorder.outcomes();
        loop.recv(socket, ByteBuffer.allocate(16), recv);
        loop.tick(Duration.ZERO);
        assertFalse(recv.called(), "the recv completed with nothing sent");

        close(socket).assertSucceeded(OperationKind.CLOSE);

        recv.only().assertFailedWith(RecvError.CLOSED);
        assertNull(recv.only().source(), "a failed receive has no source");
    }

    @Test
    void closingAListenerEndsItsPendingAcceptWithClosed() throws IOException {
        TcpSocket listener = handles.track(loop.listenTcp(loopback()));
        Recorder<Outcome> accept = Recorder.outcomes();
        loop.accept(listener, accept);
        loop.tick(Duration.ZERO);
        assertFalse(accept.called(), "the accept completed with nobody dialing");

        close(listener).assertSucceeded(OperationKind.CLOSE);

        accept.only().assertFailedWith(AcceptError.CLOSED);
        assertNull(accept.only().socket());
    }

    @Test
    void aRecvRemovedBeforeTheCloseNeverCallsBack() throws IOException {
        SocketPair pair = pair();
        Recorder<Outcome> recv = Recorder.outcomes();
        Operation pending = loop.recv(pair.server(), ByteBuffer.allocate(16), recv);

        loop.remove(pending);
        close(pair.server()).assertSucceeded(OperationKind.CLOSE);
        Recorder<Outcome> later = Recorder.outcomes();
        loop.timeout(Duration.ofMillis(20), later);
        finish(later);

        assertEquals(0, recv.count(), "a removed recv called back when its socket was closed");
        assertEquals(0, loop.numWaiting());
    }

    // ---- helpers -------------------------------------------------------------------------------

    private SocketPair pair() throws IOException {
        SocketPair pair = SocketPair.open(loop, loopback());
        handles.track(pair.listener());
        handles.track(pair.server());
        handles.track(pair.client());
        return pair;
    }

    private FileHandle openFile(Path path) {
        return handles.track(
                FileSuiteSupport.openOk(loop, null, path, EnumSet.of(FileFlag.READ), Permissions.DEFAULT_FILE));
    }

    /** Closes a handle, checking the callback is not run synchronously, and waits until nothing is left waiting. */
    private Outcome close(IoHandle handle) {
        Recorder<Outcome> close = Recorder.outcomes();
        Operation op = loop.close(handle, close);
        assertEquals(OperationKind.CLOSE, op.kind());
        assertFalse(close.called(), "the close's callback ran synchronously");
        return finish(close);
    }

    /** Ticks until the callback ran and no operation is left waiting, so a second callback would show up. */
    private Outcome finish(Recorder<Outcome> recorder) {
        return FileSuiteSupport.finish(loop, recorder);
    }
}
