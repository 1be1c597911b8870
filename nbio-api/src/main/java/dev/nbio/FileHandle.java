package dev.nbio;

import dev.nbio.spi.Handle;
import java.nio.file.Path;

/**
 * An open file (or directory) associated with an event loop. Reads and writes name their
 * offset; the handle's own file position is never used or moved.
 */
public final class FileHandle extends IoHandle {
    /**
     * Wraps a backend handle. Called by backends and the loop core, not by applications.
     *
     * @param loop   the loop the file belongs to
     * @param handle the backend's handle
     */
    public FileHandle(EventLoop loop, Handle handle) {
        super(loop, handle);
    }

    /**
     * The path the file was opened with, when known.
     *
     * @return the path, or {@code null} for an associated channel whose path is unknown
     */
    public Path path() {
        return handle().path();
    }
}
