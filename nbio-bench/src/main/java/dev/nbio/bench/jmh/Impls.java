package dev.nbio.bench.jmh;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import java.util.concurrent.TimeUnit;

/**
 * The implementation names the benchmarks' {@code impl} parameter takes, and the few lines
 * that turn a name into an nbio backend or a Netty event loop.
 */
final class Impls {
    static final String NBIO_URING = "nbio-uring";
    static final String NBIO_NIO = "nbio-nio";
    static final String NETTY_EPOLL = "netty-epoll";
    static final String NETTY_IO_URING = "netty-io_uring";
    static final String NETTY_NIO = "netty-nio";

    private Impls() {
    }

    /** Whether the name is an nbio backend. */
    static boolean isNbio(String impl) {
        return impl.startsWith("nbio-");
    }

    /**
     * The nbio backend a name stands for.
     *
     * @param impl {@code nbio-uring} or {@code nbio-nio}
     * @return {@code uring} or {@code nio}
     */
    static String nbioBackend(String impl) {
        return switch (impl) {
            case NBIO_URING -> "uring";
            case NBIO_NIO -> "nio";
            default -> throw new IllegalArgumentException("not an nbio backend: " + impl);
        };
    }

    /**
     * A Netty event-loop group of one thread on the named transport.
     *
     * @param impl {@code netty-epoll}, {@code netty-io_uring} or {@code netty-nio}
     * @return the group; shut it down with {@link #shutDown}
     */
    static EventLoopGroup nettyGroup(String impl) {
        IoHandlerFactory factory = switch (impl) {
            case NETTY_EPOLL -> {
                Epoll.ensureAvailability();
                yield EpollIoHandler.newFactory();
            }
            case NETTY_IO_URING -> {
                IoUring.ensureAvailability();
                yield IoUringIoHandler.newFactory();
            }
            case NETTY_NIO -> NioIoHandler.newFactory();
            default -> throw new IllegalArgumentException("not a Netty transport: " + impl);
        };
        return new MultiThreadIoEventLoopGroup(1, factory);
    }

    /** Shuts a Netty group down and waits for its thread to end. */
    static void shutDown(EventLoopGroup group) {
        if (group != null) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    /**
     * Fails fast on an unknown name, with the names the benchmark knows.
     *
     * @param impl  the name given
     * @param known the names this benchmark runs
     */
    static void check(String impl, String... known) {
        for (String name : known) {
            if (name.equals(impl)) {
                return;
            }
        }
        throw new IllegalArgumentException("unknown impl '" + impl + "': one of " + String.join(", ", known));
    }
}
