package dev.nbio.bench.jmh;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * The files the file benchmarks read and send: made once (kept between runs in the
 * directory {@code -Dnbio.bench.dir}, by default {@code nbio-bench} under the temporary
 * directory) and read through once before each trial so they are in the page cache.
 *
 * <p>Every 4 KiB block starts with its own block number (a big-endian long), so a reader can
 * check it got the block it asked for; the rest of the block is a fixed non-zero pattern
 * (real data, not a sparse hole, which the kernel would serve without the page cache).
 */
final class BenchFiles {
    static final int BLOCK = 4096;
    private static final int CHUNK = 1 << 20;

    private BenchFiles() {
    }

    /**
     * The file of that many MiB, made if missing, then read through into the page cache.
     *
     * @param mebibytes its size in MiB
     * @return its path
     * @throws IOException when it cannot be made or read
     */
    static Path cached(int mebibytes) throws IOException {
        Path dir = Path.of(System.getProperty("nbio.bench.dir", Path.of(System.getProperty("java.io.tmpdir"), "nbio-bench").toString()));
        Files.createDirectories(dir);
        Path file = dir.resolve("blocks-" + mebibytes + "MiB.bin");
        long size = (long) mebibytes << 20;
        if (!isComplete(file, size)) {
            make(file, size);
        }
        readThrough(file);
        return file;
    }

    /** The block number a block's first bytes must hold. */
    static long blockAt(long offset) {
        return offset / BLOCK;
    }

    private static boolean isComplete(Path file, long size) throws IOException {
        if (!Files.isRegularFile(file) || Files.size(file) != size) {
            return false;
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer head = ByteBuffer.allocate(8);
            long last = size - BLOCK;
            channel.read(head, last);
            return head.getLong(0) == blockAt(last);
        }
    }

    private static void make(Path file, long size) throws IOException {
        Path partial = file.resolveSibling(file.getFileName() + ".partial");
        ByteBuffer chunk = ByteBuffer.allocateDirect(CHUNK);
        for (int i = 0; i < CHUNK; i++) {
            chunk.put(i, (byte) (i * 31 + 7));
        }
        try (FileChannel channel = FileChannel.open(partial, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            for (long at = 0; at < size; at += CHUNK) {
                for (int block = 0; block < CHUNK; block += BLOCK) {
                    chunk.putLong(block, blockAt(at + block));
                }
                chunk.clear();
                while (chunk.hasRemaining()) {
                    channel.write(chunk, at + chunk.position());
                }
            }
            channel.force(false);
        }
        Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static void readThrough(Path file) throws IOException {
        ByteBuffer chunk = ByteBuffer.allocateDirect(CHUNK);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long at = 0;
            int n;
            while ((n = channel.read(chunk.clear(), at)) > 0) {
                at += n;
            }
        }
    }
}
