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
 * {@code servers-report}: reads the takes {@code scripts/bench-servers.sh} wrote and prints
 * one Markdown table per workload and pipelining depth. A run (one server, one round) is its
 * kept takes added up; each column is the median over the rounds of the run's figure, with
 * ratios to the best Netty transport (the Netty server with the highest median rate). The
 * nbio rows also go to {@code summary.tsv} beside the takes, for {@code page}.
 */
@Command(name = "servers-report", mixinStandardHelpOptions = true,
        description = "Prints the HTTP and PING tables (medians, ratios to the best Netty transport) from takes.tsv.")
final class ServersReportCommand implements Callable<Integer> {

    @Parameters(paramLabel = "TAKES", description = "The tab-separated file bench-servers.sh wrote.")
    private Path takes;

    /** One take of a client run, as read back. */
    private record Take(String workload, int depth, String server, int round, double requests, double seconds,
                        double wall, double serverCpu, double serverUser, double clientCpu, double other, boolean kept) {
    }

    /** One run: a server's kept takes of one round, added up. */
    private record Run(int round, double requests, double seconds, double wall, double serverCpu, double serverUser,
                       double clientCpu, double other, int takes) {
        double rate() {
            return requests / seconds;
        }

        /** The server's core, busy: 1.0 is the whole core. */
        double serverBusy() {
            return serverCpu / wall;
        }

        double clientBusy() {
            return clientCpu / wall;
        }

        /** Server CPU time per request, in microseconds: the cost, whatever limited the rate. */
        double cpuMicros() {
            return serverCpu * 1e6 / requests;
        }

        double userMicros() {
            return serverUser * 1e6 / requests;
        }
    }

    @Override
    public Integer call() throws IOException {
        Map<String, Map<String, List<Take>>> byTable = read();
        if (byTable.isEmpty()) {
            System.out.println("No takes: no server served any load.");
            return 1;
        }
        List<Summary.Row> summary = new ArrayList<>();
        byTable.forEach((table, byServer) -> printTable(table, byServer, summary));
        Summary.append(takes.toAbsolutePath().getParent(), summary);
        return 0;
    }

