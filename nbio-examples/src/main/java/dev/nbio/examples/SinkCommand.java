package dev.nbio.examples;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code nbio sink}: runs a {@link SinkServer} until Ctrl-C (or until {@link #server()} is
 * stopped, which is how tests drive it), printing a summary line per connection.
 */
@Command(name = "sink",
        description = "Runs a TCP server that receives and counts (or stores) what clients send, until Ctrl-C.",
        mixinStandardHelpOptions = true,
        versionProvider = NbioVersion.class)
public final class SinkCommand extends ServerCommand<SinkServer> {
    @Option(names = "--port", defaultValue = "9003", description = "The port to listen on; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    private int port;

    @Option(names = "--out", paramLabel = "FILE",
            description = "Store the bytes: the first connection in FILE, the n-th in FILE.n (default: only count them).")
    private Path out;

    /** Creates the command; picocli fills in its options. */
    public SinkCommand() {
    }

    @Override
    protected int port() {
        return port;
    }

    /** Starts the sink, which prints a line per connection when it ends. */
    @Override
    protected SinkServer startServer(InetSocketAddress address, String backend) throws IOException {
        PrintWriter stdout = spec().commandLine().getOut();
        return SinkServer.start(address, backend, out, summary -> {
            stdout.println(summary.describe());
            stdout.flush();
        });
    }

    @Override
    protected String startLine(SinkServer running) {
        return "nbio sink listening on " + running.address() + " (backend " + running.backend() + ")"
                + (out == null ? "" : ", storing in " + out);
    }
}
