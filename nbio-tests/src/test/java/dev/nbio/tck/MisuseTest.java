package dev.nbio.tck;

import static dev.nbio.tck.OpenHandles.closeNow;
import static dev.nbio.tck.OtherThreads.runOnOtherThread;
import static dev.nbio.tck.SemanticsChecks.assertThrowsMentioning;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nbio.AddressFamily;
import dev.nbio.Callback;
import dev.nbio.EventLoop;
import dev.nbio.FileFlag;
import dev.nbio.FileHandle;
import dev.nbio.IoHandle;
import dev.nbio.Operation;
import dev.nbio.Permissions;
import dev.nbio.PollEvent;
import dev.nbio.SocketProtocol;
import dev.nbio.TcpSocket;
import dev.nbio.UdpSocket;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Misuse of the operation methods is refused at once, before anything starts, with an
 * exception whose message says what was wrong: null, negative or empty arguments, read-only
 * buffers, listening sockets used for data, operations run twice or after recycling, and
 * things of another loop, loop methods called from a thread that does not own the loop,
 * and a loop used after its last release.
 */
@ParameterizedClass(name = "{0}")
@MethodSource("dev.nbio.tck.Backends#names")
class MisuseTest extends LoopTest {
    private static final Callback IGNORE = op -> { };
    private static final Duration NEGATIVE = Duration.ofMillis(-1);

    @TempDir
    Path dir;

    private SocketPair pair;
    private FileHandle file;

    @BeforeEach
    void openHandles() throws IOException {
        pair = SocketPair.open(loop, loopback());
        file = loop.openSync(null, Files.write(dir.resolve("data"), "hello".getBytes(US_ASCII)),
                EnumSet.of(FileFlag.READ, FileFlag.WRITE), Permissions.DEFAULT_FILE);
    }

    @AfterEach
    void closeHandles() {
        if (pair != null) {
            pair.close();
            pair = null;
        }
        closeNow(file);
        file = null;
    }

    /** A null argument is refused with a NullPointerException or IllegalArgumentException naming it. */
    private static Executable rejectsNull(String name, Executable call) {
        return () -> {
            RuntimeException thrown = assertThrows(RuntimeException.class, call, "null " + name + " was accepted");
            assertTrue(thrown instanceof NullPointerException || thrown instanceof IllegalArgumentException,
                    () -> "null " + name + " gave " + thrown);
            String message = String.valueOf(thrown.getMessage()).toLowerCase(Locale.ROOT);
            assertTrue(message.contains(name.toLowerCase(Locale.ROOT)),
                    () -> "the exception for a null " + name + " does not name it: " + thrown.getMessage());
        };
    }

    private static Executable rejects(String what, Class<? extends Throwable> type, Executable call, String... words) {
        return () -> assertThrowsMentioning(what, type, call, words);
    }

    private static Executable wrongThread(String what, Executable call) {
        return rejects(what + " from another thread", IllegalStateException.class, call, "thread");
    }

    private static Executable closedLoop(String what, Executable call) {
        return rejects(what + " after the last release", IllegalStateException.class, call, "closed", "released");
    }

    private static Executable badArgument(String what, Executable call, String... words) {
        return rejects(what, IllegalArgumentException.class, call, words);
    }

