package dev.nbio.tck;

import static dev.nbio.tck.Bytes.ascii;
import static dev.nbio.tck.Bytes.filled;
import static dev.nbio.tck.Bytes.random;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nbio.FileFlag;
import dev.nbio.FileHandle;
import dev.nbio.FileType;
import dev.nbio.OpenError;
import dev.nbio.OperationKind;
import dev.nbio.Permissions;
import dev.nbio.ReadError;
import dev.nbio.WriteError;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/** Opening files with every flag, positional reads and writes with and without {@code all}, EOF, and stat. */
@ParameterizedClass(name = "{0}")
@MethodSource("dev.nbio.tck.Backends#names")
class FileTest extends LoopTest {
    private static final int FOUR_MIB = 4 << 20;
    private static final Set<FileFlag> READ = EnumSet.of(FileFlag.READ);
    private static final Set<FileFlag> WRITE = EnumSet.of(FileFlag.WRITE);
    private static final Set<FileFlag> CREATE = EnumSet.of(FileFlag.WRITE, FileFlag.CREATE);
    private static final Set<FileFlag> READ_WRITE_CREATE = EnumSet.of(FileFlag.READ, FileFlag.WRITE, FileFlag.CREATE);

    @TempDir
    Path dir;

    /** Every handle a test opened, closed after it so no descriptor outlives the test. */
    @RegisterExtension
    final OpenHandles handles = new OpenHandles();

    // ---- opening -------------------------------------------------------------------------------

    @Test
    void openWithCreateMakesTheFileWithThePermissionsAsked() throws IOException {
        Path path = dir.resolve("new.txt");
        Recorder<Outcome> open = Recorder.outcomes();
        loop.open(null, path, CREATE, 0640, open);
        assertFalse(open.called(), "the open's callback ran synchronously");
        Outcome opened = finish(open);

        opened.assertSucceeded(OperationKind.OPEN);
        FileHandle file = keep(opened.file());
        assertTrue(file.isOpen());
        assertSame(loop, file.loop());
        assertEquals(path, file.path());
        assertTrue(Files.isRegularFile(path), "the file was not created");
        assertEquals(0, Files.size(path));
        if (FileSuiteSupport.posix()) {
            Set<PosixFilePermission> expected = Permissions.toPosix(0640);
            expected.retainAll(FileSuiteSupport.allowedByUmask(dir));
            assertEquals(expected, Files.getPosixFilePermissions(path), "mode 0640 less the umask");
        }
    }

    @Test
    void permissionsApplyToTheCreatedFileNotToTheHandleThatCreatedIt() throws IOException {
        Path path = dir.resolve("read-only-once-created.txt");
        FileHandle file = openOk(null, path, CREATE, Permissions.READ_ALL);

        Outcome write = write(file, 0, ascii("still writable"), true);

        write.assertSucceeded(OperationKind.WRITE);
        assertEquals("still writable", Files.readString(path));
        if (FileSuiteSupport.posix()) {
            assertFalse(Files.getPosixFilePermissions(path).contains(PosixFilePermission.OWNER_WRITE),
                    "mode 0444 was asked for, the file must not be writable by its owner");
        }
    }

    @Test
    void openOfAMissingFileIsNotFound() {
        Path path = dir.resolve("missing.txt");

        Outcome open = open(null, path, READ);

        open.assertFailedWith(OpenError.NOT_FOUND);
        assertNull(open.file(), "a failed open hands out no file");
        assertFalse(Files.exists(path), "an open without CREATE created the file");
    }

    @Test
    void openWithCreateInAMissingDirectoryIsNotFound() {
        Outcome open = open(null, dir.resolve("no-such-dir").resolve("file.txt"), CREATE);

        open.assertFailedWith(OpenError.NOT_FOUND);
        assertNull(open.file());
    }

    @Test
    void exclusiveCreateOfAnExistingFileIsAlreadyExistsAndLeavesItAlone() throws IOException {
        Path path = Files.writeString(dir.resolve("exists.txt"), "original");

        Outcome open = open(null, path, EnumSet.of(FileFlag.WRITE, FileFlag.CREATE, FileFlag.EXCLUSIVE));

        open.assertFailedWith(OpenError.ALREADY_EXISTS);
        assertNull(open.file());
        assertEquals("original", Files.readString(path));
    }

    @Test
    void exclusiveCreateOfANewFileCreatesIt() throws IOException {
        Path path = dir.resolve("fresh.txt");

        FileHandle file = openOk(null, path, EnumSet.of(FileFlag.WRITE, FileFlag.CREATE, FileFlag.EXCLUSIVE),
                Permissions.DEFAULT_FILE);
        write(file, 0, ascii("made"), true).assertSucceeded(OperationKind.WRITE);

        assertEquals("made", Files.readString(path));
    }

