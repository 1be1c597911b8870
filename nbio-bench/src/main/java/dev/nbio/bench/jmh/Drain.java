package dev.nbio.bench.jmh;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.locks.LockSupport;

/**
 * The receiving side of the sendfile benchmark: a thread that accepts one loopback
 * connection and reads everything from it into a direct buffer, counting the bytes, so a
 * sender can wait until its bytes have really arrived (not merely been queued in its socket).
 */
final class Drain {
    private static final int BUFFER = 256 * 1024;

    private final ServerSocketChannel listener;
    private final Thread thread;
    private volatile long received;
    private volatile long target = Long.MAX_VALUE;
    private volatile Thread waiter;
    private volatile Throwable failure;
    private volatile SocketChannel connection;

    Drain() throws IOException {
        listener = ServerSocketChannel.open();
        listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        thread = Thread.ofPlatform().name("sendfile-drain").daemon().start(this::drain);
    }

    /** Where to connect. */
    InetSocketAddress address() throws IOException {
        return (InetSocketAddress) listener.getLocalAddress();
    }

    private void drain() {
        ByteBuffer buffer = ByteBuffer.allocateDirect(BUFFER);
        try (SocketChannel channel = listener.accept()) {
            connection = channel;
            int n;
            while ((n = channel.read(buffer.clear())) >= 0) {
                received += n;   // only this thread writes it
                if (received >= target) {
                    Thread parked = waiter;
                    if (parked != null) {
                        LockSupport.unpark(parked);
                    }
                }
            }
        } catch (IOException e) {
            if (listener.isOpen()) {
                failure = e;
            }
        } finally {
            Thread parked = waiter;
            if (parked != null) {
                LockSupport.unpark(parked);
            }
        }
    }

    /**
     * Parks until the connection has delivered {@code total} bytes in all.
     *
     * @param total the count since the connection opened
     */
    void awaitTotal(long total) {
        waiter = Thread.currentThread();
        target = total;
        while (received < total) {
            if (failure != null) {
                throw new IllegalStateException("the drain failed after " + received + " bytes", failure);
            }
            if (!thread.isAlive()) {
                throw new IllegalStateException("the drain's connection closed after " + received + " of " + total + " bytes");
            }
            LockSupport.park(this);
        }
        waiter = null;
    }

    void close() throws IOException, InterruptedException {
        listener.close();
        SocketChannel channel = connection;
        if (channel != null) {
            channel.close();
        }
        thread.join(5000);
    }
}