    @Test
    void nullArgumentsAreRefusedNamingTheArgument() {
        ByteBuffer buffer = ByteBuffer.allocate(4);
        ByteBuffer[] withNull = {buffer, null};
        Path data = dir.resolve("data");
        assertAll(
                rejectsNull("duration", () -> loop.timeout(null, IGNORE)),
                rejectsNull("callback", () -> loop.timeout(Duration.ZERO, (Callback) null)),
                rejectsNull("callback", () -> loop.nextTick((Callback) null)),
                rejectsNull("endpoint", () -> loop.dial(null, IGNORE)),
                rejectsNull("socket", () -> loop.accept(null, IGNORE)),
                rejectsNull("socket", () -> loop.recv(null, buffer, IGNORE)),
                rejectsNull("buffer", () -> loop.recv(pair.server(), (ByteBuffer) null, IGNORE)),
                rejectsNull("buffers", () -> loop.recv(pair.server(), (ByteBuffer[]) null, false, null, IGNORE)),
                rejectsNull("buffers[1]", () -> loop.recv(pair.server(), withNull, false, null, IGNORE)),
                rejectsNull("buffer", () -> loop.send(pair.client(), (ByteBuffer) null, IGNORE)),
                rejectsNull("event", () -> loop.poll(pair.client(), null, IGNORE)),
                rejectsNull("socket", () -> loop.sendfile(null, file, IGNORE)),
                rejectsNull("file", () -> loop.sendfile(pair.client(), null, IGNORE)),
                rejectsNull("handle", () -> loop.close((IoHandle) null)),
                rejectsNull("path", () -> loop.open((Path) null, IGNORE)),
                rejectsNull("flags", () -> loop.open(null, data, null, Permissions.DEFAULT_FILE, IGNORE)),
                rejectsNull("file", () -> loop.read(null, 0, buffer, IGNORE)),
                rejectsNull("buffer", () -> loop.write(file, 0, null, IGNORE)),
                rejectsNull("file", () -> loop.stat(null, IGNORE)),
                rejectsNull("path", () -> loop.readEntireFile((Path) null, null, (a, contents, error) -> { })),
                rejectsNull("callback", () -> loop.readEntireFile(data, null, null)),
                rejectsNull("op", () -> loop.exec(null)),
                rejectsNull("op", () -> loop.remove(null)),
                rejectsNull("op", () -> loop.detach(null)),
                rejectsNull("op", () -> loop.reattach(null)),
                rejectsNull("handler", () -> loop.errorHandler(null)),
                rejectsNull("done", () -> loop.runUntil(null)),
                rejectsNull("address", () -> loop.listenTcp(null)),
                rejectsNull("family", () -> loop.createSocket(null, SocketProtocol.TCP)),
                rejectsNull("protocol", () -> loop.createSocket(AddressFamily.IPV4, null)),
                rejectsNull("channel", () -> loop.associateSocket(null)),
                rejectsNull("path", () -> loop.openSync(null)),
                rejectsNull("backend", () -> EventLoop.acquire(null)),
                rejectsNull("callback", () -> loop.prepNextTick(IGNORE).withAttachment("state", null)),
                rejectsNull("address", () -> pair.listener().bind(null)));
        assertEquals(0, loop.numWaiting(), "a refused call left an operation waiting");
    }

    @Test
    void negativeTimeoutsAreRefused() {
        ByteBuffer buffer = ByteBuffer.allocate(4);
        ByteBuffer bytes = ByteBuffer.wrap(new byte[] {1});
        assertAll(
                negativeTimeout("timeout", () -> loop.timeout(NEGATIVE, IGNORE)),
                negativeTimeout("prepTimeout", () -> loop.prepTimeout(NEGATIVE, IGNORE)),
                negativeTimeout("recv", () -> loop.recv(pair.server(), buffer, false, NEGATIVE, IGNORE)),
                negativeTimeout("send", () -> loop.send(pair.client(), bytes, true, NEGATIVE, IGNORE)),
                negativeTimeout("accept", () -> loop.accept(pair.listener(), NEGATIVE, IGNORE)),
                negativeTimeout("dial", () -> loop.dial(addressOf(pair.listener()), NEGATIVE, IGNORE)),
                negativeTimeout("poll", () -> loop.poll(pair.client(), PollEvent.WRITABLE, NEGATIVE, IGNORE)),
                negativeTimeout("read", () -> loop.read(file, 0, buffer, false, NEGATIVE, IGNORE)),
                negativeTimeout("write", () -> loop.write(file, 0, bytes, true, NEGATIVE, IGNORE)),
                negativeTimeout("sendfile", () -> loop.sendfile(pair.client(), file, 0, -1, false, NEGATIVE, IGNORE)),
                negativeTimeout("tick", () -> loop.tick(NEGATIVE)));
        assertEquals(0, loop.numWaiting());
    }

    private static Executable negativeTimeout(String what, Executable call) {
        return rejects(what + " with a negative timeout", IllegalArgumentException.class, call, "negative");
    }