    @Test
    void createOfAnExistingFileWithoutExclusiveOpensItAsItIs() throws IOException {
        Path path = Files.writeString(dir.resolve("kept.txt"), "kept contents");

        FileHandle file = openOk(null, path, CREATE, Permissions.DEFAULT_FILE);

        assertNotNull(file);
        assertEquals("kept contents", Files.readString(path));
    }

    @Test
    void truncateEmptiesAnExistingFile() throws IOException {
        Path path = Files.write(dir.resolve("long.txt"), random(1000));

        openOk(null, path, EnumSet.of(FileFlag.WRITE, FileFlag.TRUNCATE), Permissions.DEFAULT_FILE);

        assertEquals(0, Files.size(path));
    }

    @Test
    void writingWithoutTruncateOverwritesOnlyWhatItWrites() throws IOException {
        Path path = Files.writeString(dir.resolve("partly.txt"), "abcdefgh");
        FileHandle file = openOk(null, path, WRITE, Permissions.DEFAULT_FILE);

        write(file, 2, ascii("XY"), true).assertSucceeded(OperationKind.WRITE);

        assertEquals("abXYefgh", Files.readString(path));
    }

    @Test
    void appendWritesLandAtTheEndOfTheFile() throws IOException {
        Path path = Files.writeString(dir.resolve("log.txt"), "first;");
        FileHandle file = openOk(null, path, EnumSet.of(FileFlag.WRITE, FileFlag.APPEND), Permissions.DEFAULT_FILE);

        // Offset 6 is the end, so the result is the same whether the system honours the offset or appends.
        write(file, 6, ascii("second;"), true).assertSucceeded(OperationKind.WRITE);

        assertEquals("first;second;", Files.readString(path));
    }

    @Test
    void appendCanBeCombinedWithReadAndWrite() throws IOException {
        Path path = Files.writeString(dir.resolve("journal.txt"), "one;");
        Outcome open = open(null, path,
                EnumSet.of(FileFlag.READ, FileFlag.WRITE, FileFlag.APPEND, FileFlag.CREATE));

        open.assertSucceeded(OperationKind.OPEN);
        keep(open.file());
        write(open.file(), 4, ascii("two;"), true).assertSucceeded(OperationKind.WRITE);
        ByteBuffer back = ByteBuffer.allocate(8);
        read(open.file(), 0, back, true).assertSucceeded(OperationKind.READ);
        assertEquals("one;two;", new String(filled(back), StandardCharsets.US_ASCII));
    }

    @Test
    void syncWritesReachTheFile() throws IOException {
        Path path = dir.resolve("synced.txt");
        FileHandle file = openOk(null, path, EnumSet.of(FileFlag.WRITE, FileFlag.CREATE, FileFlag.SYNC),
                Permissions.DEFAULT_FILE);

        write(file, 0, ascii("durable"), true).assertSucceeded(OperationKind.WRITE);

        assertEquals("durable", Files.readString(path));
    }

    @Test
    void theShortOpenIsForReadingOnly() throws IOException {
        Path path = Files.writeString(dir.resolve("plain.txt"), "read me");
        Recorder<Outcome> open = Recorder.outcomes();
        loop.open(path, open);
        Outcome opened = finish(open);
        opened.assertSucceeded(OperationKind.OPEN);
        FileHandle file = keep(opened.file());

        ByteBuffer buffer = ByteBuffer.allocate(7);
        read(file, 0, buffer, true).assertSucceeded(OperationKind.READ);
        assertEquals("read me", new String(filled(buffer), StandardCharsets.US_ASCII));
        write(file, 0, ascii("XX"), true).assertFailedWith(WriteError.PERMISSION_DENIED);
        assertEquals("read me", Files.readString(path));
    }

    @Test
    void noFlagsAtAllOpensForReading() throws IOException {
        Path path = Files.writeString(dir.resolve("flagless.txt"), "abc");
        FileHandle file = openOk(null, path, EnumSet.noneOf(FileFlag.class), Permissions.DEFAULT_FILE);

        ByteBuffer buffer = ByteBuffer.allocate(3);
        read(file, 0, buffer, true).assertSucceeded(OperationKind.READ);

        assertEquals("abc", new String(filled(buffer), StandardCharsets.US_ASCII));
    }

    @Test
    void aWriteOnlyFileCannotBeRead() throws IOException {
        Path path = Files.writeString(dir.resolve("write-only.txt"), "secret");
        FileHandle file = openOk(null, path, WRITE, Permissions.DEFAULT_FILE);

        ByteBuffer buffer = ByteBuffer.allocate(6);
        Outcome read = read(file, 0, buffer, false);

        read.assertFailedWith(ReadError.PERMISSION_DENIED);
        assertEquals(0, read.bytes());
        assertEquals(0, buffer.position(), "a failed read must not fill the buffer");
    }

