package dev.nbio.nio;

import dev.nbio.spi.Handle;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/** A file on the NIO backend: a {@link FileChannel} and the path it was opened with, when known. */
final class NioFileHandle implements Handle {
    final FileChannel channel;
    private final Path path;

    NioFileHandle(FileChannel channel, Path path) {
        this.channel = channel;
        this.path = path;
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