    private void printTable(String table, Map<String, List<Take>> byServer, List<Summary.Row> summary) {
        Map<String, List<Run>> runs = new LinkedHashMap<>();
        byServer.forEach((server, serverTakes) -> runs.put(server, runs(serverTakes)));
        System.out.println();
        System.out.println("#### " + title(table));
        System.out.println();
        List<String> measured = runs.entrySet().stream().filter(e -> !e.getValue().isEmpty()).map(Map.Entry::getKey).toList();
        if (measured.isEmpty()) {
            System.out.println("No run kept an undisturbed take: other processes kept the cores busy throughout.");
            return;
        }
        String reference = measured.stream().filter(s -> s.startsWith("netty-"))
                .max((a, b) -> Double.compare(median(runs.get(a), Run::rate), median(runs.get(b), Run::rate)))
                .orElse(measured.getFirst());
        List<Run> ref = runs.get(reference);
        System.out.println("| server | rounds | requests/s | vs " + reference + " | same round | server CPU"
                + " | server CPU µs / request | vs " + reference + " | of it user µs | client CPU | other load | kept s |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        runs.forEach((server, serverRuns) -> {
            if (serverRuns.isEmpty()) {
                System.out.println("| " + server + " | 0 | no undisturbed take in any round | | | | | | | | | |");
                return;
            }
            double rate = median(serverRuns, Run::rate);
            double cpu = median(serverRuns, Run::cpuMicros);
            System.out.printf(Locale.ROOT, "| %s | %d | %.0f | %.2f | %s | %.0f%% | %.2f | %.2f | %.2f | %.0f%% | %.0f%% | %.0f |%n",
                    server, serverRuns.size(), rate, rate / median(ref, Run::rate), sameRoundRatio(serverRuns, ref),
                    100 * median(serverRuns, Run::serverBusy), cpu, cpu / median(ref, Run::cpuMicros),
                    median(serverRuns, Run::userMicros), 100 * median(serverRuns, Run::clientBusy),
                    100 * median(serverRuns, Run::other), median(serverRuns, Run::seconds));
        });
        List<Run> nettyNio = runs.getOrDefault("netty-nio", List.of());
        runs.forEach((server, serverRuns) -> {
            if (server.startsWith("nbio-") && !serverRuns.isEmpty()) {
                double rate = median(serverRuns, Run::rate);
                summary.add(new Summary.Row(title(table), server, rate, "requests/s", reference,
                        rate / median(ref, Run::rate),
                        nettyNio.isEmpty() ? Double.NaN : rate / median(nettyNio, Run::rate),
                        median(ref, Run::cpuMicros) / median(serverRuns, Run::cpuMicros)));
            }
        });
    }

    private static String title(String table) {
        String[] parts = table.split(" ");
        String workload = parts[0];
        int depth = Integer.parseInt(parts[1]);
        return switch (workload) {
            case "http" -> "HTTP/1.1 GET /plaintext (wrk), " + (depth == 1 ? "no pipelining" : depth + " requests pipelined");
            case "ping" -> "Redis PING inline (redis-benchmark -t ping_inline -P " + depth + ")";
            default -> workload + ", depth " + depth;
        };
    }

    /** Each round's kept takes, added up; rounds without a kept take are left out. */
    private static List<Run> runs(List<Take> takes) {
        Map<Integer, List<Take>> byRound = new LinkedHashMap<>();
        for (Take take : takes) {
            if (take.kept()) {
                byRound.computeIfAbsent(take.round(), k -> new ArrayList<>()).add(take);
            }
        }
        List<Run> runs = new ArrayList<>();
        byRound.forEach((round, kept) -> runs.add(new Run(round,
                sum(kept, Take::requests), sum(kept, Take::seconds), sum(kept, Take::wall), sum(kept, Take::serverCpu),
                sum(kept, Take::serverUser), sum(kept, Take::clientCpu), median(kept, Take::other), kept.size())));
        return runs;
    }

    /** Takes by table ("workload depth") and server, each in the order first seen. */
    private Map<String, Map<String, List<Take>>> read() throws IOException {
        Map<String, Map<String, List<Take>>> byTable = new LinkedHashMap<>();
        List<String> lines = Files.readAllLines(takes);
        List<String> header = Arrays.asList(lines.getFirst().split("\t"));
        for (String line : lines.subList(1, lines.size())) {
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.split("\t");
            Take take = new Take(f[header.indexOf("workload")], (int) num(f, header, "depth"), f[header.indexOf("server")],
                    (int) num(f, header, "round"), num(f, header, "requests"), num(f, header, "seconds"),
                    num(f, header, "wall_s"), num(f, header, "server_cpu_s"), num(f, header, "server_user_s"),
                    num(f, header, "client_cpu_s"), num(f, header, "other_cores"), num(f, header, "kept") == 1);
            byTable.computeIfAbsent(take.workload() + " " + take.depth(), k -> new LinkedHashMap<>())
                    .computeIfAbsent(take.server(), k -> new ArrayList<>()).add(take);
        }
        return byTable;
    }

    /** The median over the rounds both measured of the server's rate over the reference's in the same round. */
    private static String sameRoundRatio(List<Run> runs, List<Run> referenceRuns) {
        List<Double> ratios = new ArrayList<>();
        for (Run run : runs) {
            for (Run reference : referenceRuns) {
                if (reference.round() == run.round()) {
                    ratios.add(run.rate() / reference.rate());
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

    private static <T> double sum(List<T> items, ToDoubleFunction<T> value) {
        return items.stream().mapToDouble(value).sum();
    }

    private static <T> double median(List<T> items, ToDoubleFunction<T> value) {
        double[] values = items.stream().mapToDouble(value).sorted().toArray();
        int n = values.length;
        return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
    }
}