    @Test
    void openRelativeToADirectoryHandle() throws IOException {
        Path sub = Files.createDirectory(dir.resolve("sub"));
        Files.writeString(sub.resolve("existing.txt"), "from the directory");
        FileHandle directory = keep(loop.openSync(null, sub, READ, Permissions.DEFAULT_DIRECTORY));

        FileHandle created = openOk(directory, Path.of("created.txt"), CREATE, Permissions.DEFAULT_FILE);
        write(created, 0, ascii("new"), true).assertSucceeded(OperationKind.WRITE);
        FileHandle existing = openOk(directory, Path.of("existing.txt"), READ, Permissions.DEFAULT_FILE);
        ByteBuffer buffer = ByteBuffer.allocate(18);
        read(existing, 0, buffer, true).assertSucceeded(OperationKind.READ);

        assertEquals("new", Files.readString(sub.resolve("created.txt")), "created relative to the directory handle");
        assertFalse(Files.exists(Path.of("created.txt").toAbsolutePath()), "created relative to the working directory");
        assertEquals("from the directory", new String(filled(buffer), StandardCharsets.US_ASCII));
    }

    @Test
    void anAbsolutePathIgnoresTheDirectoryHandle() throws IOException {
        Path sub = Files.createDirectory(dir.resolve("elsewhere"));
        Path absolute = Files.writeString(dir.resolve("absolute.txt"), "absolute");
        FileHandle directory = keep(loop.openSync(null, sub, READ, Permissions.DEFAULT_DIRECTORY));

        FileHandle file = openOk(directory, absolute, READ, Permissions.DEFAULT_FILE);
        ByteBuffer buffer = ByteBuffer.allocate(8);
        read(file, 0, buffer, true).assertSucceeded(OperationKind.READ);

        assertEquals("absolute", new String(filled(buffer), StandardCharsets.US_ASCII));
    }

    @Test
    void aRelativePathWithoutDirectoryStartsFromTheWorkingDirectory() throws IOException {
        Path target = Files.writeString(dir.resolve("via-cwd.txt"), "found from the working directory");
        Path relative = Path.of("").toAbsolutePath().relativize(target);
        assertFalse(relative.isAbsolute());

        FileHandle file = openOk(null, relative, READ, Permissions.DEFAULT_FILE);
        ByteBuffer buffer = ByteBuffer.allocate(32);
        read(file, 0, buffer, true).assertSucceeded(OperationKind.READ);

        assertEquals("found from the working directory", new String(filled(buffer), StandardCharsets.US_ASCII));
    }

    @Test
    void aDirectoryHandleThatIsARegularFileIsNotDirectory() throws IOException {
        Path regular = Files.writeString(dir.resolve("not-a-dir.txt"), "x");
        FileHandle notADirectory = keep(loop.openSync(regular));

        Outcome open = open(notADirectory, Path.of("child.txt"), READ);

        open.assertFailedWith(OpenError.NOT_DIRECTORY);
    }

    @Test
    void aPathThroughARegularFileIsNotDirectory() throws IOException {
        Path regular = Files.writeString(dir.resolve("plain"), "x");

        Outcome open = open(null, regular.resolve("child.txt"), READ);

        open.assertFailedWith(OpenError.NOT_DIRECTORY);
    }

    @Test
    void openOfADirectoryForWritingIsIsDirectory() throws IOException {
        Path sub = Files.createDirectory(dir.resolve("a-directory"));

        Outcome open = open(null, sub, WRITE);

        open.assertFailedWith(OpenError.IS_DIRECTORY);
        assertNull(open.file());
    }

    @Test
    void openWithoutAccessIsPermissionDenied() throws IOException {
        DeniedOpen denied = somethingThisProcessMayNotOpen();

        Outcome open = open(null, denied.path(), denied.flags());

        open.assertFailedWith(OpenError.PERMISSION_DENIED);
        assertNull(open.file());
    }

    @Test
    void permissionsOutsideTheModeBitsAreRefused() {
        Path path = dir.resolve("never.txt");

        assertThrows(IllegalArgumentException.class,
                () -> loop.prepOpen(null, path, CREATE, 01000, op -> { }));
        assertThrows(IllegalArgumentException.class,
                () -> loop.open(null, path, CREATE, -1, op -> { }));

        assertEquals(0, loop.numWaiting());
        assertFalse(Files.exists(path));
    }

    @Test
    void openSyncOpensAtOnce() throws IOException {
        Path existing = Files.writeString(dir.resolve("sync.txt"), "sync read");

        FileHandle reader = keep(loop.openSync(existing));
        FileHandle writer = keep(loop.openSync(null, dir.resolve("sync-created.txt"), CREATE, Permissions.DEFAULT_FILE));

        assertTrue(reader.isOpen());
        assertSame(loop, reader.loop());
        assertTrue(Files.exists(dir.resolve("sync-created.txt")), "openSync with CREATE created nothing");
        assertEquals(0, loop.numWaiting(), "openSync is not an operation to wait for");
        ByteBuffer buffer = ByteBuffer.allocate(9);
        read(reader, 0, buffer, true).assertSucceeded(OperationKind.READ);
        assertEquals("sync read", new String(filled(buffer), StandardCharsets.US_ASCII));
        write(writer, 0, ascii("sync write"), true).assertSucceeded(OperationKind.WRITE);
        assertEquals("sync write", Files.readString(dir.resolve("sync-created.txt")));
    }

