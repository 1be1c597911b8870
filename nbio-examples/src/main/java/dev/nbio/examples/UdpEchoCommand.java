package dev.nbio.examples;

import java.io.IOException;
import java.net.InetSocketAddress;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code nbio udp-echo}: runs a {@link UdpEchoServer} until Ctrl-C. */
@Command(name = "udp-echo",
        description = "Runs a UDP echo server on an nbio event loop until Ctrl-C.",
        mixinStandardHelpOptions = true,
        versionProvider = NbioVersion.class)
public final class UdpEchoCommand extends ServerCommand<UdpEchoServer> {
    @Option(names = "--port", defaultValue = "9001", description = "The UDP port to receive on; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    private int port;

    /** Creates the command; picocli fills in its options. */
    public UdpEchoCommand() {
    }

    @Override
    protected int port() {
        return port;
    }

    @Override
    protected UdpEchoServer startServer(InetSocketAddress address, String backend) throws IOException {
        return UdpEchoServer.start(address, backend);
    }
}
