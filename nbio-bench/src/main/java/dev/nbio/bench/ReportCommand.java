package dev.nbio.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code report}: reads the result lines the clients appended and prints a Markdown table:
 * per server the medians over its rounds, and ratios to the best Netty transport (the Netty
 * server with the highest median throughput).
 */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = "Prints medians and ratios to the best Netty transport from a results file.")
final class ReportCommand implements Callable<Integer> {

    @Parameters(paramLabel = "RESULTS", description = "The tab-separated file the clients wrote (--out).")
    private Path results;

    /** One client run, as read back. */
    private record Run(String server, int round, double perSecond, double p50, double p99, double serverCpu, double clientCpu, double otherCpu,
                       double keptSeconds) {
        /** Server CPU time per round trip, in microseconds: the cost, whatever limited the rate. */
        double cpuMicrosPerRoundTrip() {
            return serverCpu * 1e6 / perSecond;
        }
    }

    /** A server's medians. */
    private record Summary(String server, int rounds, double perSecond, double p50, double p99, double serverCpu,
                           double cpuPerRoundTrip, double clientCpu, double otherCpu, double keptSeconds) {
    }

    @Override
    public Integer call() throws IOException {
        Map<String, List<Run>> byServer = new LinkedHashMap<>();
        List<String> lines = Files.readAllLines(results);
        List<String> header = Arrays.asList(lines.getFirst().split("\t"));
        for (String line : lines.subList(1, lines.size())) {
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.split("\t");
            Run run = new Run(f[header.indexOf("server")], (int) num(f, header, "round"),
                    num(f, header, "round_trips_per_s"),
                    num(f, header, "p50_us"), num(f, header, "p99_us"),
                    num(f, header, "server_cpu"), num(f, header, "client_cpu"), num(f, header, "other_cpu"),
                    num(f, header, "kept_s"));
            List<Run> runs = byServer.computeIfAbsent(run.server(), k -> new ArrayList<>());
            if (run.keptSeconds() > 0) {
                runs.add(run);   // a run whose every slice was disturbed measured nothing
            }
        }
        List<Summary> summaries = new ArrayList<>();
        List<String> unmeasured = new ArrayList<>();
        byServer.forEach((server, runs) -> {
            if (runs.isEmpty()) {
                unmeasured.add(server);
                return;
            }
            summaries.add(new Summary(server, runs.size(),
                median(runs, Run::perSecond), median(runs, Run::p50), median(runs, Run::p99),
                median(runs, Run::serverCpu), median(runs, Run::cpuMicrosPerRoundTrip), median(runs, Run::clientCpu),
                median(runs, Run::otherCpu), median(runs, Run::keptSeconds)));
        });
        if (summaries.isEmpty()) {
            System.out.println("No run kept an undisturbed slice: other processes kept the cores busy throughout.");
            return 1;
        }
        Summary reference = summaries.stream().filter(s -> s.server().startsWith("netty-"))
                .max((a, b) -> Double.compare(a.perSecond(), b.perSecond()))
                .orElse(summaries.getFirst());

        System.out.println("Medians over rounds (each round: the undisturbed slices of one run); ratios are to "
                + reference.server() + " (the Netty transport with the highest median round trips/s);"
                + " the same-round ratio is the median of per-round ratios (rounds compared).");
        System.out.println();
        List<Run> referenceRuns = byServer.get(reference.server());
        System.out.println("| server | rounds kept | round trips/s | vs " + reference.server()
                + " | same-round ratio | p50 µs | p99 µs | server CPU | server CPU µs / round trip | vs " + reference.server()
                + " | client CPU | other load | kept s |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (Summary s : summaries) {
            System.out.printf(Locale.ROOT, "| %s | %d | %.0f | %.2f | %s | %.1f | %.1f | %.0f%% | %.2f | %.2f | %.0f%% | %.0f%% | %.0f |%n",
                    s.server(), s.rounds(), s.perSecond(), s.perSecond() / reference.perSecond(),
                    sameRoundRatio(byServer.get(s.server()), referenceRuns), s.p50(), s.p99(),
                    100 * s.serverCpu(), s.cpuPerRoundTrip(), s.cpuPerRoundTrip() / reference.cpuPerRoundTrip(),
                    100 * s.clientCpu(), 100 * s.otherCpu(), s.keptSeconds());
        }
        for (String server : unmeasured) {
            System.out.println("| " + server + " | 0 | no undisturbed slice in any round | | | | | | | | | | |");
        }
        return 0;
    }

    /**
     * The median, over the rounds both measured, of the server's rate over the reference's
     * in the same round: runs a minute apart share the machine's slower and faster spells.
     */
    private static String sameRoundRatio(List<Run> runs, List<Run> referenceRuns) {
        List<Double> ratios = new ArrayList<>();
        for (Run run : runs) {
            for (Run reference : referenceRuns) {
                if (reference.round() == run.round()) {
                    ratios.add(run.perSecond() / reference.perSecond());
                }
            }
        }
        if (ratios.isEmpty()) {
            return "-";
        }
        double[] values = ratios.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int n = values.length;
        double median = n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
        return String.format(Locale.ROOT, "%.2f (%d)", median, n);
    }

    private static double num(String[] fields, List<String> header, String column) {
        int at = header.indexOf(column);
        return at >= 0 && at < fields.length ? Double.parseDouble(fields[at]) : Double.NaN;
    }

    private static double median(List<Run> runs, java.util.function.ToDoubleFunction<Run> value) {
        double[] values = runs.stream().mapToDouble(value).sorted().toArray();
        int n = values.length;
        return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
    }
}
