package dev.nbio.bench.jmh;

import dev.nbio.EventLoop;
import dev.nbio.FileHandle;
import dev.nbio.Operation;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * 4 KiB positional reads at random block-aligned offsets of a file in the page cache, reads
 * per second: nbio's {@code read} (on the benchmark thread's loop, ticked until the callback
 * ran) against {@code FileChannel.read(buffer, position)} on the same thread.
 *
 * <p>{@link #one} is one read at a time. {@link #batch} starts {@value #BATCH} reads and then
 * waits for all of them, where a completion-based backend can hand the kernel all of them in
 * one call; for {@code filechannel} it is {@value #BATCH} reads in a row, the same work.
 * Every read is checked: all 4096 bytes, and the block number the block starts with.
 * The offsets are one fixed pseudo-random sequence, the same for every implementation.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class FileReads {
    static final String FILECHANNEL = "filechannel";
    static final int BATCH = 32;
    private static final int OFFSETS = 1 << 16;

    @Param({Impls.NBIO_URING, Impls.NBIO_NIO, FILECHANNEL})
    public String impl;

    @Param("256")
    public int fileMiB;

    private final long[] offsets = new long[OFFSETS];
    private int next;
    private Reader reader;

    /** Reads blocks at the given offsets and checks them. */
    private interface Reader {
        void read(long[] offsets, int from, int count);

        void close() throws IOException;
    }

    @Setup(Level.Trial)
    public void start() throws IOException {
        Impls.check(impl, Impls.NBIO_URING, Impls.NBIO_NIO, FILECHANNEL);
        Path file = BenchFiles.cached(fileMiB);
        long blocks = ((long) fileMiB << 20) / BenchFiles.BLOCK;
        SplittableRandom random = new SplittableRandom(42);
        for (int i = 0; i < OFFSETS; i++) {
            offsets[i] = random.nextLong(blocks) * BenchFiles.BLOCK;
        }
        reader = impl.equals(FILECHANNEL) ? new ChannelReader(file) : new NbioReader(Impls.nbioBackend(impl), file);
    }

    @TearDown(Level.Trial)
    public void stop() throws IOException {
        reader.close();
    }

    @Benchmark
    public void one() {
        reader.read(offsets, next, 1);
        next = (next + 1) & (OFFSETS - 1);
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void batch() {
        reader.read(offsets, next, BATCH);
        next = (next + BATCH) & (OFFSETS - 1);
    }

    static void check(ByteBuffer block, int read, long offset) {
        if (read != BenchFiles.BLOCK || block.getLong(0) != BenchFiles.blockAt(offset)) {
            throw new IllegalStateException("read of block " + BenchFiles.blockAt(offset) + " gave " + read
                    + " bytes starting with " + (read >= 8 ? block.getLong(0) : -1));
        }
    }

    /** {@code FileChannel.read(buffer, position)}, a {@code pread} on the calling thread. */
    private static final class ChannelReader implements Reader {
        private final FileChannel channel;
        private final ByteBuffer buffer = ByteBuffer.allocateDirect(BenchFiles.BLOCK);

        ChannelReader(Path file) throws IOException {
            channel = FileChannel.open(file, StandardOpenOption.READ);
        }

        @Override
        public void read(long[] offsets, int from, int count) {
            try {
                for (int i = 0; i < count; i++) {
                    long offset = offsets[(from + i) & (OFFSETS - 1)];
                    buffer.clear();
                    while (buffer.hasRemaining() && channel.read(buffer, offset + buffer.position()) > 0) {
                        // a cached block comes whole; the loop only guards against a short read
                    }
                    check(buffer, buffer.position(), offset);
                }
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }

    /** nbio's {@code read} on the benchmark thread's loop, with a direct buffer per read in flight. */
    private static final class NbioReader implements Reader {
        private final EventLoop loop;
        private final FileHandle file;
        private final Slot[] slots = new Slot[BATCH];
        private int outstanding;
        /** The first exception a callback threw; the loop only logs them, the benchmark must fail. */
        private Throwable failure;

        /** One read in flight: its buffer and offset, the operation's attachment. */
        private static final class Slot {
            final NbioReader reader;
            final ByteBuffer buffer = ByteBuffer.allocateDirect(BenchFiles.BLOCK);
            long offset;

            Slot(NbioReader reader) {
                this.reader = reader;
            }
        }

        NbioReader(String backend, Path path) throws IOException {
            loop = EventLoop.acquire(backend);
            loop.errorHandler((op, error) -> failure = failure == null ? error : failure);
            file = loop.openSync(path);
            for (int i = 0; i < BATCH; i++) {
                slots[i] = new Slot(this);
            }
        }

        @Override
        public void read(long[] offsets, int from, int count) {
            for (int i = 0; i < count; i++) {
                Slot slot = slots[i];
                slot.offset = offsets[(from + i) & (OFFSETS - 1)];
                loop.read(file, slot.offset, slot.buffer.clear(), slot, NbioReader::onRead);
            }
            outstanding = count;
            while (outstanding > 0) {
                loop.tick();
            }
            if (failure != null) {
                throw new IllegalStateException("a read callback failed", failure);
            }
        }

        private static void onRead(Operation op, Slot slot) {
            slot.reader.outstanding--;
            if (op.failed()) {
                throw new IllegalStateException("read failed: " + op.error() + " (errno " + op.errno() + ")", op.cause());
            }
            check(slot.buffer, op.read().read(), slot.offset);
        }

        @Override
        public void close() {
            loop.close(file);
            loop.run();
            loop.release();
        }
    }
}
