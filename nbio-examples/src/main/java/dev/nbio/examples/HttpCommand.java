package dev.nbio.examples;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code nbio http}: runs an {@link HttpServer} until Ctrl-C (or until {@link #server()} is
 * stopped, which is how tests drive it in-process).
 */
@Command(name = "http",
        description = "Runs an HTTP/1.1 server on nbio event loops until Ctrl-C: GET /plaintext, and static files under --root.",
        mixinStandardHelpOptions = true,
        versionProvider = NbioVersion.class)
public final class HttpCommand extends ServerCommand<HttpServer> {
    @Option(names = "--port", defaultValue = "8080", description = "The port to listen on; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    private int port;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "1",
            description = "Event loops, one thread and one SO_REUSEPORT listener each (default: ${DEFAULT-VALUE}).")
    private int threads;

    @Option(names = "--root", paramLabel = "DIR", description = "Serve the files under this directory (default: none, every path but /plaintext is 404).")
    private Path root;

    @Option(names = "--idle-timeout", paramLabel = "DURATION", defaultValue = "30s", converter = DurationConverter.class,
            description = "Close a connection silent for this long: 500ms, 30s, 2m, ... (default: ${DEFAULT-VALUE}).")
    private Duration idleTimeout;

    @Option(names = "--max-headers", paramLabel = "N", defaultValue = "64",
            description = "Header fields per request; more is answered with 431 (default: ${DEFAULT-VALUE}).")
    private int maxHeaders;

    @Option(names = "--read-buffer", paramLabel = "BYTES", defaultValue = "16384",
            description = "Read buffer per connection; a request head must fit, else 414 or 431 (default: ${DEFAULT-VALUE}).")
    private int readBuffer;

    @Option(names = "--write-buffer", paramLabel = "BYTES", defaultValue = "16384",
            description = "Write buffer per connection; pipelined responses are batched up to it (default: ${DEFAULT-VALUE}).")
    private int writeBuffer;

    @Option(names = "--max-body", paramLabel = "BYTES", defaultValue = "1048576",
            description = "Largest request body accepted (and dropped); more is answered with 413 (default: ${DEFAULT-VALUE}).")
    private long maxBody;

    /** Creates the command; picocli fills in its options. */
    public HttpCommand() {
    }

    @Override
    protected int port() {
        return port;
    }

    @Override
    protected HttpServer startServer(InetSocketAddress address, String backend) throws IOException {
        return HttpServer.start(config(address, backend));
    }

    /**
     * {@inheritDoc} Here: the URL and the thread count, e.g. {@code nbio http server
     * listening on http://127.0.0.1:8080/ (backend nio, 1 thread)}, and a second line naming
     * the root when there is one.
     */
    @Override
    protected String startLine(HttpServer running) {
        HttpServerConfig config = running.config();
        int count = config.threads();
        String text = "nbio http server listening on " + url(running.address()) + " (backend " + running.backend()
                + ", " + count + (count == 1 ? " thread)" : " threads)");
        if (config.root() != null) {
            text += System.lineSeparator() + "serving files from " + config.root().toAbsolutePath().normalize();
        }
        return text;
    }

    private static String url(InetSocketAddress address) {
        String host = address.getAddress().getHostAddress();
        if (address.getAddress() instanceof Inet6Address) {
            host = "[" + host.replaceFirst("%.*", "") + "]";
        }
        return "http://" + host + ":" + address.getPort() + "/";
    }

    private HttpServerConfig config(InetSocketAddress address, String backend) {
        CommandLine commandLine = spec().commandLine();
        if (root != null && !Files.isDirectory(root)) {
            throw new ParameterException(commandLine, "--root " + root + " is not a directory");
        }
        try {
            return new HttpServerConfig(address, backend, threads, root, idleTimeout,
                    maxHeaders, readBuffer, writeBuffer, maxBody);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(commandLine, e.getMessage(), e);
        }
    }

    /** Reads {@code 500ms}, {@code 30s}, {@code 2m}, {@code 1h}, or ISO-8601 such as {@code PT30S}. */
    static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        private static final Pattern AMOUNT_AND_UNIT = Pattern.compile("(\\d+)(ms|s|m|h)");

        /** Creates the converter; picocli instantiates it. */
        DurationConverter() {
        }

        @Override
        public Duration convert(String value) {
            Matcher matcher = AMOUNT_AND_UNIT.matcher(value.trim().toLowerCase(Locale.ROOT));
            if (matcher.matches()) {
                long amount = Long.parseLong(matcher.group(1));
                return switch (matcher.group(2)) {
                    case "ms" -> Duration.ofMillis(amount);
                    case "s" -> Duration.ofSeconds(amount);
                    case "m" -> Duration.ofMinutes(amount);
                    default -> Duration.ofHours(amount);
                };
            }
            try {
                return Duration.parse(value);
            } catch (java.time.format.DateTimeParseException e) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not a duration such as 500ms, 30s or 2m");
            }
        }
    }
}
