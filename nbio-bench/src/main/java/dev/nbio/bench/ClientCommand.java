package dev.nbio.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code client}: runs the {@link EchoClient} against a server, prints the figures, and
 * appends them as one tab-separated line to {@code --out} for the {@code report}.
 *
 * <p>At each slice's edges it reads, from {@code /proc}, the server's CPU time (with
 * {@code --server-pid}), its own, and both cores' busy time. What the cores ran beyond the
 * server and the client is other processes' load; a slice where that exceeds
 * {@code --max-other} of a core is dropped, and the client measures on until it has kept
 * {@code --duration} seconds (or {@code --max-duration} have passed).
 */
@Command(name = "client", mixinStandardHelpOptions = true,
        description = "Drives an echo server with N closed-loop connections and reports round trips per second and latency.")
final class ClientCommand implements Callable<Integer> {
    /**
     * The columns of a result line, in order. The shape (connections, message size) comes
     * last, so that readers of the older files' column positions still find theirs.
     */
    static final String HEADER = String.join("\t", "server", "round", "round_trips_per_s", "p50_us", "p99_us",
            "p999_us", "server_cpu", "server_user", "client_cpu", "core0_busy", "core1_busy", "other_cpu", "stolen",
            "kept_s", "measured_s", "round_trips", "connections", "size");

    /** The columns of a slice line. */
    static final String SLICE_HEADER = String.join("\t", "server", "round", "slice", "round_trips_per_s",
            "server_cpu", "server_user", "client_cpu", "other_cpu", "kept", "connections", "size");

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Server address (default: ${DEFAULT-VALUE}).")
    private String host;

    @Option(names = "--port", required = true, description = "Server port.")
    private int port;

    @Option(names = "--connections", defaultValue = "50",
            description = "Connections, each with one message in flight (default: ${DEFAULT-VALUE}).")
    private int connections;

    @Option(names = "--size", defaultValue = "64", description = "Message size in bytes (default: ${DEFAULT-VALUE}).")
    private int size;

    @Option(names = "--warmup", defaultValue = "5", description = "Warm-up seconds (default: ${DEFAULT-VALUE}).")
    private double warmupSeconds;

    @Option(names = "--duration", defaultValue = "10",
            description = "Undisturbed seconds to measure (default: ${DEFAULT-VALUE}).")
    private double measureSeconds;

    @Option(names = "--max-duration", defaultValue = "30",
            description = "Longest measured period, kept and dropped slices together (default: ${DEFAULT-VALUE}).")
    private double maxMeasureSeconds;

    @Option(names = "--slice", defaultValue = "1", description = "Slice length in seconds (default: ${DEFAULT-VALUE}).")
    private double sliceSeconds;

    @Option(names = "--max-other", defaultValue = "0.10",
            description = "Other processes' load, in cores, above which a slice is dropped (default: ${DEFAULT-VALUE}).")
    private double maxOther;

    @Option(names = "--server-pid", defaultValue = "0", description = "The server's process id, to read its CPU time.")
    private long serverPid;

    @Option(names = "--label", defaultValue = "server", description = "Name of the server in the result line.")
    private String label;

    @Option(names = "--round", defaultValue = "1", description = "Round number in the result line.")
    private int round;

    @Option(names = "--out", description = "File to append the tab-separated result line to.")
    private Path out;