    @Test
    void negativeOffsetsAndLengthsAreRefused() {
        ByteBuffer bytes = ByteBuffer.wrap(new byte[] {1});
        assertAll(
                badArgument("read at -1", () -> loop.read(file, -1, ByteBuffer.allocate(4), IGNORE), "offset"),
                badArgument("write at -1", () -> loop.write(file, -1, bytes, IGNORE), "offset"),
                badArgument("sendfile from -1", () -> loop.sendfile(pair.client(), file, -1, -1, false, null, IGNORE),
                        "offset"),
                badArgument("sendfile of -2 bytes",
                        () -> loop.sendfile(pair.client(), file, 0, -2, false, null, IGNORE), "length"));
        assertEquals(0, loop.numWaiting());
    }

    @Test
    void readOnlyBuffersAreRefusedForReceivingAndReading() throws IOException {
        ByteBuffer readOnly = ByteBuffer.allocate(4).asReadOnlyBuffer();
        ByteBuffer[] oneReadOnly = {ByteBuffer.allocate(4), readOnly};
        UdpSocket udp = loop.bindUdp(loopback());
        try {
            assertAll(
                    badArgument("TCP recv", () -> loop.recv(pair.server(), readOnly, IGNORE), "read-only"),
                    badArgument("vectored recv", () -> loop.recv(pair.server(), oneReadOnly, false, null, IGNORE),
                            "read-only"),
                    badArgument("UDP recv", () -> loop.recv(udp, readOnly, IGNORE), "read-only"),
                    badArgument("read", () -> loop.read(file, 0, readOnly, IGNORE), "read-only"));
            assertEquals(0, loop.numWaiting());
        } finally {
            closeNow(udp);
        }
    }

    @Test
    void buffersWithNothingToFillOrSendAreRefused() {
        ByteBuffer full = ByteBuffer.allocate(4).position(4);
        ByteBuffer empty = ByteBuffer.allocate(0);
        ByteBuffer[] none = {};
        assertAll(
                badArgument("recv into a full buffer", () -> loop.recv(pair.server(), full, IGNORE), "space"),
                badArgument("read into a full buffer", () -> loop.read(file, 0, full, IGNORE), "space"),
                badArgument("send of an empty buffer", () -> loop.send(pair.client(), empty, IGNORE), "nothing"),
                badArgument("write of an empty buffer", () -> loop.write(file, 0, empty, IGNORE), "nothing"),
                badArgument("recv into no buffers", () -> loop.recv(pair.server(), none, false, null, IGNORE),
                        "buffer"),
                badArgument("send of no buffers", () -> loop.send(pair.client(), none, false, null, IGNORE), "buffer"));
        assertEquals(0, loop.numWaiting());
    }

    @Test
    void receivingOrSendingOnAListeningSocketIsRefused() {
        TcpSocket listener = pair.listener();
        assertAll(
                badArgument("recv on a listener", () -> loop.recv(listener, ByteBuffer.allocate(4), IGNORE), "listen"),
                badArgument("send on a listener", () -> loop.send(listener, ByteBuffer.wrap(new byte[] {1}), IGNORE),
                        "listen"),
                badArgument("sendfile to a listener", () -> loop.sendfile(listener, file, IGNORE), "listen"));
    }

    @Test
    void acceptingOnASocketThatDoesNotListenIsRefused() {
        assertThrowsMentioning(IllegalArgumentException.class, () -> loop.accept(pair.client(), IGNORE), "listen");
    }

    @Test
    void aBacklogBelowOneIsRefused() throws IOException {
        TcpSocket unbound = loop.createTcpSocket(AddressFamily.IPV4);
        try {
            assertAll(
                    badArgument("listenTcp with backlog 0", () -> loop.listenTcp(loopback(), 0), "backlog"),
                    badArgument("listenTcp with backlog -5", () -> loop.listenTcp(loopback(), -5), "backlog"),
                    badArgument("listen(0)", () -> unbound.listen(0), "backlog"));
        } finally {
            closeNow(unbound);
        }
    }

