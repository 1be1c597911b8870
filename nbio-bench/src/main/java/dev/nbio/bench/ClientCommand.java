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
import picocli.CommandLine.Option;

/**
 * {@code client}: runs the {@link EchoClient} against a server, prints the figures, and
 * appends them as one tab-separated line to {@code --out} for the {@code report}. With
 * {@code --server-pid} it also reads the server's CPU time at the edges of the measured
 * period; it always reads its own and both cores'.
 */
@Command(name = "client", mixinStandardHelpOptions = true,
        description = "Drives an echo server with N closed-loop connections and reports round trips per second and latency.")
final class ClientCommand implements Callable<Integer> {
    /** The columns of a result line, in order. */
    static final String HEADER = String.join("\t", "server", "round", "round_trips_per_s", "p50_us", "p99_us",
            "p999_us", "server_cpu", "client_cpu", "core0_busy", "core1_busy", "other_cpu", "stolen", "seconds", "round_trips");

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Server address (default: ${DEFAULT-VALUE}).")
    private String host;

    @Option(names = "--port", required = true, description = "Server port.")
    private int port;

    @Option(names = "--connections", defaultValue = "64", description = "Connections (default: ${DEFAULT-VALUE}).")
    private int connections;

    @Option(names = "--size", defaultValue = "64", description = "Message size in bytes (default: ${DEFAULT-VALUE}).")
    private int size;

    @Option(names = "--warmup", defaultValue = "10", description = "Warm-up seconds (default: ${DEFAULT-VALUE}).")
    private double warmupSeconds;

    @Option(names = "--duration", defaultValue = "20", description = "Measured seconds (default: ${DEFAULT-VALUE}).")
    private double measureSeconds;

    @Option(names = "--server-pid", defaultValue = "0", description = "The server's process id, to read its CPU time.")
    private long serverPid;

    @Option(names = "--label", defaultValue = "server", description = "Name of the server in the result line.")
    private String label;

    @Option(names = "--round", defaultValue = "1", description = "Round number in the result line.")
    private int round;

    @Option(names = "--out", description = "File to append the tab-separated result line to.")
    private Path out;

    @Override
    public Integer call() throws IOException {
        EchoClient client = new EchoClient(new EchoClient.Settings(new InetSocketAddress(host, port), connections, size,
                seconds(warmupSeconds), seconds(measureSeconds)));
        long self = ProcessHandle.current().pid();
        double[] before = new double[2];
        double[] after = new double[2];
        CpuTimes.Core[] coresBefore = new CpuTimes.Core[2];
        CpuTimes.Core[] coresAfter = new CpuTimes.Core[2];
        EchoClient.Result result = client.run(new EchoClient.Window() {
            @Override
            public void begin() {
                before[0] = serverPid > 0 ? CpuTimes.processSeconds(serverPid) : Double.NaN;
                before[1] = CpuTimes.processSeconds(self);
                coresBefore[0] = CpuTimes.core(0);
                coresBefore[1] = CpuTimes.core(1);
            }

            @Override
            public void end() {
                after[0] = serverPid > 0 ? CpuTimes.processSeconds(serverPid) : Double.NaN;
                after[1] = CpuTimes.processSeconds(self);
                coresAfter[0] = CpuTimes.core(0);
                coresAfter[1] = CpuTimes.core(1);
            }
        });
        double seconds = result.elapsedNanos() / 1e9;
        CpuTimes.Core core0 = coresAfter[0].minus(coresBefore[0]);
        CpuTimes.Core core1 = coresAfter[1].minus(coresBefore[1]);
        Histogram h = result.latencies();
        double serverCpu = (after[0] - before[0]) / seconds;
        double clientCpu = (after[1] - before[1]) / seconds;
        // What the two cores ran besides the server and this client: other processes' load.
        double otherCpu = (core0.busy() + core1.busy()) / seconds - (Double.isNaN(serverCpu) ? 0 : serverCpu) - clientCpu;
        String line = String.join("\t", label, Integer.toString(round),
                fmt("%.0f", result.perSecond()),
                fmt("%.1f", micros(h, 50)), fmt("%.1f", micros(h, 99)), fmt("%.1f", micros(h, 99.9)),
                fmt("%.3f", serverCpu), fmt("%.3f", clientCpu),
                fmt("%.3f", core0.busy() / seconds), fmt("%.3f", core1.busy() / seconds), fmt("%.3f", otherCpu),
                fmt("%.3f", (core0.stolen() + core1.stolen()) / seconds),
                fmt("%.2f", seconds), Long.toString(result.roundTrips()));
        System.out.printf(Locale.ROOT, "%s round %d: %.0f round trips/s, p50 %.1f us, p99 %.1f us; "
                        + "CPU busy: server %.0f%%, client %.0f%%, core0 %.0f%%, core1 %.0f%%, others %.0f%% of a core%n",
                label, round, result.perSecond(), micros(h, 50), micros(h, 99),
                100 * serverCpu, 100 * clientCpu, 100 * core0.busy() / seconds, 100 * core1.busy() / seconds,
                100 * otherCpu);
        if (out != null) {
            boolean fresh = !Files.exists(out) || Files.size(out) == 0;
            String text = (fresh ? HEADER + "\n" : "") + line + "\n";
            Files.writeString(out, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        }
        return 0;
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