    @Option(names = "--slices", description = "File to append one tab-separated line per slice to.")
    private Path slices;

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (connections < 1 || size < 1) {
            throw new ParameterException(spec.commandLine(),
                    "--connections and --size must be at least 1, got " + connections + " and " + size);
        }
        EchoClient client = new EchoClient(new EchoClient.Settings(new InetSocketAddress(host, port), connections, size,
                seconds(warmupSeconds), seconds(measureSeconds), seconds(maxMeasureSeconds), seconds(sliceSeconds)));
        SliceJudge judge = new SliceJudge();
        EchoClient.Result result = client.run(judge);
        // With no slice kept every figure below is NaN (0/0), which says "not measured".
        double kept = result.keptNanos() / 1e9;
        Histogram h = result.latencies();
        String line = String.join("\t", label, Integer.toString(round),
                fmt("%.0f", result.perSecond()),
                fmt("%.1f", micros(h, 50)), fmt("%.1f", micros(h, 99)), fmt("%.1f", micros(h, 99.9)),
                fmt("%.3f", judge.serverCpu / kept), fmt("%.3f", judge.serverUser / kept),
                fmt("%.3f", judge.clientCpu / kept),
                fmt("%.3f", judge.core0 / kept), fmt("%.3f", judge.core1 / kept), fmt("%.3f", judge.other / kept),
                fmt("%.3f", judge.stolen / kept),
                fmt("%.2f", kept), fmt("%.2f", result.spentNanos() / 1e9), Long.toString(result.roundTrips()),
                Integer.toString(connections), Integer.toString(size));
        System.out.printf(Locale.ROOT, "%s round %d, %d x %d B: %.0f round trips/s, p50 %.1f us, p99 %.1f us; "
                        + "CPU: server %.0f%% (user %.0f%%), client %.0f%%, others %.0f%% of a core; kept %.0f of %.0f s%n",
                label, round, connections, size, result.perSecond(), micros(h, 50), micros(h, 99),
                100 * judge.serverCpu / kept, 100 * judge.serverUser / kept, 100 * judge.clientCpu / kept, 100 * judge.other / kept,
                kept, result.spentNanos() / 1e9);
        if (out != null) {
            append(out, HEADER, line + "\n");
        }
        if (slices != null) {
            append(slices, SLICE_HEADER, judge.sliceLines.toString());
        }
        return 0;
    }

    /**
     * Reads the CPU counters at each slice's edges, keeps the slices that other processes
     * left alone, and sums the counters of the kept ones.
     */
    private final class SliceJudge implements EchoClient.Judge {
        private final long self = ProcessHandle.current().pid();
        private final StringBuilder sliceLines = new StringBuilder();
        private CpuTimes.Process lastServer;
        private double lastClient;
        private CpuTimes.Core lastCore0;
        private CpuTimes.Core lastCore1;
        private int slice;

        // Sums over the kept slices, in CPU-seconds.
        double serverCpu;
        double serverUser;
        double clientCpu;
        double core0;
        double core1;
        double other;
        double stolen;

        @Override
        public void begin() {
            read();
        }

        @Override
        public boolean keep(long roundTrips, long nanos) {
            CpuTimes.Process server = lastServer;
            double client = lastClient;
            CpuTimes.Core c0 = lastCore0;
            CpuTimes.Core c1 = lastCore1;
            read();
            double seconds = nanos / 1e9;
            double dServer = serverPid > 0 ? lastServer.total() - server.total() : 0;
            double dServerUser = serverPid > 0 ? lastServer.user() - server.user() : 0;
            double dClient = lastClient - client;
            CpuTimes.Core d0 = lastCore0.minus(c0);
            CpuTimes.Core d1 = lastCore1.minus(c1);
            // What the two cores ran besides the server and this client.
            double dOther = d0.busy() + d1.busy() - dServer - dClient;
            boolean keep = !(dOther / seconds > maxOther);   // NaN (no /proc) keeps every slice
            slice++;
            sliceLines.append(String.join("\t", label, Integer.toString(round), Integer.toString(slice),
                    fmt("%.0f", roundTrips / seconds), fmt("%.3f", dServer / seconds), fmt("%.3f", dServerUser / seconds),
                    fmt("%.3f", dClient / seconds),
                    fmt("%.3f", dOther / seconds), keep ? "yes" : "no",
                    Integer.toString(connections), Integer.toString(size))).append('\n');
            if (keep) {
                serverCpu += dServer;
                serverUser += dServerUser;
                clientCpu += dClient;
                core0 += d0.busy();
                core1 += d1.busy();
                other += dOther;
                stolen += d0.stolen() + d1.stolen();
            }
            return keep;
        }

        private void read() {
            lastServer = serverPid > 0 ? CpuTimes.process(serverPid) : new CpuTimes.Process(Double.NaN, Double.NaN);
            lastClient = CpuTimes.process(self).total();
            lastCore0 = CpuTimes.core(0);
            lastCore1 = CpuTimes.core(1);
        }
    }

    private static void append(Path file, String header, String text) throws IOException {
        boolean fresh = !Files.exists(file) || Files.size(file) == 0;
        Files.writeString(file, (fresh ? header + "\n" : "") + text, StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    private static Duration seconds(double seconds) {
        return Duration.ofNanos((long) (seconds * TimeUnit.SECONDS.toNanos(1)));
    }

    private static double micros(Histogram h, double percentile) {
        return h.getValueAtPercentile(percentile) / 1000.0;
    }

    private static String fmt(String format, double value) {
        return String.format(Locale.ROOT, format, value);
    }
}
