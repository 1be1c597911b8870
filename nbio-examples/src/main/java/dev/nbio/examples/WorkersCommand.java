package dev.nbio.examples;

import java.io.IOException;
import java.net.InetSocketAddress;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** {@code nbio workers}: runs a {@link WorkerPoolServer} until Ctrl-C. */
@Command(name = "workers",
        description = "Runs a TCP line server on an nbio event loop whose CPU work (the n-th prime) "
                + "runs on a pool of worker threads that reply through the loop, until Ctrl-C.",
        mixinStandardHelpOptions = true,
        versionProvider = NbioVersion.class)
public final class WorkersCommand extends ServerCommand<WorkerPoolServer> {
    @Option(names = "--port", defaultValue = "9002", description = "The port to listen on; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    private int port;

    @Option(names = "--workers", defaultValue = "2", paramLabel = "<count>",
            description = "How many worker threads compute the replies (default: ${DEFAULT-VALUE}).")
    private int workers;

    /** Creates the command; picocli fills in its options. */
    public WorkersCommand() {
    }

    @Override
    protected int port() {
        return port;
    }

    @Override
    protected WorkerPoolServer startServer(InetSocketAddress address, String backend) throws IOException {
        if (workers < 1) {
            throw new ParameterException(spec().commandLine(), "--workers must be at least 1, not " + workers);
        }
        return WorkerPoolServer.start(address, backend, workers);
    }
}
