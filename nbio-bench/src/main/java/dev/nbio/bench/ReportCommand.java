package dev.nbio.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.ToDoubleBiFunction;
import java.util.function.ToDoubleFunction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code report}: reads the result lines the clients appended and prints, for each shape
 * (connection count and message size, in the order the shapes first appear), per server the
 * medians over its rounds and ratios to the best Netty transport.
 *
 * <p>A shape with several connections measures throughput: a rate table and a cost table,
 * ratios to the Netty server with the highest median rate. A shape with one connection
 * measures latency: with one message in flight the rate is only the inverse of the latency,
 * so the table leads with p50 and p99, as ratios Netty's latency over the server's (so that,
 * as everywhere else, 1.0 or more means the server is at least as good).
 */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = "Prints medians and ratios to the best Netty transport from a results file, one table set per shape.")
final class ReportCommand implements Callable<Integer> {

    /** Said where the ratios' base is not a Netty server. */
    private static final String NO_NETTY = "no Netty transport kept an undisturbed slice";

    @Parameters(paramLabel = "RESULTS", description = "The tab-separated file the clients wrote (--out).")
    private Path results;

    /** A load shape; 0 where the results file predates the columns. */
    private record Shape(int connections, int size) {
        boolean latency() {
            return connections == 1;
        }

