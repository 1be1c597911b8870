package dev.nbio.examples;

import dev.nbio.BackendUnavailableException;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code nbio sink}: runs a {@link SinkServer} until Ctrl-C (or until {@link #server()} is
 * stopped, which is how tests drive it), printing a summary line per connection.
 */
@Command(name = "sink",
        description = "Runs a TCP server that receives and counts (or stores) what clients send, until Ctrl-C.",
        mixinStandardHelpOptions = true,
        versionProvider = NbioVersion.class)
public final class SinkCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(names = "--port", defaultValue = "9003", description = "The port to listen on; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    private int port;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "The address to listen on (default: ${DEFAULT-VALUE}).")
    private String host;

    @Option(names = "--out", paramLabel = "FILE",
            description = "Store the bytes: the first connection in FILE, the n-th in FILE.n (default: only count them).")
    private Path out;

    @Option(names = "--backend", paramLabel = "<name>", description = "The nbio backend: nio, uring, ... (default: the one nbio selects).")
    private String backend;

    private final CountDownLatch started = new CountDownLatch(1);
    private volatile SinkServer server;

    /** Creates the command; picocli fills in its options. */
    public SinkCommand() {
    }

    /**
     * Starts the sink, prints where it listens, then a line per connection until it stops.
     *
     * @return 0 after a clean stop, 1 when the sink could not start
     * @throws InterruptedException when the waiting thread is interrupted
     */
    @Override
    public Integer call() throws InterruptedException {
        PrintWriter stdout = spec.commandLine().getOut();
        SinkServer running;
        try {
            running = SinkServer.start(new InetSocketAddress(host, port), backend, out, summary -> {
                stdout.println(summary.describe());
                stdout.flush();
            });
            server = running;
        } catch (IOException | BackendUnavailableException e) {
            spec.commandLine().getErr().println("nbio sink: " + e.getMessage());
            return 1;
        } finally {
            started.countDown();
        }
        stdout.printf("nbio sink listening on %s (backend %s)%s%n", running.address(), running.backend(),
                out == null ? "" : ", storing in " + out);
        stdout.flush();

        Thread stopOnShutdown = new Thread(() -> stopAndWait(running), "nbio-sink-shutdown");
        Runtime.getRuntime().addShutdownHook(stopOnShutdown);
        running.awaitStop();
        try {
            Runtime.getRuntime().removeShutdownHook(stopOnShutdown);
        } catch (IllegalStateException e) {
            // The JVM is already shutting down: the hook is what stopped the server.
        }
        return 0;
    }

    /**
     * The running server, once {@link #call()} has started it.
     *
     * @return the server, or {@code null} before it listens
     */
    public SinkServer server() {
        return server;
    }

    /**
     * Waits until {@link #call()} has started the server or failed to.
     *
     * @param timeout how long to wait at most
     * @return the server, or {@code null} when it failed to start or the time ran out
     * @throws InterruptedException when the waiting thread is interrupted
     */
    public SinkServer awaitStarted(Duration timeout) throws InterruptedException {
        started.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
        return server;
    }

    private static void stopAndWait(SinkServer running) {
        running.stop();
        try {
            running.awaitStop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
