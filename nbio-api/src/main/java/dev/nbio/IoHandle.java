package dev.nbio;

import dev.nbio.spi.Handle;
import java.util.Objects;

/**
 * A file or socket associated with one event loop: what {@code close} takes. Operations on
 * a handle must be started on (or queued to) the loop it belongs to.
 */
public abstract sealed class IoHandle permits SocketHandle, FileHandle {
    private final EventLoop loop;
    private final Handle handle;

    IoHandle(EventLoop loop, Handle handle) {
        this.loop = Objects.requireNonNull(loop, "loop");
        this.handle = Objects.requireNonNull(handle, "handle");
    }

    /**
     * The loop this handle is associated with.
     *
     * @return the loop
     */
    public final EventLoop loop() {
        return loop;
    }

    /**
     * The backend's handle behind this one. For backends and the loop core.
     *
     * @return the backend handle
     */
    public final Handle handle() {
        return handle;
    }

    /**
     * Whether the handle is still open.
     *
     * @return false once it was closed
     */
    public final boolean isOpen() {
        return handle.isOpen();
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + handle + "]";
    }
}
