package dev.nbio.examples;

import java.io.IOException;
import java.net.InetSocketAddress;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code nbio ping}: runs a {@link PingServer}, a Redis PING responder, until Ctrl-C. */
@Command(name = "ping",
        description = "Answers the Redis PING command (inline and RESP) on an nbio event loop until Ctrl-C; "
                + "try it with redis-cli or redis-benchmark -t ping_inline,ping_mbulk.",
        mixinStandardHelpOptions = true,
        versionProvider = NbioVersion.class)
public final class PingCommand extends ServerCommand<PingServer> {
    @Option(names = "--port", defaultValue = "6379", description = "The port to listen on; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    private int port;

    /** Creates the command; picocli fills in its options. */
    public PingCommand() {
    }

    @Override
    protected int port() {
        return port;
    }

    @Override
    protected PingServer startServer(InetSocketAddress address, String backend) throws IOException {
        return PingServer.start(address, backend);
    }
}