    @Test
    void openSyncRelativeToADirectoryHandle() throws IOException {
        Path sub = Files.createDirectory(dir.resolve("sync-sub"));
        FileHandle directory = keep(loop.openSync(null, sub, READ, Permissions.DEFAULT_DIRECTORY));

        keep(loop.openSync(directory, Path.of("child.txt"), CREATE, Permissions.DEFAULT_FILE));

        assertTrue(Files.exists(sub.resolve("child.txt")));
    }

    @Test
    void openSyncOfAMissingFileThrowsNamingThePath() {
        Path missing = dir.resolve("missing-sync.txt");

        IOException thrown = assertThrows(IOException.class, () -> loop.openSync(missing));

        assertNotNull(thrown.getMessage());
        assertTrue(thrown.getMessage().contains(missing.toString()), "message does not name the path: " + thrown.getMessage());
    }

    @Test
    void openSyncOfADirectoryForWritingThrowsNamingThePath() throws IOException {
        Path sub = Files.createDirectory(dir.resolve("sync-directory"));

        IOException thrown = assertThrows(IOException.class,
                () -> loop.openSync(null, sub, WRITE, Permissions.DEFAULT_FILE));

        assertNotNull(thrown.getMessage());
        assertTrue(thrown.getMessage().contains(sub.toString()), "message does not name the path: " + thrown.getMessage());
    }

    // ---- reading and writing --------------------------------------------------------------------

    @Test
    void writeThenReadBackAtOffsets() throws IOException {
        Path path = dir.resolve("positional.txt");
        FileHandle file = openOk(null, path, READ_WRITE_CREATE, Permissions.DEFAULT_FILE);
        ByteBuffer out = ascii("hello world");

        Outcome write = write(file, 0, out, true);

        write.assertSucceeded(OperationKind.WRITE);
        assertEquals(11, write.bytes());
        assertEquals(out.limit(), out.position(), "a write consumes its buffer up to the limit");
        assertEquals("hello world", Files.readString(path));

        ByteBuffer in = ByteBuffer.allocate(5);
        Outcome read = read(file, 6, in, false);

        read.assertSucceeded(OperationKind.READ);
        assertEquals(5, read.bytes());
        assertEquals(5, in.position(), "a read advances the buffer's position by what it read");
        assertEquals("world", new String(filled(in), StandardCharsets.US_ASCII));
    }

    @Test
    void writePastTheEndExtendsTheFileWithZeros() throws IOException {
        Path path = dir.resolve("sparse.bin");
        FileHandle file = openOk(null, path, CREATE, Permissions.DEFAULT_FILE);

        write(file, 10, ascii("tail"), true).assertSucceeded(OperationKind.WRITE);

        byte[] expected = new byte[14];
        System.arraycopy("tail".getBytes(StandardCharsets.US_ASCII), 0, expected, 10, 4);
        assertArrayEquals(expected, Files.readAllBytes(path));
    }

    @Test
    void writeAllWritesAFourMebibyteBuffer() throws IOException {
        Path path = dir.resolve("large-out.bin");
        FileHandle file = openOk(null, path, CREATE, Permissions.DEFAULT_FILE);
        byte[] data = random(FOUR_MIB);
        ByteBuffer out = ByteBuffer.allocateDirect(FOUR_MIB).put(data).flip();

        Outcome write = write(file, 0, out, true);

        write.assertSucceeded(OperationKind.WRITE);
        assertEquals(FOUR_MIB, write.bytes());
        assertFalse(out.hasRemaining(), "write with all must consume the whole buffer");
        assertArrayEquals(data, Files.readAllBytes(path));
    }

    @Test
    void readAllFillsAFourMebibyteBuffer() throws IOException {
        byte[] data = random(FOUR_MIB);
        Path path = Files.write(dir.resolve("large-in.bin"), data);
        FileHandle file = openOk(null, path, READ, Permissions.DEFAULT_FILE);
        ByteBuffer in = ByteBuffer.allocate(FOUR_MIB);

        Outcome read = read(file, 0, in, true);

        read.assertSucceeded(OperationKind.READ);
        assertEquals(FOUR_MIB, read.bytes());
        assertFalse(in.hasRemaining());
        assertArrayEquals(data, in.array());
    }

