package dev.nbio.uring;

import static dev.nbio.uring.IoUringAbi.IORING_SETUP_COOP_TASKRUN;
import static dev.nbio.uring.IoUringAbi.IORING_SETUP_DEFER_TASKRUN;
import static dev.nbio.uring.IoUringAbi.IORING_SETUP_SINGLE_ISSUER;
import static dev.nbio.uring.IoUringAbi.IORING_SETUP_SUBMIT_ALL;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.nbio.EventLoop;
import dev.nbio.FileFlag;
import dev.nbio.FileHandle;
import dev.nbio.Operation;
import dev.nbio.Permissions;
import dev.nbio.TcpSocket;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The backend on each ring setup it can end up with: the best set (single issuer, deferred
 * task running), and the fallbacks a kernel without DEFER_TASKRUN or SINGLE_ISSUER gets
 * (forced here with the system properties). Task work runs at different moments in each, so
 * each must still deliver completions, including to a loop that only ever ticks with a zero
 * timeout.
 */
class SetupFlagSetsTest extends UringLoopTest {
    @TempDir
    Path dir;

    static Stream<Arguments> flagSets() {
        return Stream.of(
                Arguments.of("defaults", Map.of(),
                        IORING_SETUP_SUBMIT_ALL | IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN),
                Arguments.of("no deferred task running", Map.of("nbio.uring.deferTaskrun", "false"),
                        IORING_SETUP_SUBMIT_ALL | IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_COOP_TASKRUN),
                Arguments.of("no single issuer", Map.of("nbio.uring.singleIssuer", "false"),
                        IORING_SETUP_SUBMIT_ALL | IORING_SETUP_COOP_TASKRUN),
                Arguments.of("no task running flags", Map.of("nbio.uring.singleIssuer", "false",
                        "nbio.uring.coopTaskrun", "false"), IORING_SETUP_SUBMIT_ALL));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("flagSets")
    void theLoopWorksOnEachFlagSet(String name, Map<String, String> properties, int expectedFlags) throws Exception {
        reacquireWith(properties);
        assertEquals(expectedFlags, UringInternals.ring(loop).setupFlags, "the ring's setup flags");
        exchangeOverTcp();
        timerFiresOnTime();
        fileRoundTrip();
        crossThreadWakeUp();
        completionsReachALoopTickingWithZeroTimeout();
        assertNothingHeld();
    }

    private void exchangeOverTcp() throws IOException {
        byte[] data = new byte[300_000];
        new Random(9).nextBytes(data);
        try (TcpPair pair = tcpPair()) {
            ByteBuffer in = ByteBuffer.allocate(data.length);
            int[] counts = {-1, -1};
            loop.send(pair.client(), ByteBuffer.wrap(data), true, null, (Operation op) -> counts[0] = op.send().sent());
            loop.recv(pair.server(), in, true, null, (Operation op) -> counts[1] = op.recv().received());
            tickUntil("the exchange", () -> counts[0] >= 0 && counts[1] >= 0);
            assertEquals(data.length, counts[1]);
            assertArrayEquals(data, in.array());
        }
    }

    private void timerFiresOnTime() {
        long start = System.nanoTime();
        long[] firedAfter = {-1};
        loop.timeout(Duration.ofMillis(20), (Operation op) -> firedAfter[0] = System.nanoTime() - start);
        tickUntil("the timer", () -> firedAfter[0] >= 0);
        assertTrue(firedAfter[0] >= Duration.ofMillis(20).toNanos(), "fired early, after " + firedAfter[0] + " ns");
    }

    private void fileRoundTrip() throws IOException {
        FileHandle file = loop.openSync(null, dir.resolve("flags-" + System.nanoTime()),
                EnumSet.of(FileFlag.READ, FileFlag.WRITE, FileFlag.CREATE), Permissions.DEFAULT_FILE);
        int[] written = {-1};
        loop.write(file, 0, ByteBuffer.wrap("flag sets".getBytes(US_ASCII)), (Operation op) -> written[0] =
                op.write().written());
        tickUntil("the write", () -> written[0] >= 0);
        ByteBuffer in = ByteBuffer.allocateDirect(32);
        int[] read = {-1};
        loop.read(file, 0, in, (Operation op) -> read[0] = op.read().read());
        tickUntil("the read", () -> read[0] >= 0);
        byte[] got = new byte[read[0]];
        in.flip().get(got);
        assertEquals("flag sets", new String(got, US_ASCII));
        closeThroughTheLoop(List.of(file));
    }

    private void crossThreadWakeUp() throws InterruptedException {
        EventLoop target = loop;
        boolean[] ran = {false};
        Thread other = Thread.ofPlatform().start(() -> target.nextTick(op -> ran[0] = true));
        long before = System.nanoTime();
        while (!ran[0]) {
            loop.tick(Duration.ofSeconds(5));
            if (System.nanoTime() - before > Duration.ofSeconds(2).toNanos()) {
                fail("a nextTick from another thread did not wake a long tick");
            }
        }
        other.join();
    }

    /**
     * A receive whose data comes from a plain JDK socket, while the loop spins with
     * {@code tick(Duration.ZERO)}: the completion must arrive although the loop never waits.
     */
    private void completionsReachALoopTickingWithZeroTimeout() throws IOException {
        TcpSocket listener = loop.listenTcp(loopback());
        TcpSocket[] server = {null};
        loop.accept(listener, (Operation op) -> server[0] = op.accept().client());
        try (SocketChannel peer = SocketChannel.open(listener.localAddress())) {
            spinUntil("accept", () -> server[0] != null);
            ByteBuffer in = ByteBuffer.allocate(16);
            int[] received = {-1};
            loop.recv(server[0], in, (Operation op) -> {
                assertNull(op.recv().error());
                received[0] = op.recv().received();
            });
            loop.tick(Duration.ZERO);
            peer.write(ByteBuffer.wrap("zero".getBytes(US_ASCII)));
            spinUntil("the receive", () -> received[0] >= 0);
            assertEquals(4, received[0]);
        } finally {
            if (server[0] != null) {
                server[0].handle().close();
            }
            listener.handle().close();
        }
    }

    private void spinUntil(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        while (!condition.getAsBoolean()) {
            rethrowCallbackErrors();
            if (System.nanoTime() - deadline > 0) {
                fail(what + " never completed in a loop ticking with a zero timeout (" + loop.numWaiting() + " waiting)");
            }
            loop.tick(Duration.ZERO);
        }
    }
}
