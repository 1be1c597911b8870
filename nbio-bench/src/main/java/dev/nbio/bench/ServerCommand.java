package dev.nbio.bench;

import java.net.InetSocketAddress;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code server}: starts one echo server, prints {@code READY port=<port>} once it listens,
 * and serves until the process is told to stop (SIGTERM or Ctrl-C).
 */
@Command(name = "server", mixinStandardHelpOptions = true,
        description = "Runs one echo server until SIGTERM; prints 'READY port=<n>' when it listens.")
final class ServerCommand implements Callable<Integer> {

    /** The servers the benchmark knows, by the name the script and the table use. */
    enum Impl {
        NBIO_URING("nbio-uring"), NBIO_NIO("nbio-nio"),
        NETTY_IO_URING("netty-io_uring"), NETTY_EPOLL("netty-epoll"), NETTY_NIO("netty-nio");

        final String label;

        Impl(String label) {
            this.label = label;
        }

        static Impl of(String label) {
            for (Impl impl : values()) {
                if (impl.label.equals(label)) {
                    return impl;
                }
            }
            throw new IllegalArgumentException("unknown server '" + label
                    + "': one of nbio-uring, nbio-nio, netty-io_uring, netty-epoll, netty-nio");
        }
    }

    @Option(names = "--impl", required = true,
            description = "nbio-uring, nbio-nio, netty-io_uring, netty-epoll or netty-nio.")
    private String impl;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to listen on (default: ${DEFAULT-VALUE}).")
    private String host;

    @Option(names = "--port", defaultValue = "0", description = "Port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    private int port;

    @Override
    public Integer call() throws Exception {
        InetSocketAddress address = new InetSocketAddress(host, port);
        EchoService server = switch (Impl.of(impl)) {
            case NBIO_URING -> NbioEchoServer.start(address, "uring");
            case NBIO_NIO -> NbioEchoServer.start(address, "nio");
            case NETTY_IO_URING -> NettyEchoServer.start(address, NettyEchoServer.Transport.IO_URING);
            case NETTY_EPOLL -> NettyEchoServer.start(address, NettyEchoServer.Transport.EPOLL);
            case NETTY_NIO -> NettyEchoServer.start(address, NettyEchoServer.Transport.NIO);
        };
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                server.stop();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                stopped.countDown();
            }
        }, "echo-server-stop"));
        System.out.println(impl + ": " + server.describe() + ", " + Runtime.getRuntime().availableProcessors()
                + " CPU(s) visible to the JVM");
        System.out.println("READY port=" + server.port());
        System.out.flush();
        stopped.await();
        return 0;
    }
}
