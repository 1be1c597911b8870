package dev.nbio.tck;

import static dev.nbio.tck.Bytes.random;
import static dev.nbio.tck.FileSuiteSupport.descriptorsOn;
import static dev.nbio.tck.FileSuiteSupport.finish;
import static dev.nbio.tck.FileSuiteSupport.real;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nbio.FileFlag;
import dev.nbio.FileHandle;
import dev.nbio.Operation;
import dev.nbio.OperationKind;
import dev.nbio.Permissions;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Removing pending file operations: their callbacks never run, {@code numWaiting} drops at
 * once, the loop goes on working, and a removed open leaves no file open behind.
 */
@ParameterizedClass(name = "{0}")
@MethodSource("dev.nbio.tck.Backends#names")
class FileRemovalTest extends LoopTest {
    private static final Set<FileFlag> READ = EnumSet.of(FileFlag.READ);
    private static final Set<FileFlag> CREATE = EnumSet.of(FileFlag.WRITE, FileFlag.CREATE);
    /** More than any backend runs file calls in parallel, so once all of these are back, earlier calls are too. */
    private static final int SENTINELS = 8;
    /** How long a backend may take to close a file whose open was removed. */
    private static final Duration DESCRIPTOR_WAIT = Duration.ofSeconds(3);

    @TempDir
    Path dir;

    @RegisterExtension
    final OpenHandles opened = new OpenHandles();

    @Test
    void aRemovedOpenNeverCallsBackAndLeavesNoFileOpen() throws IOException {
        Path path = real(Files.write(dir.resolve("opened-then-removed.bin"), random(100)));
        Recorder<Outcome> open = Recorder.outcomes();

        Operation op = loop.open(null, path, READ, Permissions.DEFAULT_FILE, open);
        loop.remove(op);

        assertEquals(0, loop.numWaiting(), "a removed operation is no longer waited for");
        letEarlierFileCallsFinish(path);
        awaitDescriptors(path, 0, "the removed open");
        assertEquals(0, open.count(), "the callback of a removed open ran");
        assertLoopStillWorks(path);
    }

    @Test
    void removedOpensWhoseResultsArrivedTogetherLeaveNoFileOpen() throws IOException {
        int count = 6;
        List<Path> paths = new ArrayList<>();
        List<Operation> ops = new ArrayList<>();
        List<Recorder<Outcome>> outcomes = new ArrayList<>();
        int[] firstCalled = {-1};
        for (int i = 0; i < count; i++) {
            paths.add(dir.resolve("together-" + i + ".bin"));
            outcomes.add(Recorder.outcomes());
            int index = i;
            ops.add(loop.open(null, paths.get(i), CREATE, Permissions.DEFAULT_FILE, op -> {
                outcomes.get(index).onComplete(op);
                if (firstCalled[0] < 0) {
                    // The first callback removes every other open: most have their result in by now,
                    // waiting for their callbacks in this same tick.
                    firstCalled[0] = index;
                    for (int other = 0; other < count; other++) {
                        if (other != index && !outcomes.get(other).called()) {
                            loop.remove(ops.get(other));
                        }
                    }
                }
            }));
        }
        // On a backend whose workers start at exec (nio) the files appear without ticking: wait
        // for them, so their results reach the loop together. A backend that submits at the
        // next tick (uring) opens nothing yet; the results then arrive as the kernel finishes.
        long deadline = System.nanoTime() + Duration.ofMillis(500).toNanos();
        while (!paths.stream().allMatch(Files::exists) && System.nanoTime() - deadline < 0) {
            Thread.onSpinWait();
        }
        tickUntil(() -> firstCalled[0] >= 0);
        runToCompletion();

        int survivor = firstCalled[0];
        Outcome survived = outcomes.get(survivor).only();
        survived.assertSucceeded(OperationKind.OPEN);
        opened.track(survived.file());
        for (int i = 0; i < count; i++) {
            if (i != survivor) {
                assertEquals(0, outcomes.get(i).count(), "the callback of removed open " + i + " ran");
            }
        }
        letEarlierFileCallsFinish(paths.get(survivor));
        for (int i = 0; i < count; i++) {
            if (i != survivor && !Files.exists(paths.get(i))) {
                continue; // removed before the backend opened (and so created) it: nothing to leak
            }
            int expected = i == survivor ? 1 : 0;
            awaitDescriptors(real(paths.get(i)), expected,
                    i == survivor ? "the open that called back" : "removed open " + i + " (of " + count + ")");
        }
        assertEquals(0, loop.numWaiting());
    }

