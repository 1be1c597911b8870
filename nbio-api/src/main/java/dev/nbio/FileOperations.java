package dev.nbio;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;

/**
 * Files: open, positional read and write, stat, and reading a whole file. Part of
 * {@link EventLoop}. Reads and writes are positional (like {@code pread}/{@code pwrite}): they
 * name their offset and never use or move the file's own position, so several may run on
 * one file at once. Buffers follow NIO's conventions: a read fills from {@code position} and
 * advances it; a write consumes from {@code position} to {@code limit} and advances it.
 */
public interface FileOperations extends TimerOperations {
    /**
     * Prepares an open without executing it.
     *
     * @param dir         the directory a relative path starts from, or {@code null} for the working directory
     * @param path        the file's path
     * @param flags       how to open it; see {@link FileFlag}
     * @param permissions POSIX mode for a file that gets created, e.g. {@link Permissions#DEFAULT_FILE}
     * @param callback    called with the opened {@link FileHandle} in {@link Operation#open()}
     * @return the prepared operation
     * @throws IllegalArgumentException when the permissions hold bits outside {@code 0777}, or the flags
     *                                  hold {@code EXCLUSIVE} without {@code CREATE}
     */
    Operation prepOpen(FileHandle dir, Path path, Set<FileFlag> flags, int permissions, Callback callback);

    /**
     * Prepares a positional read without executing it.
     *
     * @param file     the file
     * @param offset   where in the file to read from
     * @param buffer   filled from its position; must have space remaining
     * @param all      keep reading until the buffer is full (or the file ends, with {@link ReadError#EOF})
     * @param timeout  fail with {@link ReadError#TIMEOUT} after this long, or {@code null} for none
     * @param callback called with {@link Operation#read()}
     * @return the prepared operation
     * @throws IllegalArgumentException when the buffer is full, read-only or the offset negative
     */
    Operation prepRead(FileHandle file, long offset, ByteBuffer buffer, boolean all, Duration timeout, Callback callback);

    /**
     * Prepares a positional write without executing it.
     *
     * @param file     the file
     * @param offset   where in the file to write to
     * @param buffer   consumed from position to limit; must not be empty
     * @param all      keep writing until the whole buffer is written
     * @param timeout  fail with {@link WriteError#TIMEOUT} after this long, or {@code null} for none
     * @param callback called with {@link Operation#write()}
     * @return the prepared operation
     * @throws IllegalArgumentException when the buffer is empty or the offset negative
     */
    Operation prepWrite(FileHandle file, long offset, ByteBuffer buffer, boolean all, Duration timeout, Callback callback);

    /**
     * Prepares a stat without executing it.
     *
     * @param file     the file
     * @param callback called with {@link Operation#stat()}
     * @return the prepared operation
     */
    Operation prepStat(FileHandle file, Callback callback);

    /**
     * Opens a file on the calling thread, blocking, and associates it with this loop.
     *
     * @param dir         the directory a relative path starts from, or {@code null} for the working directory
     * @param path        the file's path
     * @param flags       how to open it
     * @param permissions POSIX mode for a file that gets created
     * @return the open file
     * @throws IOException when the file cannot be opened; the message names the path and why
     */
    FileHandle openSync(FileHandle dir, Path path, Set<FileFlag> flags, int permissions) throws IOException;

    /**
     * Opens a file for reading on the calling thread, blocking.
     *
     * @param path the file's path
     * @return the open file
     * @throws IOException when the file cannot be opened
     */
    default FileHandle openSync(Path path) throws IOException {
        return openSync(null, path, EnumSet.of(FileFlag.READ), Permissions.DEFAULT_FILE);
    }

    /**
     * Reads a whole regular file: open, stat, read and close in one step.
     *
     * @param dir        the directory a relative path starts from, or {@code null} for the working directory
     * @param path       the file's path
     * @param attachment handed to the callback
     * @param callback   called once with the contents or the failed step
     * @param <T>        the attachment type
     */
    <T> void readEntireFile(FileHandle dir, Path path, T attachment, EntireFileCallback<? super T> callback);

    /**
     * Reads a whole regular file relative to the working directory.
     *
     * @param path       the file's path
     * @param attachment handed to the callback
     * @param callback   called once with the contents or the failed step
     * @param <T>        the attachment type
     */
    default <T> void readEntireFile(Path path, T attachment, EntireFileCallback<? super T> callback) {
        readEntireFile(null, path, attachment, callback);
    }

    /**
     * Opens a file for reading.
     *
     * @param path     the file's path
     * @param callback called with {@link Operation#open()}
     * @return the running operation
     */
    default Operation open(Path path, Callback callback) {
        return exec(prepOpen(null, path, EnumSet.of(FileFlag.READ), Permissions.DEFAULT_FILE, callback));
    }

    /**
     * Opens a file.
     *
     * @param dir         the directory a relative path starts from, or {@code null} for the working directory
     * @param path        the file's path
     * @param flags       how to open it
     * @param permissions POSIX mode for a file that gets created
     * @param callback    called with {@link Operation#open()}
     * @return the running operation
     */
    default Operation open(FileHandle dir, Path path, Set<FileFlag> flags, int permissions, Callback callback) {
        return exec(prepOpen(dir, path, flags, permissions, callback));
    }

    /**
     * Opens a file, handing over an attachment.
     *
     * @param dir         the directory a relative path starts from, or {@code null} for the working directory
     * @param path        the file's path
     * @param flags       how to open it
     * @param permissions POSIX mode for a file that gets created
     * @param attachment  handed to the callback
     * @param callback    called with {@link Operation#open()}
     * @param <T>         the attachment type
     * @return the running operation
     */
    default <T> Operation open(FileHandle dir, Path path, Set<FileFlag> flags, int permissions,
                               T attachment, AttachmentCallback<? super T> callback) {
        return exec(prepOpen(dir, path, flags, permissions, Defaults.IGNORE).withAttachment(attachment, callback));
    }

