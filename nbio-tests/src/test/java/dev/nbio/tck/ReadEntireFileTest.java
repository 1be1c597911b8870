package dev.nbio.tck;

import static dev.nbio.tck.Bytes.random;
import static dev.nbio.tck.FileSuiteSupport.descriptorsOn;
import static dev.nbio.tck.FileSuiteSupport.real;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.nbio.EntireFileCallback;
import dev.nbio.FileHandle;
import dev.nbio.OpenError;
import dev.nbio.OperationKind;
import dev.nbio.ReadEntireFileError;
import dev.nbio.ReadError;
import dev.nbio.StatError;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code readEntireFile}: whole contents of small, empty and large files; named failures; the attachment; no file left open. */
@ParameterizedClass(name = "{0}")
@MethodSource("dev.nbio.tck.Backends#names")
class ReadEntireFileTest extends LoopTest {
    @TempDir
    Path dir;

    /** What the callback of one {@code readEntireFile} saw. */
    private static final class Result implements EntireFileCallback<Object> {
        int calls;
        Object attachment;
        byte[] contents;
        int position;
        int limit;
        ReadEntireFileError error;

        @Override
        public void onFile(Object given, ByteBuffer data, ReadEntireFileError failure) {
            calls++;
            attachment = given;
            error = failure;
            if (data != null) {
                position = data.position();
                limit = data.limit();
                contents = new byte[data.remaining()];
                data.duplicate().get(contents);
            }
        }

        boolean done() {
            return calls > 0;
        }
    }

    @Test
    void aSmallFileIsReadWhole() throws IOException {
        byte[] data = "a small file\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        Path path = Files.write(dir.resolve("small.txt"), data);

        Result result = readWhole(null, path, "small");

        assertRead(data, result, path);
        assertEquals("small", result.attachment);
    }

    @Test
    void anEmptyFileIsReadAsEmptyContents() throws IOException {
        Path path = Files.createFile(dir.resolve("empty.txt"));

        Result result = readWhole(null, path, "empty");

        assertRead(new byte[0], result, path);
        assertEquals("empty", result.attachment);
    }

    @Test
    void aThreeMebibyteFileIsReadWhole() throws IOException {
        byte[] data = random(3 << 20);
        Path path = Files.write(dir.resolve("large.bin"), data);

        Result result = readWhole(null, path, "large");

        assertRead(data, result, path);
        assertEquals("large", result.attachment);
    }

    @Test
    void aFileIsFoundRelativeToADirectoryHandle() throws IOException {
        Path sub = Files.createDirectory(dir.resolve("sub"));
        byte[] data = random(1000);
        Files.write(sub.resolve("inside.bin"), data);
        FileHandle directory = loop.openSync(sub);
        try {
            Result result = readWhole(directory, Path.of("inside.bin"), "relative");

            assertRead(data, result, sub.resolve("inside.bin"));
        } finally {
            directory.handle().close();
        }
    }

    @Test
    void theShortFormReadsRelativeToTheWorkingDirectory() throws IOException {
        byte[] data = random(321);
        Path target = Files.write(dir.resolve("cwd.bin"), data);
        Path relative = Path.of("").toAbsolutePath().relativize(target);
        Result result = new Result();

        loop.readEntireFile(relative, "cwd", result);
        tickUntil(result::done);
        runToCompletion();

        assertRead(data, result, target);
        assertEquals("cwd", result.attachment);
    }

    @Test
    void aMissingFileFailsAtOpenWithNotFound() {
        Path missing = dir.resolve("missing.txt");
        Object tag = new Object();

        Result result = readWhole(null, missing, tag);

        assertEquals(1, result.calls);
        assertSame(tag, result.attachment, "a failure hands over the attachment too");
        assertNull(result.contents, "a failure has no contents");
        assertNotNull(result.error, "a missing file must fail");
        assertEquals(OperationKind.OPEN, result.error.failedAt());
        assertEquals(OpenError.NOT_FOUND, result.error.error());
    }

    @Test
    void aDirectoryFailsWithIsDirectory() throws IOException {
        Path sub = Files.createDirectory(dir.resolve("a-directory"));

        Result result = readWhole(null, sub, "directory");

        assertEquals(1, result.calls);
        assertNull(result.contents);
        assertNotNull(result.error, "reading a directory as a whole file must fail");
        assertEquals("IS_DIRECTORY", result.error.error().name(), () -> "failed with " + result.error);
        assertErrorMatchesItsStep(result.error);
        assertEquals(0, descriptorsOn(real(sub)), "the directory was left open");
    }

    @Test
    void theCallbackIsNeverRunSynchronously() throws IOException {
        Path path = Files.write(dir.resolve("later.txt"), random(10));
        Result found = new Result();
        Result missing = new Result();

        loop.readEntireFile(path, "found", found);
        loop.readEntireFile(dir.resolve("nothing-here"), "missing", missing);

        assertFalse(found.done(), "the callback ran inside readEntireFile");
        assertFalse(missing.done(), "the failure callback ran inside readEntireFile");
        tickUntil(() -> found.done() && missing.done());
        runToCompletion();
        assertEquals(1, found.calls);
        assertEquals(1, missing.calls);
    }

    @Test
    void manyFilesCanBeReadAtOnce() throws IOException {
        int files = 8;
        byte[][] data = new byte[files][];
        Result[] results = new Result[files];
        for (int i = 0; i < files; i++) {
            data[i] = random(1000 * (i + 1));
            Path path = Files.write(dir.resolve("many-" + i + ".bin"), data[i]);
            results[i] = new Result();
            loop.readEntireFile(path, i, results[i]);
        }
        runToCompletion();

        for (int i = 0; i < files; i++) {
            assertEquals(1, results[i].calls, "file " + i);
            assertEquals(i, results[i].attachment);
            assertNull(results[i].error, "file " + i);
            assertArrayEquals(data[i], results[i].contents, "file " + i);
        }
    }

    private Result readWhole(FileHandle directory, Path path, Object attachment) {
        Result result = new Result();
        loop.readEntireFile(directory, path, attachment, result);
        tickUntil(result::done);
        runToCompletion();
        return result;
    }

    /** Asserts a successful read: one call, the attachment, the exact bytes, no file left open. */
    private static void assertRead(byte[] expected, Result result, Path file) {
        assertEquals(1, result.calls, "the callback must run exactly once");
        assertNull(result.error, () -> "failed: " + result.error);
        assertNotNull(result.contents, "a success has contents");
        assertEquals(0, result.position, "the contents start at position 0");
        assertEquals(expected.length, result.limit, "the contents' limit is the file's size");
        assertArrayEquals(expected, result.contents);
        assertEquals(0, descriptorsOn(real(file)), "the file was left open");
    }

    /** The named error belongs to the step that failed: an open fails with an OpenError, and so on. */
    private static void assertErrorMatchesItsStep(ReadEntireFileError error) {
        switch (error.failedAt()) {
            case OPEN -> assertInstanceOf(OpenError.class, error.error());
            case STAT -> assertInstanceOf(StatError.class, error.error());
            case READ -> assertInstanceOf(ReadError.class, error.error());
            default -> throw new AssertionError("readEntireFile has no step " + error.failedAt());
        }
    }
}
