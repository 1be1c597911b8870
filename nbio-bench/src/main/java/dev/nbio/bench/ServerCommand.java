package dev.nbio.bench;

import java.net.InetSocketAddress;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code server}: starts one server, prints {@code READY port=<port>} once it listens, and
 * serves until the process is told to stop (SIGTERM or Ctrl-C). The echo service runs on nbio
 * or Netty; the HTTP plaintext and Redis PING services only on Netty, since nbio's side of
 * those benchmarks is its own example servers ({@code nbio.jar http}, {@code nbio.jar ping}).
 */
@Command(name = "server", mixinStandardHelpOptions = true,
        description = "Runs one server until SIGTERM; prints 'READY port=<n>' when it listens.")
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

    @Spec
    private CommandSpec spec;

    /** What the server answers. */
    enum Service {
        ECHO, HTTP, PING
    }

    @Option(names = "--service", defaultValue = "echo",
            description = "echo, http (GET /plaintext) or ping (Redis PING); http and ping on Netty only (default: ${DEFAULT-VALUE}).")
    private String service;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to listen on (default: ${DEFAULT-VALUE}).")
    private String host;

    @Option(names = "--port", defaultValue = "0", description = "Port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    private int port;

    @Override
    public Integer call() throws Exception {
        InetSocketAddress address = new InetSocketAddress(host, port);
        ServerUnderTest server;
        try {
            server = start(Impl.of(impl), serviceOf(service), address);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
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

    private static ServerUnderTest start(Impl impl, Service service, InetSocketAddress address) throws Exception {
        NettyServer.Transport transport = switch (impl) {
            case NBIO_URING, NBIO_NIO -> null;
            case NETTY_IO_URING -> NettyServer.Transport.IO_URING;
            case NETTY_EPOLL -> NettyServer.Transport.EPOLL;
            case NETTY_NIO -> NettyServer.Transport.NIO;
        };
        if (transport == null) {
            if (service != Service.ECHO) {
                throw new IllegalArgumentException("the nbio side of the " + service.name().toLowerCase(Locale.ROOT)
                        + " benchmark is nbio's own example server: java -jar nbio-examples/target/nbio.jar "
                        + service.name().toLowerCase(Locale.ROOT) + " --backend uring|nio");
            }
            return NbioEchoServer.start(address, impl == Impl.NBIO_URING ? "uring" : "nio");
        }
        return switch (service) {
            case ECHO -> NettyEchoServer.start(address, transport);
            case HTTP -> NettyHttpServer.start(address, transport);
            case PING -> NettyPingServer.start(address, transport);
        };
    }

    private static Service serviceOf(String name) {
        for (Service service : Service.values()) {
            if (service.name().equalsIgnoreCase(name)) {
                return service;
            }
        }
        throw new IllegalArgumentException("unknown service '" + name + "': one of echo, http, ping");
    }
}
