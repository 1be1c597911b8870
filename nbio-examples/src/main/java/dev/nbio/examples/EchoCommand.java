package dev.nbio.examples;

import dev.nbio.BackendUnavailableException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code nbio echo}: runs an {@link EchoServer} until Ctrl-C (or until {@link #server()}
 * is stopped, which is how tests drive it in-process).
 */
@Command(name = "echo",
        description = "Runs a TCP echo server on an nbio event loop until Ctrl-C.",
        mixinStandardHelpOptions = true,
        versionProvider = NbioVersion.class)
public final class EchoCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(names = "--port", defaultValue = "9000", description = "The port to listen on; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    private int port;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "The address to listen on (default: ${DEFAULT-VALUE}).")
    private String host;

    @Option(names = "--backend", paramLabel = "<name>", description = "The nbio backend: nio, uring, ... (default: the one nbio selects).")
    private String backend;

    private final CountDownLatch started = new CountDownLatch(1);
    private volatile EchoServer server;

    /** Creates the command; picocli fills in its options. */
    public EchoCommand() {
    }

    /**
     * Starts the server, prints where it listens and waits until it stops.
     *
     * @return 0 after a clean stop, 1 when the server could not start
     * @throws InterruptedException when the waiting thread is interrupted
     */
    @Override
    public Integer call() throws InterruptedException {
        EchoServer running;
        try {
            running = EchoServer.start(new InetSocketAddress(host, port), backend);
            server = running;
        } catch (IOException | BackendUnavailableException e) {
            spec.commandLine().getErr().println("nbio echo: " + e.getMessage());
            return 1;
        } finally {
            started.countDown();
        }
        spec.commandLine().getOut().printf("nbio echo server listening on %s (backend %s)%n",
                running.address(), running.backend());
        spec.commandLine().getOut().flush();

        Thread stopOnShutdown = new Thread(() -> stopAndWait(running), "nbio-echo-shutdown");
        Runtime.getRuntime().addShutdownHook(stopOnShutdown);
        running.awaitStop();
        removeShutdownHook(stopOnShutdown);
        return 0;
    }

    /**
     * The running server, once {@link #call()} has started it.
     *
     * @return the server, or {@code null} before it listens
     */
    public EchoServer server() {
        return server;
    }

    /**
     * Waits until {@link #call()} has started the server or failed to.
     *
     * @param timeout how long to wait at most
     * @return the server, or {@code null} when it failed to start or the time ran out
     * @throws InterruptedException when the waiting thread is interrupted
     */
    public EchoServer awaitStarted(Duration timeout) throws InterruptedException {
        started.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
        return server;
    }

    private static void stopAndWait(EchoServer running) {
        running.stop();
        try {
            running.awaitStop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void removeShutdownHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // The JVM is already shutting down: the hook is what stopped the server.
        }
    }
}
