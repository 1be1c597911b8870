package dev.nbio.nio;

import dev.nbio.FileType;
import dev.nbio.spi.Handle;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/** A file on the NIO backend: a {@link FileChannel} and the path it was opened with, when known. */
final class NioFileHandle implements Handle {
    final FileChannel channel;
    private final Path path;
    /** What the file was when opened: an open file keeps its type whatever later takes its path. */
    final FileType type;
    /** Writes go to the end: the JDK refuses READ with APPEND, so that pair is opened read-write and appended by hand. */
    final boolean appendByHand;

    NioFileHandle(FileChannel channel, Path path, FileType type, boolean appendByHand) {
        this.channel = channel;
        this.path = path;
        this.type = type;
        this.appendByHand = appendByHand;
    }

    @Override
    public boolean isOpen() {
        return channel.isOpen();
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    @Override
    public Path path() {
        return path;
    }

    @Override
    public String toString() {
        return "nio file " + (path != null ? path : channel);
    }
}