    @Test
    void aRemovedReadNeverCallsBack() throws IOException {
        byte[] data = random(4096);
        Path path = real(Files.write(dir.resolve("read-removed.bin"), data));
        FileHandle file = open(path, READ);
        Recorder<Outcome> read = Recorder.outcomes();

        Operation op = loop.read(file, 0, ByteBuffer.allocate(4096), true, null, read);
        loop.remove(op);

        assertEquals(0, loop.numWaiting());
        letEarlierFileCallsFinish(path);
        assertEquals(0, read.count(), "the callback of a removed read ran");
        assertLoopStillWorks(path);
        ByteBuffer again = ByteBuffer.allocate(4096);
        Recorder<Outcome> second = Recorder.outcomes();
        loop.read(file, 0, again, true, null, second);
        runToCompletion();
        second.only().assertSucceeded(OperationKind.READ);
        assertArrayEquals(data, again.array(), "the file still reads after a read on it was removed");
    }

    @Test
    void aRemovedWriteNeverCallsBack() throws IOException {
        Path path = real(Files.createFile(dir.resolve("write-removed.bin")));
        FileHandle file = open(path, EnumSet.of(FileFlag.WRITE));
        Recorder<Outcome> write = Recorder.outcomes();

        Operation op = loop.write(file, 0, ByteBuffer.wrap(random(4096)), true, null, write);
        loop.remove(op);

        assertEquals(0, loop.numWaiting());
        letEarlierFileCallsFinish(path);
        assertEquals(0, write.count(), "the callback of a removed write ran");
        Recorder<Outcome> second = Recorder.outcomes();
        loop.write(file, 0, ByteBuffer.wrap(random(100)), true, null, second);
        runToCompletion();
        second.only().assertSucceeded(OperationKind.WRITE);
        assertLoopStillWorks(path);
    }

    @Test
    void aRemovedStatNeverCallsBack() throws IOException {
        Path path = real(Files.write(dir.resolve("stat-removed.bin"), random(10)));
        FileHandle file = open(path, READ);
        Recorder<Outcome> stat = Recorder.outcomes();

        Operation op = loop.stat(file, stat);
        loop.remove(op);

        assertEquals(0, loop.numWaiting());
        letEarlierFileCallsFinish(path);
        assertEquals(0, stat.count(), "the callback of a removed stat ran");
        assertLoopStillWorks(path);
    }

    @Test
    void aRemovedReadWithATimeoutDoesNotCallBackWhenTheTimeoutPasses() throws IOException {
        Path path = real(Files.write(dir.resolve("timeout-removed.bin"), random(10)));
        FileHandle file = open(path, READ);
        Recorder<Outcome> read = Recorder.outcomes();

        Operation op = loop.read(file, 0, ByteBuffer.allocate(10), true, Duration.ofMillis(50), read);
        loop.remove(op);
        Recorder<Outcome> afterTheTimeout = Recorder.outcomes();
        loop.timeout(Duration.ofMillis(120), afterTheTimeout);
        tickUntil(afterTheTimeout::called);
        runToCompletion();

        assertEquals(0, read.count(), "a removed read called back when its timeout passed");
        assertEquals(0, loop.numWaiting());
    }

