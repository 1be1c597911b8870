package dev.nbio.bench.jmh;

import dev.nbio.bench.ServerUnderTest;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/**
 * The baseline of the allocation benchmark: one thread, one connection, blocking JDK
 * channels and a direct buffer. It shows what the client and the JVM cost by themselves,
 * so the event loops' figures can be read as what they add.
 */
final class BlockingEchoServer implements ServerUnderTest {
    private final ServerSocketChannel listener;
    private final Thread thread;
    private volatile SocketChannel connection;

    BlockingEchoServer() throws IOException {
        listener = ServerSocketChannel.open();
        listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        thread = Thread.ofPlatform().name("blocking-echo").daemon().start(this::serve);
    }

    private void serve() {
        ByteBuffer buffer = ByteBuffer.allocateDirect(16 * 1024);
        try (SocketChannel channel = listener.accept()) {
            connection = channel;
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            while (channel.read(buffer.clear()) > 0) {
                buffer.flip();
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
            }
        } catch (IOException e) {
            if (listener.isOpen()) {
                e.printStackTrace();
            }
        }
    }

    @Override
    public int port() {
        return listener.socket().getLocalPort();
    }

    @Override
    public String describe() {
        return "blocking JDK echo, one thread";
    }

    @Override
    public void stop() throws InterruptedException {
        try {
            listener.close();
            SocketChannel channel = connection;
            if (channel != null) {
                channel.close();
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        thread.join(5000);
    }
}