    @Test
    void addressMistakesAreRefused() {
        InetSocketAddress unresolved = InetSocketAddress.createUnresolved("example.invalid", 80);
        ByteBuffer bytes = ByteBuffer.wrap(new byte[] {1});
        InetSocketAddress destination = addressOf(pair.listener());
        assertAll(
                badArgument("dial of an unresolved address", () -> loop.dial(unresolved, IGNORE), "unresolved"),
                badArgument("a TCP send with a destination",
                        () -> loop.prepSend(pair.client(), bytes, destination, true, null, IGNORE), "udp"));
        assertEquals(0, loop.numWaiting());
    }

    @Test
    void fileFlagAndPermissionMistakesAreRefused() {
        Path path = dir.resolve("new");
        EnumSet<FileFlag> create = EnumSet.of(FileFlag.WRITE, FileFlag.CREATE);
        EnumSet<FileFlag> exclusive = EnumSet.of(FileFlag.WRITE, FileFlag.EXCLUSIVE);
        assertAll(
                badArgument("open with mode 01000", () -> loop.open(null, path, create, 01000, IGNORE), "0777"),
                badArgument("EXCLUSIVE without CREATE", () -> loop.open(null, path, exclusive, 0644, IGNORE), "CREATE"),
                badArgument("openSync with mode -1", () -> loop.openSync(null, path, create, -1), "0777"));
        assertEquals(0, loop.numWaiting());
    }

    @Test
    void executingARunningOperationAgainIsRefused() {
        Operation timeout = loop.timeout(Duration.ofMillis(50), IGNORE);
        assertThrowsMentioning(IllegalStateException.class, () -> loop.exec(timeout), "running");
        assertEquals(1, loop.numWaiting(), "the refused exec counted the operation twice");
        loop.remove(timeout);
    }

    @Test
    void executingAnOperationAgainFromItsOwnCallbackWithoutDetachingIsRefused() {
        Throwable[] thrown = {null};
        loop.nextTick(op -> {
            try {
                loop.exec(op);
            } catch (IllegalStateException e) {
                thrown[0] = e;
            }
        });
        runToCompletion();
        assertTrue(thrown[0] != null, "exec of a not-detached operation inside its own callback was accepted");
        assertTrue(thrown[0].getMessage().contains("detach"), thrown[0].getMessage());
        assertEquals(0, loop.numWaiting());
    }

    @Test
    void executingARecycledOperationIsRefused() {
        boolean[] called = {false};
        Operation nextTick = loop.nextTick(op -> called[0] = true);
        tickUntil(() -> called[0]);
        assertThrowsMentioning(IllegalStateException.class, () -> loop.exec(nextTick), "recycled");
    }

    @Test
    void addingAnAttachmentAfterExecIsRefused() {
        Operation timeout = loop.timeout(Duration.ofMillis(50), IGNORE);
        assertThrowsMentioning(IllegalStateException.class,
                () -> timeout.withAttachment("late", (op, attachment) -> { }), "exec");
        loop.remove(timeout);
    }

    @Test
    void askingForTheResultsOfAnotherKindIsRefusedNamingBothKinds() {
        RuntimeException[] thrown = {null};
        loop.nextTick(op -> thrown[0] = assertThrows(IllegalStateException.class, op::recv));
        runToCompletion();
        String message = thrown[0].getMessage();
        assertTrue(message.contains("NEXT_TICK") && message.contains("RECV"), message);
    }

    @Test
    void operationsAndHandlesOfAnotherLoopAreRefused() throws Exception {
        try (ForeignLoop other = new ForeignLoop(backend)) {
            Operation foreign = other.call(() -> other.loop().prepNextTick(IGNORE));
            TcpSocket foreignListener = other.call(() -> other.loop().listenTcp(loopback()));
            try {
                FileHandle foreignFile = otherFile(other);
                assertAll(
                        badArgument("exec of its operation", () -> loop.exec(foreign), "loop"),
                        badArgument("accept on its socket", () -> loop.accept(foreignListener, IGNORE), "loop"),
                        badArgument("close of its socket", () -> loop.close(foreignListener), "loop"),
                        badArgument("sendfile of its file", () -> loop.sendfile(pair.client(), foreignFile, IGNORE),
                                "loop"));
                assertEquals(0, loop.numWaiting());
            } finally {
                other.call(() -> {
                    closeNow(foreignListener);
                    other.loop().remove(foreign);
                    return null;
                });
            }
        }
    }