        String describe() {
            if (connections == 0) {
                return "connections not recorded";
            }
            return connections + (connections == 1 ? " connection" : " connections") + " × " + size + " bytes";
        }
    }

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
        Map<Shape, Map<String, List<Run>>> byShape = read();
        boolean anyMeasured = false;
        boolean first = true;
        List<Summary.Row> summary = new ArrayList<>();
        for (Map.Entry<Shape, Map<String, List<Run>>> entry : byShape.entrySet()) {
            if (!first) {
                System.out.println();
            }
            first = false;
            Shape shape = entry.getKey();
            Map<String, List<Run>> byServer = entry.getValue();
            if (byServer.values().stream().allMatch(List::isEmpty)) {
                System.out.println("**" + shape.describe() + ".** No run kept an undisturbed slice: other processes"
                        + " kept the cores busy throughout.");
                continue;
            }
            anyMeasured = true;
            if (shape.latency()) {
                printLatency(shape, byServer);
                summary.addAll(latencySummary(shape, byServer));
            } else {
                printThroughput(shape, byServer);
                summary.addAll(throughputSummary(shape, byServer));
            }
        }
        if (byShape.isEmpty()) {
            System.out.println("No result lines in " + results + ".");
        }
        Summary.append(results.toAbsolutePath().getParent(), summary);
        return anyMeasured ? 0 : 1;
    }

    /** nbio's rates for summary.tsv: against the best Netty transport's and Netty NIO's, and the CPU per round trip. */
    private static List<Summary.Row> throughputSummary(Shape shape, Map<String, List<Run>> byServer) {
        String reference = bestNetty(byServer, Comparator.comparingDouble(runs -> median(runs, Run::perSecond)));
        List<Run> ref = byServer.get(reference);
        List<Run> nettyNio = byServer.getOrDefault("netty-nio", List.of());
        List<Summary.Row> rows = new ArrayList<>();
        byServer.forEach((server, runs) -> {
            if (server.startsWith("nbio-") && !runs.isEmpty()) {
                double rate = median(runs, Run::perSecond);
                rows.add(new Summary.Row("TCP echo, " + shape.describe(), server, rate, "round trips/s", reference,
                        rate / median(ref, Run::perSecond),
                        nettyNio.isEmpty() ? Double.NaN : rate / median(nettyNio, Run::perSecond),
                        median(ref, Run::cpuMicros) / median(runs, Run::cpuMicros)));
            }
        });
        return rows;
    }

    /** nbio's p50 and p99 for summary.tsv, each against the Netty transport with the lowest, and Netty NIO's. */
    private static List<Summary.Row> latencySummary(Shape shape, Map<String, List<Run>> byServer) {
        List<Summary.Row> rows = new ArrayList<>();
        List<Run> nettyNio = byServer.getOrDefault("netty-nio", List.of());
        for (String percentile : List.of("p50", "p99")) {
            ToDoubleFunction<Run> latency = percentile.equals("p50") ? Run::p50 : Run::p99;
            String reference = bestNetty(byServer,
                    Comparator.comparingDouble((List<Run> runs) -> median(runs, latency)).reversed());
            double best = median(byServer.get(reference), latency);
            byServer.forEach((server, runs) -> {
                if (server.startsWith("nbio-") && !runs.isEmpty()) {
                    double mine = median(runs, latency);
                    rows.add(new Summary.Row("TCP echo, " + shape.describe() + ": " + percentile + " latency", server,
                            mine, "µs", reference, best / mine,
                            nettyNio.isEmpty() ? Double.NaN : median(nettyNio, latency) / mine, Double.NaN));
                }
            });
        }
        return rows;
    }

    /** Rate and cost, ratios to the Netty transport with the highest median rate. */
    private static void printThroughput(Shape shape, Map<String, List<Run>> byServer) {
        String reference = bestNetty(byServer, Comparator.comparingDouble(runs -> median(runs, Run::perSecond)));
        List<Run> ref = byServer.get(reference);

        System.out.println("**" + shape.describe() + ": throughput.** Medians over rounds (a round: the undisturbed"
                + " slices of one run). Ratios are to " + reference + ", "
                + (isNetty(reference) ? "the Netty transport with the highest median rate"
                        : "the first server measured, since " + NO_NETTY)
                + "; 'same round' is the median of the ratios to it within each round (how many rounds in brackets).");
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
                    rate / median(ref, Run::perSecond),
                    sameRoundRatio(runs, ref, (run, other) -> run.perSecond() / other.perSecond()),
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
    }

    /**
     * p50 and p99, each against the Netty transport with the lowest median of that
     * percentile, as Netty's latency over the server's: 1.0 or more is at least as fast.
     */
    private static void printLatency(Shape shape, Map<String, List<Run>> byServer) {
        String ref50 = bestNetty(byServer, Comparator.comparingDouble((List<Run> runs) -> median(runs, Run::p50)).reversed());
        String ref99 = bestNetty(byServer, Comparator.comparingDouble((List<Run> runs) -> median(runs, Run::p99)).reversed());
        List<Run> refRuns50 = byServer.get(ref50);
        List<Run> refRuns99 = byServer.get(ref99);

        System.out.println("**" + shape.describe() + ": latency.** One message in flight, every round trip timed"
                + " (send to whole echo). Medians over rounds (a round: the undisturbed slices of one run). Latency"
                + " ratios are the best Netty transport's latency divided by the server's, so 1.00 or more means"
                + " the server answers at least as fast; the best Netty transport is the one with the lowest median"
                + " of that percentile (p50: " + ref50 + ", p99: " + ref99 + ")"
                + (isNetty(ref50) && isNetty(ref99) ? "" : "; " + NO_NETTY + ", so the ratios are to the first server measured")
                + ". 'same round' is the median of the ratios within each round (how many rounds in brackets).");
        System.out.println();
        System.out.println("| server | rounds | p50 µs | vs " + ref50 + " (its p50 ÷ this; ≥ 1: as fast) | same round"
                + " | p99 µs | vs " + ref99 + " (its p99 ÷ this; ≥ 1: as fast) | same round | round trips/s | server CPU"
                + " | server CPU µs / round trip |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        double best50 = median(refRuns50, Run::p50);
        double best99 = median(refRuns99, Run::p99);
        byServer.forEach((server, runs) -> {
            if (runs.isEmpty()) {
                System.out.println("| " + server + " | 0 | no undisturbed slice in any round | | | | | | | | |");
                return;
            }
            double p50 = median(runs, Run::p50);
            double p99 = median(runs, Run::p99);
            System.out.printf(Locale.ROOT, "| %s | %d | %.1f | %.2f | %s | %.1f | %.2f | %s | %.0f | %.0f%% | %.2f |%n",
                    server, runs.size(),
                    p50, best50 / p50, sameRoundRatio(runs, refRuns50, (run, other) -> other.p50() / run.p50()),
                    p99, best99 / p99, sameRoundRatio(runs, refRuns99, (run, other) -> other.p99() / run.p99()),
                    median(runs, Run::perSecond), 100 * median(runs, Run::serverCpu), median(runs, Run::cpuMicros));
        });
    }

    private static boolean isNetty(String server) {
        return server.startsWith("netty-");
    }

    /**
     * The Netty server whose runs rank highest by {@code better}; the first measured server
     * when no Netty server measured anything, so the ratios still have a base.
     */
    private static String bestNetty(Map<String, List<Run>> byServer, Comparator<List<Run>> better) {
        List<String> measured = byServer.entrySet().stream().filter(e -> !e.getValue().isEmpty()).map(Map.Entry::getKey)
                .toList();
        return measured.stream().filter(ReportCommand::isNetty)
                .max(Comparator.comparing(byServer::get, better))
                .orElse(measured.getFirst());
    }

    /**
     * The runs by shape and then by server, both in the order they first appear; runs with
     * nothing kept are left out, but their server is listed.
     */
    private Map<Shape, Map<String, List<Run>>> read() throws IOException {
        Map<Shape, Map<String, List<Run>>> byShape = new LinkedHashMap<>();
        List<String> lines = Files.readAllLines(results);
        if (lines.isEmpty()) {
            return byShape;
        }
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
            // A file from before the shape columns has one shape, "not recorded" (NaN casts to 0).
            Shape shape = new Shape((int) num(f, header, "connections"), (int) num(f, header, "size"));
            List<Run> runs = byShape.computeIfAbsent(shape, k -> new LinkedHashMap<>())
                    .computeIfAbsent(run.server(), k -> new ArrayList<>());
            if (run.keptSeconds() > 0) {
                runs.add(run);   // a run whose every slice was disturbed measured nothing
            }
        }
        return byShape;
    }

    /**
     * The median, over the rounds both measured, of {@code ratio(run, reference's run)} in
     * the same round: runs a minute apart share the machine's slower and faster spells.
     */
    private static String sameRoundRatio(List<Run> runs, List<Run> referenceRuns, ToDoubleBiFunction<Run, Run> ratio) {
        List<Double> ratios = new ArrayList<>();
        for (Run run : runs) {
            for (Run reference : referenceRuns) {
                if (reference.round() == run.round()) {
                    ratios.add(ratio.applyAsDouble(run, reference));
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