    @Test
    void readAllIntoABufferLargerThanTheFileIsEofWithTheBytesRead() throws IOException {
        byte[] data = random(1000);
        Path path = Files.write(dir.resolve("short.bin"), data);
        FileHandle file = openOk(null, path, READ, Permissions.DEFAULT_FILE);
        ByteBuffer in = ByteBuffer.allocate(4096);

        Outcome read = read(file, 0, in, true);

        read.assertFailedWith(ReadError.EOF);
        assertEquals(1000, read.bytes(), "the count of a read cut short by EOF is what it read");
        assertEquals(1000, in.position());
        assertArrayEquals(data, filled(in));
    }

    @Test
    void readWithoutAllIntoALargerBufferReadsWhatIsThere() throws IOException {
        byte[] data = random(1000);
        Path path = Files.write(dir.resolve("once.bin"), data);
        FileHandle file = openOk(null, path, READ, Permissions.DEFAULT_FILE);
        ByteBuffer in = ByteBuffer.allocate(4096);

        Outcome read = read(file, 0, in, false);

        read.assertSucceeded(OperationKind.READ);
        assertTrue(read.bytes() > 0 && read.bytes() <= 1000, "read " + read.bytes() + " bytes");
        assertEquals(read.bytes(), in.position());
        assertArrayEquals(Arrays.copyOf(data, (int) read.bytes()), filled(in));
    }

    @Test
    void readAtTheEndOfTheFileIsEof() throws IOException {
        Path path = Files.write(dir.resolve("ten.bin"), random(10));
        FileHandle file = openOk(null, path, READ, Permissions.DEFAULT_FILE);
        ByteBuffer in = ByteBuffer.allocate(16);

        Outcome read = read(file, 10, in, false);

        read.assertFailedWith(ReadError.EOF);
        assertEquals(0, read.bytes());
        assertEquals(0, in.position());
    }

    @Test
    void readPastTheEndOfTheFileIsEofWithAndWithoutAll() throws IOException {
        Path path = Files.write(dir.resolve("past.bin"), random(10));
        FileHandle file = openOk(null, path, READ, Permissions.DEFAULT_FILE);

        read(file, 1000, ByteBuffer.allocate(16), false).assertFailedWith(ReadError.EOF);
        read(file, 1000, ByteBuffer.allocate(16), true).assertFailedWith(ReadError.EOF);
    }

    @Test
    void readOfAnEmptyFileIsEof() throws IOException {
        Path path = Files.createFile(dir.resolve("empty.bin"));
        FileHandle file = openOk(null, path, READ, Permissions.DEFAULT_FILE);

        Outcome read = read(file, 0, ByteBuffer.allocate(16), false);

        read.assertFailedWith(ReadError.EOF);
        assertEquals(0, read.bytes());
    }

    @Test
    void readFillsFromTheBufferPositionAndKeepsItsLimit() throws IOException {
        Path path = Files.writeString(dir.resolve("window.txt"), "0123456789");
        FileHandle file = openOk(null, path, READ, Permissions.DEFAULT_FILE);
        ByteBuffer in = ByteBuffer.allocate(16);
        in.put("ab".getBytes(StandardCharsets.US_ASCII)).limit(7);

        Outcome read = read(file, 3, in, true);

        read.assertSucceeded(OperationKind.READ);
        assertEquals(5, read.bytes(), "with all, a read fills exactly the space between position and limit");
        assertEquals(7, in.position());
        assertEquals(7, in.limit(), "a read must not move the limit");
        assertEquals("ab34567", new String(filled(in), StandardCharsets.US_ASCII));
    }

    @Test
    void writeConsumesFromThePositionToTheLimit() throws IOException {
        Path path = dir.resolve("slice.txt");
        FileHandle file = openOk(null, path, CREATE, Permissions.DEFAULT_FILE);
        ByteBuffer out = ascii("0123456789");
        out.position(2).limit(6);

        Outcome write = write(file, 0, out, true);

        write.assertSucceeded(OperationKind.WRITE);
        assertEquals(4, write.bytes());
        assertEquals(6, out.position());
        assertEquals(6, out.limit());
        assertEquals("2345", Files.readString(path));
    }

    @Test
    void writeWithoutAllReportsWhatItWrote() throws IOException {
        Path path = dir.resolve("once-out.bin");
        FileHandle file = openOk(null, path, CREATE, Permissions.DEFAULT_FILE);
        byte[] data = random(64 * 1024);
        ByteBuffer out = ByteBuffer.wrap(data);

        Outcome write = write(file, 0, out, false);

        write.assertSucceeded(OperationKind.WRITE);
        assertTrue(write.bytes() > 0 && write.bytes() <= data.length, "wrote " + write.bytes() + " bytes");
        assertEquals(write.bytes(), out.position());
        assertArrayEquals(Arrays.copyOf(data, (int) write.bytes()), Files.readAllBytes(path));
    }

