package dev.nbio.internal;

import dev.nbio.EntireFileCallback;
import dev.nbio.EventLoop;
import dev.nbio.FileFlag;
import dev.nbio.FileHandle;
import dev.nbio.FileType;
import dev.nbio.Operation;
import dev.nbio.OperationKind;
import dev.nbio.Permissions;
import dev.nbio.ReadError;
import dev.nbio.ReadEntireFileError;
import dev.nbio.StatError;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.EnumSet;

/**
 * {@code readEntireFile} as a chain of ordinary operations (open, stat, read with
 * {@code all}, close), so it works the same on every backend.
 *
 * @param <T> the attachment type
 */
final class EntireFileRead<T> {
    private static final int MAX_SIZE = Integer.MAX_VALUE - 8;

    private final EventLoop loop;
    private final T attachment;
    private final EntireFileCallback<? super T> callback;
    private FileHandle file;
    private ByteBuffer contents;

    EntireFileRead(EventLoop loop, T attachment, EntireFileCallback<? super T> callback) {
        this.loop = loop;
        this.attachment = attachment;
        this.callback = java.util.Objects.requireNonNull(callback, "callback");
    }

    void start(FileHandle dir, Path path) {
        loop.open(dir, path, EnumSet.of(FileFlag.READ), Permissions.DEFAULT_FILE, this, EntireFileRead::onOpen);
    }

    private static void onOpen(Operation op, EntireFileRead<?> read) {
        if (op.failed()) {
            read.fail(op, OperationKind.OPEN);
            return;
        }
        read.file = op.open().file();
        read.loop.stat(read.file, read, EntireFileRead::onStat);
    }

    private static void onStat(Operation op, EntireFileRead<?> read) {
        if (op.failed()) {
            read.fail(op, OperationKind.STAT);
        } else if (op.stat().type() == FileType.DIRECTORY) {
            read.fail(new ReadEntireFileError(OperationKind.READ, ReadError.IS_DIRECTORY, 0, null));
        } else if (op.stat().size() > MAX_SIZE) {
            read.fail(new ReadEntireFileError(OperationKind.STAT, StatError.UNEXPECTED, 0,
                    new IOException("file of " + op.stat().size() + " bytes is too large for one buffer")));
        } else if (op.stat().size() == 0) {
            read.succeed(ByteBuffer.allocate(0));
        } else {
            read.contents = ByteBuffer.allocate((int) op.stat().size());
            read.loop.read(read.file, 0, read.contents, true, null, read, EntireFileRead::onRead);
        }
    }

    private static void onRead(Operation op, EntireFileRead<?> read) {
        if (op.failed()) {
            read.fail(op, OperationKind.READ);
        } else {
            read.succeed(read.contents.flip());
        }
    }

    private void succeed(ByteBuffer data) {
        loop.close(file);
        callback.onFile(attachment, data, null);
    }

    private void fail(Operation op, OperationKind step) {
        fail(new ReadEntireFileError(step, op.error(), op.errno(), op.cause()));
    }

    private void fail(ReadEntireFileError error) {
        if (file != null) {
            loop.close(file);
        }
        callback.onFile(attachment, null, error);
    }
}
