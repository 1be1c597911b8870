package dev.nbio.examples;

import dev.nbio.BackendUnavailableException;
import dev.nbio.EventLoop;
import java.io.Console;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code nbio sendfile}: sends a file to a TCP server with {@link FileSender}, drawing a
 * {@link ProgressBar} on standard error. Exits 0 when every byte went out; otherwise 1, after
 * printing the step's named error ({@code DialError.CONNECTION_REFUSED},
 * {@code SendfileError.CONNECTION_RESET}, ...).
 */
@Command(name = "sendfile",
        description = "Sends a file to a TCP server with nbio's sendfile, showing the progress.",
        mixinStandardHelpOptions = true,
        versionProvider = NbioVersion.class)
public final class SendfileCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "The file to send.")
    private Path file;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "The server's address (default: ${DEFAULT-VALUE}).")
    private String host;

    @Option(names = "--port", defaultValue = "9003", description = "The server's port (default: ${DEFAULT-VALUE}).")
    private int port;

    @Option(names = "--offset", defaultValue = "0", paramLabel = "<bytes>",
            description = "Where in the file to start (default: ${DEFAULT-VALUE}).")
    private long offset;

    @Option(names = "--length", defaultValue = "-1", paramLabel = "<bytes>",
            description = "How many bytes to send; -1 sends the rest of the file (default: ${DEFAULT-VALUE}).")
    private long length;

    @Option(names = "--backend", paramLabel = "<name>", description = "The nbio backend: nio, uring, ... (default: the one nbio selects).")
    private String backend;

    @Option(names = "--connect-timeout", defaultValue = "5000", paramLabel = "<ms>",
            description = "Give up connecting after this many milliseconds (default: ${DEFAULT-VALUE}).")
    private long connectTimeoutMillis;

    @Option(names = "--progress-interval", defaultValue = "100", paramLabel = "<ms>",
            description = "The shortest time between two redraws of the progress bar (default: ${DEFAULT-VALUE}).")
    private long progressIntervalMillis;

    /** Creates the command; picocli fills in its options. */
    public SendfileCommand() {
    }

    /**
     * Sends the file and reports how it went.
     *
     * @return 0 when the whole transfer succeeded, 1 when it failed
     */
    @Override
    public Integer call() {
        checkOptions();
        PrintWriter err = spec.commandLine().getErr();
        InetSocketAddress server = new InetSocketAddress(host, port);
        if (server.isUnresolved()) {
            err.println("nbio sendfile: cannot resolve host " + host);
            return 1;
        }
        FileSender.Request request = new FileSender.Request(server, file, offset, length,
                Duration.ofMillis(connectTimeoutMillis));
        ProgressBar bar = new ProgressBar(err, Duration.ofMillis(progressIntervalMillis), onTerminal());
        try (EventLoop loop = backend == null ? EventLoop.acquire() : EventLoop.acquire(backend)) {
            FileSender.Outcome outcome = FileSender.send(loop, request, new FileSender.Listener() {
                @Override
                public void started(InetSocketAddress local, long nowNanos) {
                    err.printf("sending %s to %s from %s (backend %s)%n", file, server, local, loop.backend());
                    bar.start(nowNanos);
                }

                @Override
                public void progress(long sent, long total, long nowNanos) {
                    bar.update(sent, total, nowNanos);
                }
            });
            return report(outcome, bar, err, server);
        } catch (BackendUnavailableException | IllegalStateException e) {
            err.println("nbio sendfile: " + e.getMessage());
            return 1;
        } finally {
            err.flush();
        }
    }

    private int report(FileSender.Outcome outcome, ProgressBar bar, PrintWriter err, InetSocketAddress server) {
        switch (outcome.step()) {
            case OPEN -> err.printf("nbio sendfile: %s opening %s%n", outcome.errorName(), file);
            case DIAL -> err.printf("nbio sendfile: %s connecting to %s%n", outcome.errorName(), server);
            case SENDFILE -> {
                if (outcome.succeeded()) {
                    bar.finish(outcome.sent(), outcome.total(), outcome.endNanos());
                } else {
                    bar.fail(outcome.sent(), outcome.total(), outcome.endNanos(), outcome.errorName());
                    err.printf("nbio sendfile: %s sending %s to %s%n", outcome.errorName(), file, server);
                }
            }
        }
        return outcome.succeeded() ? 0 : 1;
    }

    private void checkOptions() {
        if (offset < 0) {
            throw new ParameterException(spec.commandLine(), "--offset must be 0 or more, got " + offset);
        }
        if (length < -1) {
            throw new ParameterException(spec.commandLine(), "--length must be -1 (the rest of the file) or more, got " + length);
        }
        if (connectTimeoutMillis <= 0 || progressIntervalMillis < 0) {
            throw new ParameterException(spec.commandLine(), "--connect-timeout must be positive and --progress-interval not negative");
        }
    }

    /** Whether a person watches: then the bar redraws in place, else it prints a line per redraw. */
    private static boolean onTerminal() {
        Console console = System.console();
        return console != null && console.isTerminal();
    }
}
