package dev.nbio.examples;

import dev.nbio.BackendUnavailableException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * What the commands that run a server share: the {@code --host} and {@code --backend}
 * options, starting the server, printing its address and backend, and waiting until Ctrl-C
 * (a shutdown hook stops the server) or until {@link #server()} is stopped, which is how
 * tests drive a command in-process. Exits 0 after a clean stop, 1 with the reason when the
 * server cannot start. Each subclass declares its {@code --port} option, with its own
 * default, and any options of its own.
 *
 * @param <S> the kind of server the command runs
 */
public abstract class ServerCommand<S extends RunningServer> implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "The address to listen on (default: ${DEFAULT-VALUE}).")
    private String host;

    @Option(names = "--backend", paramLabel = "<name>", description = "The nbio backend: nio, uring, ... (default: the one nbio selects).")
    private String backend;

    private final CountDownLatch started = new CountDownLatch(1);
    private volatile S server;

    /** Creates the command; picocli fills in its options. */
    protected ServerCommand() {
    }

    /**
     * The command's model, for its name and its output.
     *
     * @return what picocli knows of the command
     */
    protected final CommandSpec spec() {
        return spec;
    }

    /**
     * The port to listen on, from the subclass's {@code --port} option.
     *
     * @return the port; 0 picks a free one
     */
    protected abstract int port();

    /**
     * Starts the server and returns once it listens.
     *
     * @param address where to listen
     * @param backend the backend's name, or {@code null} for the one nbio selects
     * @return the running server
     * @throws IOException when the server cannot listen on the address
     */
    protected abstract S startServer(InetSocketAddress address, String backend) throws IOException;

    /**
     * What the command prints once the server listens, e.g. {@code nbio echo server
     * listening on /127.0.0.1:9000 (backend nio)}.
     *
     * @param running the started server
     * @return the text, without a final line separator
     */
    protected String startLine(S running) {
        return "nbio " + spec.name() + " server listening on " + running.address()
                + " (backend " + running.backend() + ")";
    }

    /**
     * Starts the server, prints where it listens and waits until it stops.
     *
     * @return 0 after a clean stop, 1 when the server could not start
     * @throws InterruptedException when the waiting thread is interrupted
     */
    @Override
    public Integer call() throws InterruptedException {
        String command = spec.name();
        S running;
        try {
            running = startServer(new InetSocketAddress(host, port()), backend);
            server = running;
        } catch (IOException | BackendUnavailableException e) {
            spec.commandLine().getErr().println("nbio " + command + ": " + e.getMessage());
            started.countDown();
            return 1;
        } catch (RuntimeException e) {
            started.countDown();
            throw e;
        }
        // The start line comes first: whoever waits for the start may connect at once, and
        // the server prints a line per connection.
        spec.commandLine().getOut().println(startLine(running));
        spec.commandLine().getOut().flush();
        started.countDown();

        Thread stopOnShutdown = new Thread(() -> stopAndWait(running), "nbio-" + command + "-shutdown");
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
    public S server() {
        return server;
    }

    /**
     * Waits until {@link #call()} has started the server or failed to.
     *
     * @param timeout how long to wait at most
     * @return the server, or {@code null} when it failed to start or the time ran out
     * @throws InterruptedException when the waiting thread is interrupted
     */
    public S awaitStarted(Duration timeout) throws InterruptedException {
        started.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
        return server;
    }

    private static void stopAndWait(RunningServer running) {
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
