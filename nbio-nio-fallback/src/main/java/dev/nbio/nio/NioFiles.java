package dev.nbio.nio;

import dev.nbio.FileFlag;
import dev.nbio.FileHandle;
import dev.nbio.FileType;
import dev.nbio.Permissions;
import dev.nbio.internal.Transfers;
import dev.nbio.spi.Handle;
import dev.nbio.spi.OperationExtras;
import dev.nbio.spi.OperationRecord;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * File operations for the NIO backend. The JDK has no non-blocking file I/O, so open, stat,
 * read and write run on a small shared pool of daemon threads and hand the finished record
 * back to the loop through its completion queue.
 */
final class NioFiles {
    private static final int THREADS = Math.max(2, Math.min(8, Runtime.getRuntime().availableProcessors()));
    private static final AtomicInteger THREAD_NUMBER = new AtomicInteger();
    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

    /** Shared by every loop: blocking file calls are short, and a few threads keep a disk busy. */
    static final ExecutorService POOL = Executors.newFixedThreadPool(THREADS, task -> {
        Thread thread = new Thread(task, "nbio-nio-file-" + THREAD_NUMBER.incrementAndGet());
        thread.setDaemon(true);
        return thread;
    });

    private NioFiles() {
    }

    /** Runs one file operation to its end on the calling (worker) thread; failures are recorded on it. */
    static void run(OperationRecord op) {
        try {
            switch (op.kind) {
                case OPEN -> {
                    OperationExtras x = op.extras();
                    Handle dir = x.directory == null ? null : x.directory.handle();
                    x.result = new FileHandle(op.loop, open(dir, x.path, x.flags, x.permissions));
                }
                case READ -> read(op);
                case WRITE -> write(op);
                case STAT -> stat(op);
                default -> throw new IllegalStateException("not a file operation: " + op.kind);
            }
        } catch (IOException | RuntimeException e) {
            NioFailures.fail(op, e);
        }
    }

    static NioFileHandle open(Handle dir, Path path, Set<FileFlag> flags, int permissions) throws IOException {
        Path resolved = path;
        if (dir != null && !path.isAbsolute()) {
            Path base = dir.path();
            if (base == null) {
                throw new IOException("the directory handle has no known path to resolve " + path + " against");
            }
            resolved = base.resolve(path);
        }
        // The JDK refuses APPEND with READ or TRUNCATE, which the OS allows: those open without
        // APPEND and append by hand.
        boolean appendByHand = flags.contains(FileFlag.APPEND)
                && (flags.contains(FileFlag.READ) || flags.contains(FileFlag.TRUNCATE));
        Set<OpenOption> options = options(flags, appendByHand);
        boolean creates = options.contains(StandardOpenOption.CREATE) || options.contains(StandardOpenOption.CREATE_NEW);
        FileChannel channel = creates && POSIX
                ? FileChannel.open(resolved, options, posix(permissions))
                : FileChannel.open(resolved, options);
        try {
            return new NioFileHandle(channel, resolved, typeOf(resolved), appendByHand);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** The type of what was just opened; read once, since an open file's type never changes. */
    private static FileType typeOf(Path path) throws IOException {
        BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
        return attributes.isRegularFile() ? FileType.REGULAR
                : attributes.isDirectory() ? FileType.DIRECTORY
                : FileType.OTHER;
    }

    private static FileAttribute<?>[] posix(int permissions) {
        return new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(Permissions.toPosix(permissions))};
    }

    private static Set<OpenOption> options(Set<FileFlag> flags, boolean appendByHand) {
        Set<OpenOption> options = new java.util.HashSet<>();
        for (FileFlag flag : flags) {
            options.add(switch (flag) {
                case READ -> StandardOpenOption.READ;
                case WRITE -> StandardOpenOption.WRITE;
                case APPEND -> appendByHand ? StandardOpenOption.WRITE : StandardOpenOption.APPEND;
                case CREATE -> flags.contains(FileFlag.EXCLUSIVE) ? StandardOpenOption.CREATE_NEW : StandardOpenOption.CREATE;
                case EXCLUSIVE -> StandardOpenOption.CREATE_NEW;
                case TRUNCATE -> StandardOpenOption.TRUNCATE_EXISTING;
                case SYNC -> StandardOpenOption.SYNC;
            });
        }
        return options;
    }

    private static void read(OperationRecord op) throws IOException {
        FileChannel channel = channel(op);
        ByteBuffer buffer = op.buffers[0];
        long offset = op.extras().offset;
        long bytes;
        do {
            int read = channel.read(buffer, offset + op.transferred);
            bytes = Math.max(read, 0);
        } while (!Transfers.advance(op, bytes));
    }

    private static void write(OperationRecord op) throws IOException {
        NioFileHandle file = (NioFileHandle) op.handle.handle();
        if (file.appendByHand) {
            // Finding the end and writing there must not interleave with another worker's append.
            synchronized (file) {
                writeAll(file, op);
            }
        } else {
            writeAll(file, op);
        }
    }

    private static void writeAll(NioFileHandle file, OperationRecord op) throws IOException {
        FileChannel channel = file.channel;
        ByteBuffer buffer = op.buffers[0];
        long offset = op.extras().offset;
        do {
            // Like O_APPEND on Linux: an appending file takes every write at its end, whatever the offset.
            long position = file.appendByHand ? channel.size() : offset + op.transferred;
            int written = channel.write(buffer, position);
            if (written == 0 && buffer.hasRemaining()) {
                throw new IOException("No space left on device (a write made no progress)");
            }
            if (Transfers.advance(op, written)) {
                return;
            }
        } while (true);
    }

    /** Like fstat: describes the open file, not whatever its path names now. */
    private static void stat(OperationRecord op) throws IOException {
        NioFileHandle file = (NioFileHandle) op.handle.handle();
        if (!file.channel.isOpen()) {
            throw new java.nio.channels.ClosedChannelException();
        }
        OperationExtras x = op.extras();
        x.fileType = file.type;
        x.fileSize = file.type == FileType.REGULAR ? file.channel.size() : 0;
    }

    private static FileChannel channel(OperationRecord op) {
        return ((NioFileHandle) op.handle.handle()).channel;
    }

    static Set<FileFlag> readOnly() {
        return EnumSet.of(FileFlag.READ);
    }
}
