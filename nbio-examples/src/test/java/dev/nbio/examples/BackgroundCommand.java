package dev.nbio.examples;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.StringWriter;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine;

/**
 * A server command of the {@code nbio} command line, run on another thread as a test drives
 * it: started with its arguments, its server handed over once it listens, and its exit code
 * read once that server has been stopped.
 *
 * @param <S> the kind of server the command runs
 */
final class BackgroundCommand<S extends RunningServer> {
    private final CompletableFuture<Integer> exitCode;
    private final S server;

    private BackgroundCommand(CompletableFuture<Integer> exitCode, S server) {
        this.exitCode = exitCode;
        this.server = server;
    }

    /**
     * Executes {@code nbio <args>} on another thread and waits until its server listens,
     * failing the test (with what the command printed on {@code err}) when it does not.
     */
    static <S extends RunningServer> BackgroundCommand<S> start(CommandLine nbio, StringWriter err, String... args)
            throws InterruptedException {
        ServerCommand<S> command = nbio.getSubcommands().get(args[0]).getCommand();
        CompletableFuture<Integer> exitCode = CompletableFuture.supplyAsync(() -> nbio.execute(args));
        S server = command.awaitStarted(EchoClients.LIMIT);
        assertNotNull(server, "nbio " + args[0] + " did not start its server: " + err);
        return new BackgroundCommand<>(exitCode, server);
    }

    /** The command's running server. */
    S server() {
        return server;
    }

    /** Waits, at most {@link EchoClients#LIMIT}, for the command to return after its server stopped. */
    int exitCode() throws InterruptedException, ExecutionException, TimeoutException {
        return exitCode.get(EchoClients.LIMIT.toSeconds(), TimeUnit.SECONDS);
    }
}
