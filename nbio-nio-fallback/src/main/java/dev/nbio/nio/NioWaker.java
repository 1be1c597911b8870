package dev.nbio.nio;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.Pipe;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;

/**
 * Wakes the loop's selector from other threads through a pipe of its own, registered for
 * reading like any socket.
 *
 * <p>{@link Selector#wakeup()} would do the same, but it takes a lock that the selecting
 * thread takes again to clear the wake-up after every woken select. When the waking thread
 * and the loop share a core, the woken loop often runs while the waker still holds that lock,
 * and both pay a {@code futex} wait and wake-up on every hop. A pipe write needs no lock the
 * loop takes; the loop drains the pipe when the selector reports it.
 */
final class NioWaker {
    /** One byte to write, per waking thread: a write moves the buffer's position. */
    private static final ThreadLocal<ByteBuffer> ONE = ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(1));

    private final Pipe pipe;
    private final ByteBuffer drain = ByteBuffer.allocateDirect(64);

    NioWaker(Selector selector) throws IOException {
        pipe = Pipe.open();
        try {
            pipe.source().configureBlocking(false);
            pipe.sink().configureBlocking(false);
            pipe.source().register(selector, SelectionKey.OP_READ, this);
        } catch (IOException | RuntimeException e) {
            closeQuietly();
            throw e;
        }
    }

    /**
     * Makes the selector's current or next select return. A full pipe already holds a
     * wake-up, so a write that finds no room is as good as one that succeeds; a closed pipe
     * belongs to a closed loop, which there is nothing to wake for.
     */
    void wakeUp() {
        try {
            pipe.sink().write(ONE.get().clear());
        } catch (ClosedChannelException closed) {
            // the loop is closed: nothing to wake
        } catch (IOException e) {
            throw new UncheckedIOException("waking the NIO loop through its pipe failed", e);
        }
    }

    /** Empties the pipe, on the loop's thread, after the selector reported it readable. */
    void drain() throws IOException {
        while (pipe.source().read(drain.clear()) > 0) {
            // each byte is one wake-up, and one is all a select needs
        }
    }

    void closeQuietly() {
        try {
            pipe.sink().close();
        } catch (IOException ignored) {
            // closing: nothing to do about it
        }
        try {
            pipe.source().close();
        } catch (IOException ignored) {
            // closing: nothing to do about it
        }
    }
}
