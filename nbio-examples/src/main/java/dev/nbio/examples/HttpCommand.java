package dev.nbio.examples;

import dev.nbio.BackendUnavailableException;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code nbio http}: runs an {@link HttpServer} until Ctrl-C (or until {@link #server()} is
 * stopped, which is how tests drive it in-process).
 */
@Command(name = "http",
        description = "Runs an HTTP/1.1 server on nbio event loops until Ctrl-C: GET /plaintext, and static files under --root.",
        mixinStandardHelpOptions = true,
        versionProvider = NbioVersion.class)
public final class HttpCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(names = "--port", defaultValue = "8080", description = "The port to listen on; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    private int port;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "The address to listen on (default: ${DEFAULT-VALUE}).")
    private String host;

    @Option(names = "--backend", paramLabel = "<name>", description = "The nbio backend: nio, uring, ... (default: the one nbio selects).")
    private String backend;

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

    private final CountDownLatch started = new CountDownLatch(1);
    private volatile HttpServer server;

    /** Creates the command; picocli fills in its options. */
    public HttpCommand() {
    }

    /**
     * Starts the server, prints where it listens and waits until it stops.
     *
     * @return 0 after a clean stop, 1 when the server could not start
     * @throws InterruptedException when the waiting thread is interrupted
     */
    @Override
    public Integer call() throws InterruptedException {
        HttpServer running;
        try {
            running = HttpServer.start(config());
            server = running;
        } catch (IOException | BackendUnavailableException e) {
            spec.commandLine().getErr().println("nbio http: " + e.getMessage());
            return 1;
        } finally {
            started.countDown();
        }
        spec.commandLine().getOut().println(banner(running));
        spec.commandLine().getOut().flush();

        Thread stopOnShutdown = new Thread(() -> stopAndWait(running), "nbio-http-shutdown");
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
    public HttpServer server() {
        return server;
    }

    /**
     * Waits until {@link #call()} has started the server or failed to.
     *
     * @param timeout how long to wait at most
     * @return the server, or {@code null} when it failed to start or the time ran out
     * @throws InterruptedException when the waiting thread is interrupted
     */
    public HttpServer awaitStarted(Duration timeout) throws InterruptedException {
        started.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
        return server;
    }

    /**
     * What the command prints once the server listens, e.g. {@code nbio http server
     * listening on http://127.0.0.1:8080/ (backend nio, 1 thread)}, and a second line naming
     * the root when there is one.
     *
     * @param running the started server
     * @return the text, without a final line separator
     */
    static String banner(HttpServer running) {
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

    private HttpServerConfig config() {
        CommandLine commandLine = spec.commandLine();
        if (root != null && !Files.isDirectory(root)) {
            throw new ParameterException(commandLine, "--root " + root + " is not a directory");
        }
        try {
            return new HttpServerConfig(new InetSocketAddress(host, port), backend, threads, root, idleTimeout,
                    maxHeaders, readBuffer, writeBuffer, maxBody);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(commandLine, e.getMessage(), e);
        }
    }

    private static void stopAndWait(HttpServer running) {
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