    /**
     * Reads from a file at an offset, once (not {@code all}).
     *
     * @param file     the file
     * @param offset   where to read from
     * @param buffer   filled from its position
     * @param callback called with {@link Operation#read()}
     * @return the running operation
     */
    default Operation read(FileHandle file, long offset, ByteBuffer buffer, Callback callback) {
        return exec(prepRead(file, offset, buffer, false, null, callback));
    }

    /**
     * Reads from a file at an offset, handing over an attachment.
     *
     * @param file       the file
     * @param offset     where to read from
     * @param buffer     filled from its position
     * @param attachment handed to the callback
     * @param callback   called with {@link Operation#read()}
     * @param <T>        the attachment type
     * @return the running operation
     */
    default <T> Operation read(FileHandle file, long offset, ByteBuffer buffer, T attachment,
                               AttachmentCallback<? super T> callback) {
        return exec(prepRead(file, offset, buffer, false, null, Defaults.IGNORE).withAttachment(attachment, callback));
    }

    /**
     * Reads from a file at an offset, with every option.
     *
     * @param file     the file
     * @param offset   where to read from
     * @param buffer   filled from its position
     * @param all      keep reading until the buffer is full
     * @param timeout  the timeout, or {@code null} for none
     * @param callback called with {@link Operation#read()}
     * @return the running operation
     */
    default Operation read(FileHandle file, long offset, ByteBuffer buffer, boolean all, Duration timeout,
                           Callback callback) {
        return exec(prepRead(file, offset, buffer, all, timeout, callback));
    }

    /**
     * Reads from a file at an offset, with every option and an attachment.
     *
     * @param file       the file
     * @param offset     where to read from
     * @param buffer     filled from its position
     * @param all        keep reading until the buffer is full
     * @param timeout    the timeout, or {@code null} for none
     * @param attachment handed to the callback
     * @param callback   called with {@link Operation#read()}
     * @param <T>        the attachment type
     * @return the running operation
     */
    default <T> Operation read(FileHandle file, long offset, ByteBuffer buffer, boolean all, Duration timeout,
                               T attachment, AttachmentCallback<? super T> callback) {
        return exec(prepRead(file, offset, buffer, all, timeout, Defaults.IGNORE).withAttachment(attachment, callback));
    }

    /**
     * Writes a whole buffer to a file at an offset ({@code all}).
     *
     * @param file     the file
     * @param offset   where to write to
     * @param buffer   consumed from position to limit
     * @param callback called with {@link Operation#write()}
     * @return the running operation
     */
    default Operation write(FileHandle file, long offset, ByteBuffer buffer, Callback callback) {
        return exec(prepWrite(file, offset, buffer, true, null, callback));
    }

    /**
     * Writes a whole buffer to a file at an offset, handing over an attachment.
     *
     * @param file       the file
     * @param offset     where to write to
     * @param buffer     consumed from position to limit
     * @param attachment handed to the callback
     * @param callback   called with {@link Operation#write()}
     * @param <T>        the attachment type
     * @return the running operation
     */
    default <T> Operation write(FileHandle file, long offset, ByteBuffer buffer, T attachment,
                                AttachmentCallback<? super T> callback) {
        return exec(prepWrite(file, offset, buffer, true, null, Defaults.IGNORE).withAttachment(attachment, callback));
    }

    /**
     * Writes to a file at an offset, with every option.
     *
     * @param file     the file
     * @param offset   where to write to
     * @param buffer   consumed from position to limit
     * @param all      keep writing until the whole buffer is written
     * @param timeout  the timeout, or {@code null} for none
     * @param callback called with {@link Operation#write()}
     * @return the running operation
     */
    default Operation write(FileHandle file, long offset, ByteBuffer buffer, boolean all, Duration timeout,
                            Callback callback) {
        return exec(prepWrite(file, offset, buffer, all, timeout, callback));
    }

    /**
     * Writes to a file at an offset, with every option and an attachment.
     *
     * @param file       the file
     * @param offset     where to write to
     * @param buffer     consumed from position to limit
     * @param all        keep writing until the whole buffer is written
     * @param timeout    the timeout, or {@code null} for none
     * @param attachment handed to the callback
     * @param callback   called with {@link Operation#write()}
     * @param <T>        the attachment type
     * @return the running operation
     */
    default <T> Operation write(FileHandle file, long offset, ByteBuffer buffer, boolean all, Duration timeout,
                                T attachment, AttachmentCallback<? super T> callback) {
        return exec(prepWrite(file, offset, buffer, all, timeout, Defaults.IGNORE).withAttachment(attachment, callback));
    }

    /**
     * Stats an open file: its type and size.
     *
     * @param file     the file
     * @param callback called with {@link Operation#stat()}
     * @return the running operation
     */
    default Operation stat(FileHandle file, Callback callback) {
        return exec(prepStat(file, callback));
    }

    /**
     * Stats an open file, handing over an attachment.
     *
     * @param file       the file
     * @param attachment handed to the callback
     * @param callback   called with {@link Operation#stat()}
     * @param <T>        the attachment type
     * @return the running operation
     */
    default <T> Operation stat(FileHandle file, T attachment, AttachmentCallback<? super T> callback) {
        return exec(prepStat(file, Defaults.IGNORE).withAttachment(attachment, callback));
    }
}
