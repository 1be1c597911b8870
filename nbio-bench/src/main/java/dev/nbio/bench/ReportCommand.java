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
import java.util.function.ToDoubleFunction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code report}: reads the result lines the clients appended and prints two Markdown
 * tables, rate and cost: per server the medians over its rounds, and ratios to the best
 * Netty transport (the Netty server with the highest median throughput).
 */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = "Prints medians and ratios to the best Netty transport from a results file.")
final class ReportCommand implements Callable<Integer> {

    @Parameters(paramLabel = "RESULTS", description = "The tab-separated file the clients wrote (--out).")
    private Path results;

    /** One client run, as read back. */
    private record Run(String server, int round, double perSecond, double p50, double p99, double serverCpu,
                       double serverUser, double clientCpu, double otherCpu, double keptSeconds) {
        /** Server CPU time per round trip, in microseconds: the cost, whatever limited the rate. */
        double cpuMicros() {
            return serverCpu * 1e6 / perSecond;
        }

        /** The user-space part of it: the server's own code, where event loops differ most. */
        double userMicros() {
            return serverUser * 1e6 / perSecond;
        }
    }

    @Override
    public Integer call() throws IOException {
        Map<String, List<Run>> byServer = read();
        List<String> measured = byServer.entrySet().stream().filter(e -> !e.getValue().isEmpty()).map(Map.Entry::getKey)
                .toList();
        if (measured.isEmpty()) {
            System.out.println("No run kept an undisturbed slice: other processes kept the cores busy throughout.");
            return 1;
        }
        String reference = measured.stream().filter(s -> s.startsWith("netty-"))
                .max((a, b) -> Double.compare(median(byServer.get(a), Run::perSecond), median(byServer.get(b), Run::perSecond)))
                .orElse(measured.getFirst());
        List<Run> ref = byServer.get(reference);

        System.out.println("Medians over rounds (a round: the undisturbed slices of one run). Ratios are to " + reference
                + ", the Netty transport with the highest median rate; 'same round' is the median of the ratios"
                + " to it within each round (how many rounds in brackets).");
        System.out.println();
        System.out.println("| server | rounds | round trips/s | vs " + reference + " | same round | p50 µs | p99 µs |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|");
        byServer.forEach((server, runs) -> {
            if (runs.isEmpty()) {
                System.out.println("| " + server + " | 0 | no undisturbed slice in any round | | | | |");
                return;
            }
            double rate = median(runs, Run::perSecond);
            System.out.printf(Locale.ROOT, "| %s | %d | %.0f | %.2f | %s | %.0f | %.0f |%n", server, runs.size(), rate,
                    rate / median(ref, Run::perSecond), sameRoundRatio(runs, ref),
                    median(runs, Run::p50), median(runs, Run::p99));
        });
        System.out.println();
        System.out.println("| server | server CPU | client CPU | server CPU µs / round trip | vs " + reference
                + " | of it user µs | vs " + reference + " | other load | kept s |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        byServer.forEach((server, runs) -> {
            if (runs.isEmpty()) {
                return;
            }
            double cpu = median(runs, Run::cpuMicros);
            double user = median(runs, Run::userMicros);
            System.out.printf(Locale.ROOT, "| %s | %.0f%% | %.0f%% | %.2f | %.2f | %.2f | %.2f | %.0f%% | %.0f |%n", server,
                    100 * median(runs, Run::serverCpu), 100 * median(runs, Run::clientCpu),
                    cpu, cpu / median(ref, Run::cpuMicros), user, user / median(ref, Run::userMicros),
                    100 * median(runs, Run::otherCpu), median(runs, Run::keptSeconds));
        });
        return 0;
    }

    /** The runs by server, in the order the servers first appear; runs with nothing kept are left out. */
    private Map<String, List<Run>> read() throws IOException {
        Map<String, List<Run>> byServer = new LinkedHashMap<>();
        List<String> lines = Files.readAllLines(results);
        List<String> header = Arrays.asList(lines.getFirst().split("\t"));
        for (String line : lines.subList(1, lines.size())) {
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.split("\t");
            Run run = new Run(f[header.indexOf("server")], (int) num(f, header, "round"),
                    num(f, header, "round_trips_per_s"), num(f, header, "p50_us"), num(f, header, "p99_us"),
                    num(f, header, "server_cpu"), num(f, header, "server_user"), num(f, header, "client_cpu"),
                    num(f, header, "other_cpu"), num(f, header, "kept_s"));
            List<Run> runs = byServer.computeIfAbsent(run.server(), k -> new ArrayList<>());
            if (run.keptSeconds() > 0) {
                runs.add(run);   // a run whose every slice was disturbed measured nothing
            }
        }
        return byServer;
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
        return ratios.isEmpty() ? "-"
                : String.format(Locale.ROOT, "%.2f (%d)", median(ratios, Double::doubleValue), ratios.size());
    }

    private static double num(String[] fields, List<String> header, String column) {
        int at = header.indexOf(column);
        return at >= 0 && at < fields.length ? Double.parseDouble(fields[at]) : Double.NaN;
    }

    private static <T> double median(List<T> items, ToDoubleFunction<T> value) {
        double[] values = items.stream().mapToDouble(value).sorted().toArray();
        int n = values.length;
        return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
    }
}