    @Test
    void positionalReadsOnOneFileMayRunAtOnce() throws IOException {
        int chunk = 4096;
        int chunks = 16;
        byte[] data = random(chunk * chunks);
        Path path = Files.write(dir.resolve("concurrent-in.bin"), data);
        FileHandle file = openOk(null, path, READ, Permissions.DEFAULT_FILE);
        ByteBuffer[] buffers = new ByteBuffer[chunks];
        List<Recorder<Outcome>> reads = new ArrayList<>();

        // Started from the last chunk to the first, so an implementation using one file position would mix them up.
        for (int i = chunks - 1; i >= 0; i--) {
            buffers[i] = ByteBuffer.allocate(chunk);
            reads.addFirst(Recorder.outcomes());
            loop.read(file, (long) i * chunk, buffers[i], true, null, reads.getFirst());
        }
        assertEquals(chunks, loop.numWaiting());
        runToCompletion();

        for (int i = 0; i < chunks; i++) {
            reads.get(i).only().assertSucceeded(OperationKind.READ);
            assertArrayEquals(Arrays.copyOfRange(data, i * chunk, (i + 1) * chunk), buffers[i].array(), "chunk " + i);
        }
    }

    @Test
    void positionalWritesOnOneFileMayRunAtOnce() throws IOException {
        int chunk = 4096;
        int chunks = 16;
        byte[] data = random(chunk * chunks);
        Path path = dir.resolve("concurrent-out.bin");
        FileHandle file = openOk(null, path, CREATE, Permissions.DEFAULT_FILE);
        List<Recorder<Outcome>> writes = new ArrayList<>();

        for (int i = chunks - 1; i >= 0; i--) {
            Recorder<Outcome> write = Recorder.outcomes();
            writes.add(write);
            loop.write(file, (long) i * chunk, ByteBuffer.wrap(data, i * chunk, chunk), true, null, write);
        }
        runToCompletion();

        for (Recorder<Outcome> write : writes) {
            write.only().assertSucceeded(OperationKind.WRITE);
            assertEquals(chunk, write.only().bytes());
        }
        assertArrayEquals(data, Files.readAllBytes(path));
    }

    @Test
    void buffersAndOffsetsThatCannotWorkAreRefused() throws IOException {
        Path path = Files.writeString(dir.resolve("refusals.txt"), "data");
        FileHandle file = openOk(null, path, EnumSet.of(FileFlag.READ, FileFlag.WRITE), Permissions.DEFAULT_FILE);
        ByteBuffer full = ByteBuffer.allocate(4).position(4);

        assertThrows(IllegalArgumentException.class, () -> loop.prepRead(file, 0, full, false, null, op -> { }),
                "read into a full buffer");
        assertThrows(IllegalArgumentException.class,
                () -> loop.prepRead(file, 0, ByteBuffer.allocate(4).asReadOnlyBuffer(), false, null, op -> { }),
                "read into a read-only buffer");
        assertThrows(IllegalArgumentException.class, () -> loop.prepRead(file, -1, ByteBuffer.allocate(4), false, null, op -> { }),
                "read at a negative offset");
        assertThrows(IllegalArgumentException.class, () -> loop.prepWrite(file, 0, ByteBuffer.allocate(0), true, null, op -> { }),
                "write of an empty buffer");
        assertThrows(IllegalArgumentException.class, () -> loop.prepWrite(file, -1, ascii("x"), true, null, op -> { }),
                "write at a negative offset");

        assertEquals(0, loop.numWaiting());
        assertEquals("data", Files.readString(path));
    }

    @Test
    void aReadAndAWriteWhoseTimeoutIsNotReachedSucceedOnce() throws IOException {
        Path path = Files.writeString(dir.resolve("timely.txt"), "in time");
        FileHandle file = openOk(null, path, EnumSet.of(FileFlag.READ, FileFlag.WRITE), Permissions.DEFAULT_FILE);
        Duration timeout = Duration.ofMillis(100);
        Recorder<Outcome> read = Recorder.outcomes();
        Recorder<Outcome> write = Recorder.outcomes();
        ByteBuffer in = ByteBuffer.allocate(7);

        loop.read(file, 0, in, true, timeout, read);
        loop.write(file, 7, ascii("!"), true, timeout, write);
        tickUntil(() -> read.called() && write.called());
        // Tick on past the timeouts: they must not fire for operations that already completed.
        Recorder<Outcome> later = Recorder.outcomes();
        loop.timeout(timeout.multipliedBy(2), later);
        tickUntil(later::called);
        runToCompletion();

        read.only().assertSucceeded(OperationKind.READ);
        write.only().assertSucceeded(OperationKind.WRITE);
        assertEquals("in time", new String(filled(in), StandardCharsets.US_ASCII));
        assertEquals("in time!", Files.readString(path));
    }

    // ---- stat --------------------------------------------------------------------------------