    private FileHandle otherFile(ForeignLoop other) throws Exception {
        FileHandle handle = other.call(() -> other.loop().openSync(dir.resolve("data")));
        closeNow(handle);
        return handle;
    }

    @Test
    void loopThreadMethodsCalledFromAnotherThreadAreRefused() throws Exception {
        Operation timeout = loop.timeout(Duration.ofMillis(100), IGNORE);
        try (SocketChannel channel = SocketChannel.open()) {
            runOnOtherThread("intruder", () -> assertAll(
                    wrongThread("tick(ZERO)", () -> loop.tick(Duration.ZERO)),
                    wrongThread("tick()", () -> loop.tick()),
                    wrongThread("run", loop::run),
                    wrongThread("runUntil", () -> loop.runUntil(() -> true)),
                    wrongThread("remove", () -> loop.remove(timeout)),
                    wrongThread("detach", () -> loop.detach(timeout)),
                    wrongThread("reattach", () -> loop.reattach(timeout)),
                    wrongThread("release", loop::release),
                    wrongThread("close", loop::close),
                    wrongThread("listenTcp", () -> loop.listenTcp(loopback())),
                    wrongThread("createUdpSocket", () -> loop.createUdpSocket(AddressFamily.IPV4)),
                    wrongThread("bindUdp", () -> loop.bindUdp(loopback())),
                    wrongThread("associateSocket", () -> loop.associateSocket(channel)),
                    wrongThread("openSync", () -> loop.openSync(dir.resolve("data")))));
        }
        assertEquals(1, loop.numWaiting(), "a refused call from another thread changed the loop");
        assertEquals(loop, EventLoop.current(), "a refused release from another thread released the loop");
        loop.remove(timeout);
    }

    @Test
    void executingFromAnotherThreadAnOperationThatAlreadyRunsIsRefused() throws Exception {
        Operation timeout = loop.timeout(Duration.ofMillis(100), IGNORE);
        runOnOtherThread("intruder", () ->
                assertThrowsMentioning(IllegalStateException.class, () -> loop.exec(timeout), "prepared", "running"));
        assertEquals(1, loop.numWaiting());
        loop.remove(timeout);
    }

    @Test
    void aLoopIsUnusableAfterItsLastRelease() throws Exception {
        EventLoop released = loop;
        closeHandles();
        released.release();
        try {
            assertAll(
                    closedLoop("tick", () -> released.tick(Duration.ZERO)),
                    closedLoop("run", released::run),
                    closedLoop("nextTick", () -> released.nextTick(IGNORE)),
                    closedLoop("timeout", () -> released.timeout(Duration.ZERO, IGNORE)),
                    closedLoop("listenTcp", () -> released.listenTcp(loopback())),
                    closedLoop("openSync", () -> released.openSync(dir.resolve("data"))),
                    () -> runOnOtherThread("worker", closedLoop("nextTick from another thread",
                            () -> released.nextTick(IGNORE))),
                    () -> assertDoesNotThrow(released::wakeUp, "wakeUp is safe at any time"));
        } finally {
            loop = EventLoop.acquire(backend);
        }
    }

    @Test
    void releasingMoreOftenThanAcquiredIsRefused() {
        EventLoop again = EventLoop.acquire(backend);
        assertEquals(loop, again);
        closeHandles();
        loop.release();
        loop.release();
        try {
            assertThrowsMentioning(IllegalStateException.class, loop::release, "released");
            assertThrowsMentioning(IllegalStateException.class, loop::close, "released");
        } finally {
            loop = EventLoop.acquire(backend);
        }
    }

    @Test
    void theLoopKeepsWorkingAfterMisuse() {
        Stream.<Executable>of(
                () -> loop.timeout(NEGATIVE, IGNORE),
                () -> loop.recv(pair.server(), ByteBuffer.allocate(0), IGNORE),
                () -> loop.nextTick((Callback) null)).forEach(misuse -> assertThrows(RuntimeException.class, misuse));
        boolean[] called = {false};
        loop.nextTick(op -> called[0] = true);
        tickUntil(() -> called[0]);
        assertEquals(0, loop.numWaiting());
    }
}