    @Test
    void removingEveryKindAtOnceLeavesNothingWaiting() throws IOException {
        Path path = real(Files.write(dir.resolve("all-kinds.bin"), random(64)));
        FileHandle file = open(path, EnumSet.of(FileFlag.READ, FileFlag.WRITE));
        Recorder<Outcome> outcome = Recorder.outcomes();
        List<Operation> ops = List.of(
                loop.open(null, path, READ, Permissions.DEFAULT_FILE, outcome),
                loop.read(file, 0, ByteBuffer.allocate(64), outcome),
                loop.write(file, 64, ByteBuffer.wrap(random(8)), outcome),
                loop.stat(file, outcome));
        assertEquals(4, loop.numWaiting());

        ops.forEach(loop::remove);

        assertEquals(0, loop.numWaiting());
        letEarlierFileCallsFinish(path);
        assertEquals(0, outcome.count(), "a removed operation called back");
        awaitDescriptors(path, 1, "the test's own handle, with the removed open");
        assertLoopStillWorks(path);
    }

    @Test
    void anOperationCannotBeRemovedAfterItsCallbackRan() throws IOException {
        Path path = real(Files.write(dir.resolve("too-late.bin"), random(10)));
        FileHandle file = open(path, READ);
        Recorder<Outcome> stat = Recorder.outcomes();

        Operation op = loop.stat(file, stat);
        runToCompletion();

        stat.only().assertSucceeded(OperationKind.STAT);
        assertThrows(IllegalStateException.class, () -> loop.remove(op));
        assertEquals(0, loop.numWaiting());
    }

    // ---- helpers -------------------------------------------------------------------------------

    private FileHandle open(Path path, Set<FileFlag> flags) {
        return opened.track(FileSuiteSupport.openOk(loop, null, path, flags, Permissions.DEFAULT_FILE));
    }

    /**
     * Runs a batch of stats on the file and waits for them: a backend that runs file calls on
     * a few threads finishes the calls started before these first, so a removed operation
     * that would wrongly call back has had its chance to.
     */
    private void letEarlierFileCallsFinish(Path path) throws IOException {
        FileHandle probe = loop.openSync(path);
        List<Recorder<Outcome>> stats = new ArrayList<>();
        for (int i = 0; i < SENTINELS; i++) {
            Recorder<Outcome> stat = Recorder.outcomes();
            stats.add(stat);
            loop.stat(probe, stat);
        }
        tickUntil(() -> stats.stream().allMatch(Recorder::called));
        probe.handle().close();
        for (Recorder<Outcome> stat : stats) {
            stat.only().assertSucceeded(OperationKind.STAT);
        }
    }

    /**
     * Ticks until the file has the expected number of open descriptors, giving the backend
     * time to close what a removal abandoned, then asserts that count.
     */
    private void awaitDescriptors(Path file, int expected, String whose) {
        Ticking.tickAtMost(loop, DESCRIPTOR_WAIT, () -> descriptorsOn(file) == expected);
        assertEquals(expected, descriptorsOn(file), () -> "open descriptors on " + file.getFileName() + ", from "
                + whose + ", after " + DESCRIPTOR_WAIT.toMillis() + " ms: a removed open leaked its file");
    }

    /** After removals, an open, a read and a next-tick still run and call back once each. */
    private void assertLoopStillWorks(Path path) throws IOException {
        Recorder<Outcome> open = Recorder.outcomes();
        loop.open(path, open);
        boolean[] nextTick = {false};
        loop.nextTick(op -> nextTick[0] = true);
        Outcome reopened = finish(loop, open);
        reopened.assertSucceeded(OperationKind.OPEN);
        FileHandle file = opened.track(reopened.file());
        assertTrue(nextTick[0]);
        Recorder<Outcome> read = Recorder.outcomes();
        loop.read(file, 0, ByteBuffer.allocate(1), read);
        runToCompletion();
        read.only().assertSucceeded(OperationKind.READ);
        assertEquals(1, read.only().bytes());
        assertEquals(0, loop.numWaiting());
    }
}