    @Test
    void statOfAFileGivesItsTypeAndSize() throws IOException {
        Path path = Files.write(dir.resolve("sized.bin"), random(12345));
        FileHandle file = openOk(null, path, READ, Permissions.DEFAULT_FILE);

        Outcome stat = stat(file);

        stat.assertSucceeded(OperationKind.STAT);
        assertEquals(FileType.REGULAR, stat.type());
        assertEquals(12345, stat.size());
    }

    @Test
    void statOfADirectoryGivesDirectory() throws IOException {
        Path sub = Files.createDirectory(dir.resolve("stat-dir"));
        FileHandle directory = keep(loop.openSync(null, sub, READ, Permissions.DEFAULT_DIRECTORY));

        Outcome stat = stat(directory);

        stat.assertSucceeded(OperationKind.STAT);
        assertEquals(FileType.DIRECTORY, stat.type());
    }

    @Test
    void statDescribesTheOpenFileNotWhatNowStandsAtItsPath() throws IOException {
        Path path = Files.write(dir.resolve("replaced"), random(10));
        FileHandle file = openOk(null, path, READ, Permissions.DEFAULT_FILE);
        Files.delete(path);
        Files.createDirectory(path);

        Outcome stat = stat(file);

        stat.assertSucceeded(OperationKind.STAT);
        assertEquals(FileType.REGULAR, stat.type(), "stat must describe the open file (like fstat), not the new directory");
        assertEquals(10, stat.size());
    }

    @Test
    void readOfADirectoryHandleIsIsDirectory() throws IOException {
        Path sub = Files.createDirectory(dir.resolve("read-dir"));
        FileHandle directory = keep(loop.openSync(null, sub, READ, Permissions.DEFAULT_DIRECTORY));
        ByteBuffer buffer = ByteBuffer.allocate(16);

        Outcome read = read(directory, 0, buffer, false);

        read.assertFailedWith(ReadError.IS_DIRECTORY);
        assertEquals(0, buffer.position());
    }

    @Test
    void statSeesTheSizeAWriteLeft() throws IOException {
        Path path = dir.resolve("growing.bin");
        FileHandle file = openOk(null, path, CREATE, Permissions.DEFAULT_FILE);
        stat(file).assertSucceeded(OperationKind.STAT);

        write(file, 0, ByteBuffer.wrap(random(777)), true).assertSucceeded(OperationKind.WRITE);
        Outcome stat = stat(file);

        stat.assertSucceeded(OperationKind.STAT);
        assertEquals(777, stat.size());
    }

    // ---- attachments ---------------------------------------------------------------------------

    @Test
    void theAttachmentFormsHandOverTheirAttachment() throws IOException {
        Path path = dir.resolve("attached.txt");
        Object openTag = new Object();
        Object writeTag = new Object();
        Object readTag = new Object();
        Object statTag = new Object();

        Recorder<Outcome> open = Recorder.outcomes();
        loop.open(null, path, READ_WRITE_CREATE, Permissions.DEFAULT_FILE, openTag, open.attachmentCallback());
        Outcome opened = finish(open);
        opened.assertSucceeded(OperationKind.OPEN);
        FileHandle file = keep(opened.file());

        Recorder<Outcome> write = Recorder.outcomes();
        loop.write(file, 0, ascii("tagged"), writeTag, write.attachmentCallback());
        finish(write);
        Recorder<Outcome> read = Recorder.outcomes();
        ByteBuffer in = ByteBuffer.allocate(6);
        loop.read(file, 0, in, readTag, read.attachmentCallback());
        finish(read);
        Recorder<Outcome> stat = Recorder.outcomes();
        loop.stat(file, statTag, stat.attachmentCallback());
        finish(stat);

        write.only().assertSucceeded(OperationKind.WRITE);
        read.only().assertSucceeded(OperationKind.READ);
        stat.only().assertSucceeded(OperationKind.STAT);
        assertAttachment(openTag, opened);
        assertAttachment(writeTag, write.only());
        assertAttachment(readTag, read.only());
        assertAttachment(statTag, stat.only());
        assertEquals(6, write.only().bytes(), "the attachment form of write writes the whole buffer");
        assertEquals("tagged", new String(filled(in), StandardCharsets.US_ASCII));
        assertEquals(6, stat.only().size());
    }

    @Test
    void theAttachmentFormsWithEveryOptionHandOverTheirAttachment() throws IOException {
        Path path = Files.writeString(dir.resolve("options.txt"), "12345678");
        FileHandle file = openOk(null, path, EnumSet.of(FileFlag.READ, FileFlag.WRITE), Permissions.DEFAULT_FILE);
        Object readTag = "read tag";
        Object writeTag = "write tag";

        Recorder<Outcome> read = Recorder.outcomes();
        ByteBuffer in = ByteBuffer.allocate(4);
        loop.read(file, 4, in, true, Duration.ofMillis(200), readTag, read.attachmentCallback());
        Recorder<Outcome> write = Recorder.outcomes();
        loop.write(file, 0, ascii("ab"), true, Duration.ofMillis(200), writeTag, write.attachmentCallback());
        runToCompletion();

        read.only().assertSucceeded(OperationKind.READ);
        write.only().assertSucceeded(OperationKind.WRITE);
        assertAttachment(readTag, read.only());
        assertAttachment(writeTag, write.only());
        assertEquals("5678", new String(filled(in), StandardCharsets.US_ASCII));
        assertEquals("ab345678", Files.readString(path));
    }

