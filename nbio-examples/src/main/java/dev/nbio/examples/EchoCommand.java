package dev.nbio.examples;

import java.io.IOException;
import java.net.InetSocketAddress;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code nbio echo}: runs an {@link EchoServer} until Ctrl-C (or until {@link #server()}
 * is stopped, which is how tests drive it in-process).
 */
@Command(name = "echo",
        description = "Runs a TCP echo server on an nbio event loop until Ctrl-C.",
        mixinStandardHelpOptions = true,
        versionProvider = NbioVersion.class)
public final class EchoCommand extends ServerCommand<EchoServer> {
    @Option(names = "--port", defaultValue = "9000", description = "The port to listen on; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    private int port;

    /** Creates the command; picocli fills in its options. */
    public EchoCommand() {
    }

    @Override
    protected int port() {
        return port;
    }

    @Override
    protected EchoServer startServer(InetSocketAddress address, String backend) throws IOException {
        return EchoServer.start(address, backend);
    }
}