    @Test
    void preparedFileOperationsTakeAnAttachmentBeforeTheyRun() throws IOException {
        Path path = Files.writeString(dir.resolve("prepared.txt"), "prep");
        FileHandle file = openOk(null, path, READ, Permissions.DEFAULT_FILE);
        Recorder<Outcome> stat = Recorder.outcomes();
        Object tag = new Object();

        loop.exec(loop.prepStat(file, op -> { }).withAttachment(tag, stat.attachmentCallback()));
        Outcome stated = finish(stat);

        stated.assertSucceeded(OperationKind.STAT);
        assertAttachment(tag, stated);
        assertEquals(4, stated.size());
    }

    // ---- helpers -------------------------------------------------------------------------------

    private static void assertAttachment(Object expected, Outcome outcome) {
        assertSame(expected, outcome.handedAttachment(), "the callback was not handed the attachment");
        assertSame(expected, outcome.attachment(), "Operation.attachment() does not return the attachment");
    }

    private FileHandle keep(FileHandle file) {
        return handles.track(file);
    }

    /** Ticks until the callback ran and no operation is left waiting, so a second callback would show up. */
    private Outcome finish(Recorder<Outcome> recorder) {
        return FileSuiteSupport.finish(loop, recorder);
    }

    private Outcome open(FileHandle directory, Path path, Set<FileFlag> flags) {
        Recorder<Outcome> open = Recorder.outcomes();
        loop.open(directory, path, flags, Permissions.DEFAULT_FILE, open);
        assertFalse(open.called(), "the open's callback ran synchronously");
        Outcome opened = finish(open);
        keep(opened.file());
        return opened;
    }

    private FileHandle openOk(FileHandle directory, Path path, Set<FileFlag> flags, int permissions) {
        return keep(FileSuiteSupport.openOk(loop, directory, path, flags, permissions));
    }

    private Outcome read(FileHandle file, long offset, ByteBuffer buffer, boolean all) {
        Recorder<Outcome> read = Recorder.outcomes();
        loop.read(file, offset, buffer, all, null, read);
        assertFalse(read.called(), "the read's callback ran synchronously");
        return finish(read);
    }

    private Outcome write(FileHandle file, long offset, ByteBuffer buffer, boolean all) {
        Recorder<Outcome> write = Recorder.outcomes();
        loop.write(file, offset, buffer, all, null, write);
        assertFalse(write.called(), "the write's callback ran synchronously");
        return finish(write);
    }

    private Outcome stat(FileHandle file) {
        Recorder<Outcome> stat = Recorder.outcomes();
        loop.stat(file, stat);
        assertFalse(stat.called(), "the stat's callback ran synchronously");
        return finish(stat);
    }

    /** A path and flags the operating system refuses this process, as the JDK itself confirms. */
    private record DeniedOpen(Path path, Set<FileFlag> flags) {
    }

    /**
     * Finds something this process may not open. A file of mode 000 does it for an ordinary
     * user; root passes permission bits, but the kernel still refuses to open a read-only
     * sysfs attribute for writing. Each candidate is first tried with the JDK, so the test
     * only states that nbio names the refusal the system made.
     */
    private DeniedOpen somethingThisProcessMayNotOpen() throws IOException {
        Path locked = Files.writeString(dir.resolve("locked.txt"), "no access");
        if (FileSuiteSupport.posix()) {
            Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("---------"));
            if (deniedByTheSystem(locked, StandardOpenOption.READ)) {
                return new DeniedOpen(locked, READ);
            }
        }
        Path readOnlyAttribute = Path.of("/sys/kernel/uevent_seqnum");
        if (Files.exists(readOnlyAttribute) && deniedByTheSystem(readOnlyAttribute, StandardOpenOption.WRITE)) {
            return new DeniedOpen(readOnlyAttribute, WRITE);
        }
        Assumptions.abort("this process (user " + System.getProperty("user.name")
                + ") is allowed to open everything tried, so a refusal cannot be shown here");
        throw new AssertionError("unreachable");
    }

    private static boolean deniedByTheSystem(Path path, OpenOption option) {
        try {
            FileChannel.open(path, option).close();
            return false;
        } catch (AccessDeniedException denied) {
            return true;
        } catch (IOException otherwise) {
            return false;
        }
    }
}
