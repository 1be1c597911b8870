package dev.nbio.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.format.OutputFormatFactory;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code micro}: runs the JMH micro benchmarks of {@code dev.nbio.bench.jmh} side by side —
 * each implementation in its own fork, the order rotating from round to round — keeps the
 * measured iterations that other processes did not disturb, and prints per comparison the
 * median over rounds and the ratios to the references.
 *
 * <p>Run it pinned ({@code taskset -c 0}); the forks inherit the pinning.
 */
@Command(name = "micro", mixinStandardHelpOptions = true,
        description = "Runs the JMH micro benchmarks side by side and prints medians and ratios.")
final class MicroCommand implements Callable<Integer> {

    @Option(names = "--quick", description = "One short iteration each, small counts and files: checks that all runs.")
    private boolean quick;

    @Option(names = "--rounds", description = "Rounds (default: 3, or 1 with --quick).")
    private Integer rounds;

    @Option(names = "--only", description = "Runs the comparisons whose name matches this regex "
            + "(timers-add, timers-fire, wakeups, reads, reads-batch, sendfile, alloc).")
    private String only;

    @Option(names = "--impls", description = "Runs only the implementations whose name matches this regex "
            + "(nbio-uring, nbio-nio, netty-epoll, netty-io_uring, netty-nio, filechannel, transferTo, jdk-blocking).")
    private String implFilter;

    @Option(names = "--out", required = true, description = "Folder for runs.tsv and iterations.tsv.")
    private Path out;

    @Option(names = "--files", required = true, description = "Folder for the benchmark files (made once, reused).")
    private Path files;

    @Option(names = "--max-other", description = "Drops an iteration in which other processes used more than this "
            + "much of a core (default: 0.10; with --quick nothing is dropped).")
    private Double maxOther;

    @Option(names = "--quiet-wait", description = "Seconds to wait for idle cores before each fork (default: 5, --quick 0).")
    private Integer quietWait;

    /** One fork's outcome: the median of its kept iterations. */
    private record Run(String impl, int round, double value, double rate, double allocated, int kept, int measured,
                       double otherLoad) {
    }

    @Override
    public Integer call() throws IOException {
        int roundCount = rounds != null ? rounds : quick ? 1 : 3;
        double maxOtherLoad = maxOther != null ? maxOther : quick ? Double.POSITIVE_INFINITY : 0.10;
        int waitSeconds = quietWait != null ? quietWait : quick ? 0 : 5;
        Files.createDirectories(out);
        Files.createDirectories(files);
        Path runsFile = out.resolve("runs.tsv");
        Path iterationsFile = out.resolve("iterations.tsv");
        Files.writeString(runsFile, "case\timpl\tround\tvalue\tunit\trate\tallocated\tkept\tmeasured\tother_load\n");
        Files.writeString(iterationsFile, "case\timpl\tround\titeration\tscore\talloc_norm\tseconds\tother_load\tkept\n");

        Pattern filter = only == null ? null : Pattern.compile(only);
        List<MicroCase> cases = MicroCase.all().stream().filter(c -> filter == null || filter.matcher(c.name()).find())
                .toList();
        if (cases.isEmpty()) {
            System.err.println("micro: no comparison matches --only " + only);
            return 2;
        }
        Pattern implPattern = implFilter == null ? null : Pattern.compile(implFilter);
        Map<MicroCase, List<Run>> results = new LinkedHashMap<>();
        List<String> failures = new ArrayList<>();
        long start = System.nanoTime();
        for (int round = 1; round <= roundCount; round++) {
            for (MicroCase c : cases) {
                int n = c.impls().size();
                for (int i = 0; i < n; i++) {
                    String impl = c.impls().get((i + round - 1) % n);   // each round starts one later
                    if (implPattern != null && !implPattern.matcher(impl).find()) {
                        continue;
                    }
                    System.out.printf("%n== round %d/%d: %s, %s%n", round, roundCount, c.name(), impl);
                    waitUntilQuiet(waitSeconds);
                    LoadWatchingFormat format = new LoadWatchingFormat(
                            OutputFormatFactory.createFormatInstance(System.out, VerboseMode.NORMAL));
                    try {
                        new Runner(options(c, impl), format).run();
                    } catch (RunnerException | RuntimeException e) {
                        failures.add(c.name() + " " + impl + " (round " + round + "): " + e.getMessage());
                        System.out.println("micro: " + c.name() + " on " + impl + " FAILED: " + e);
                        continue;
                    }
                    if (format.samples().isEmpty()) {
                        failures.add(c.name() + " " + impl + " (round " + round + "): no measured iteration");
                        continue;
                    }
                    String fileMiB = format.param("fileMiB");
                    long fileBytes = fileMiB == null ? 0 : Long.parseLong(fileMiB) << 20;
                    String units = c.allocation() == null || c.allocation().divideBy() == null ? null
                            : format.param(c.allocation().divideBy());
                    double allocDivisor = units == null ? 1 : Double.parseDouble(units);
                    Run run = summarise(c, impl, round, format.samples(), fileBytes, allocDivisor, maxOtherLoad,
                            iterationsFile);
                    results.computeIfAbsent(c, k -> new ArrayList<>()).add(run);
                    Files.writeString(runsFile, String.format(Locale.ROOT, "%s\t%s\t%d\t%.6g\t%s\t%.6g\t%.6g\t%d\t%d\t%.3f%n",
                            c.name(), impl, round, run.value(), c.metric().unit, run.rate(), run.allocated(), run.kept(),
                            run.measured(), run.otherLoad()), StandardOpenOption.APPEND);
                }
            }
        }

        System.out.println();
        System.out.printf(Locale.ROOT, "== %d round(s)%s, took %.0f s%n", roundCount, quick ? " (quick)" : "",
                (System.nanoTime() - start) / 1e9);
        PrintStream table = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        try (PrintStream report = new PrintStream(Files.newOutputStream(out.resolve("report.md")), true,
                StandardCharsets.UTF_8)) {
            List<Summary.Row> summary = new ArrayList<>();
            for (MicroCase c : cases) {
                List<Run> caseRuns = results.getOrDefault(c, List.of());
                printTable(table, c, caseRuns);
                printTable(report, c, caseRuns);
                summary.addAll(summaryRows(c, caseRuns));
            }
            Summary.append(out, summary);
        }
        table.println("Runs: " + runsFile + "; every iteration: " + iterationsFile);
        if (!failures.isEmpty()) {
            table.println();
            table.println("FAILED (" + failures.size() + "):");
            failures.forEach(f -> table.println("  " + f));
            return 1;
        }
        return 0;
    }

    private org.openjdk.jmh.runner.options.Options options(MicroCase c, String impl) {
        ChainedOptionsBuilder builder = new OptionsBuilder()
                .include("^" + Pattern.quote("dev.nbio.bench.jmh." + c.benchmark()) + "$")
                .param("impl", impl)
                .forks(1)
                .shouldFailOnError(true)
                // The same settings in every fork. One visible CPU makes the JVM pick SerialGC
                // anyway; a million timers need room; Netty uses sun.misc.Unsafe on JDK 25 only
                // when allowed; nbio's io_uring backend calls the kernel through FFM.
                .jvmArgs("-Xms1g", "-Xmx1g", "-XX:+UseSerialGC", "--enable-native-access=ALL-UNNAMED",
                        "--sun-misc-unsafe-memory-access=allow", "-Dnbio.bench.dir=" + files.toAbsolutePath());
        if (quick) {
            c.quickParams().forEach(builder::param);
            builder.warmupIterations(1).measurementIterations(1)
                    .warmupTime(TimeValue.milliseconds(500)).measurementTime(TimeValue.milliseconds(500));
        }
        if (c.metric() == MicroCase.Metric.BYTES_PER_OP || c.allocation() != null) {
            builder.addProfiler(GCProfiler.class);
        }
        return builder.build();
    }

    private static Run summarise(MicroCase c, String impl, int round, List<LoadWatchingFormat.Sample> samples,
                                 long fileBytes, double allocDivisor, double maxOtherLoad, Path iterationsFile)
            throws IOException {
        List<Double> values = new ArrayList<>();
        List<Double> rates = new ArrayList<>();
        List<Double> allocations = new ArrayList<>();
        List<Double> loads = new ArrayList<>();
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < samples.size(); i++) {
            LoadWatchingFormat.Sample s = samples.get(i);
            boolean kept = !(s.otherLoad() > maxOtherLoad);   // an unknown load (NaN) is kept
            if (kept) {
                values.add(value(c, s, fileBytes));
                rates.add(s.score());
                if (!Double.isNaN(s.allocNorm())) {
                    allocations.add(s.allocNorm() / allocDivisor);
                }
            }
            if (!Double.isNaN(s.otherLoad())) {
                loads.add(s.otherLoad());
            }
            lines.append(String.format(Locale.ROOT, "%s\t%s\t%d\t%d\t%.6g\t%.6g\t%.3f\t%.3f\t%s%n", c.name(), impl, round,
                    i + 1, s.score(), s.allocNorm(), s.seconds(), s.otherLoad(), kept));
        }
        Files.writeString(iterationsFile, lines, StandardOpenOption.APPEND);
        return new Run(impl, round, median(values), median(rates), median(allocations), values.size(), samples.size(),
                median(loads));
    }

    /** The figure one iteration gives, in the comparison's unit. */
    private static double value(MicroCase c, LoadWatchingFormat.Sample s, long fileBytes) {
        return switch (c.metric()) {
            case MILLIS, RATE -> s.score();
            case BYTES_PER_OP -> s.allocNorm();
            case GIGABYTES_PER_SECOND -> fileBytes / (s.score() / 1e3) / 1e9;   // the score is ms per file
        };
    }

    private void waitUntilQuiet(int seconds) {
        for (int waited = 0; waited < seconds; waited++) {
            double before = CpuTimes.core(0).busy() + CpuTimes.core(1).busy();
            long t0 = System.nanoTime();
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            double busy = (CpuTimes.core(0).busy() + CpuTimes.core(1).busy() - before) / ((System.nanoTime() - t0) / 1e9);
            if (busy <= 0.05 * 2) {
                return;
            }
            if (waited == seconds - 1) {
                System.out.printf(Locale.ROOT, "   (the cores are %.0f%% busy with other work; disturbed iterations are dropped)%n",
                        busy * 50);
            }
        }
    }

    private static void printTable(PrintStream t, MicroCase c, List<Run> runs) {
        MicroCase.Metric m = c.metric();
        t.println();
        t.println("#### " + c.title());
        t.println();
        StringBuilder head = new StringBuilder("| impl | rounds | " + m.unit + " |");
        StringBuilder rule = new StringBuilder("|---|---:|---:|");
        if (m == MicroCase.Metric.BYTES_PER_OP) {
            head.append(" round trips/s |");
            rule.append("---:|");
        }
        if (c.allocation() != null) {
            head.append(" B allocated per ").append(c.allocation().per()).append(" |");
            rule.append("---:|");
        }
        for (String ref : c.references()) {
            head.append(m == MicroCase.Metric.BYTES_PER_OP ? " B/op more than " + ref + " |" : " speed vs " + ref + " |");
            rule.append("---:|");
        }
        head.append(" iterations kept | other load |");
        rule.append("---:|---:|");
        t.println(head);
        t.println(rule);
        Map<String, Double> medians = new LinkedHashMap<>();
        for (String impl : c.impls()) {
            medians.put(impl, median(runs.stream().filter(r -> r.impl().equals(impl) && r.kept() > 0)
                    .map(Run::value).toList()));
        }
        for (String impl : c.impls()) {
            List<Run> mine = runs.stream().filter(r -> r.impl().equals(impl)).toList();
            List<Run> kept = mine.stream().filter(r -> r.kept() > 0).toList();
            double value = medians.get(impl);
            StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "| %s | %d | %s |", impl, kept.size(),
                    format(value)));
            if (m == MicroCase.Metric.BYTES_PER_OP) {
                row.append(' ').append(format(median(kept.stream().map(Run::rate).toList()))).append(" |");
            }
            if (c.allocation() != null) {
                row.append(' ').append(format(median(kept.stream().map(Run::allocated).toList()))).append(" |");
            }
            for (String ref : c.references()) {
                double against = medians.get(ref);
                String cell;
                if (Double.isNaN(value) || Double.isNaN(against)) {
                    cell = "–";
                } else if (m == MicroCase.Metric.BYTES_PER_OP) {
                    cell = String.format(Locale.ROOT, "%+.1f", value - against);
                } else {
                    cell = String.format(Locale.ROOT, "%.2f", m.higherIsBetter ? value / against : against / value);
                }
                row.append(' ').append(cell).append(" |");
            }
            int keptIterations = mine.stream().mapToInt(Run::kept).sum();
            int measured = mine.stream().mapToInt(Run::measured).sum();
            double load = median(mine.stream().map(Run::otherLoad).filter(x -> !Double.isNaN(x)).toList());
            row.append(String.format(Locale.ROOT, " %d/%d | %s |", keptIterations, measured,
                    Double.isNaN(load) ? "–" : String.format(Locale.ROOT, "%.0f%%", load * 100)));
            t.println(row);
        }
        t.println();
        t.println(m == MicroCase.Metric.BYTES_PER_OP
                ? "Medians over rounds (each round: the median of its kept iterations). Lower is better."
                : "Medians over rounds (each round: the median of its kept iterations). 'speed vs X' above 1 means"
                        + " faster than X.");
    }

    /** The nbio rows of a comparison for summary.tsv: the median and the ratios to the best reference and to Netty NIO. */
    private static List<Summary.Row> summaryRows(MicroCase c, List<Run> runs) {
        MicroCase.Metric m = c.metric();
        Map<String, Double> medians = new LinkedHashMap<>();
        for (String impl : c.impls()) {
            medians.put(impl, median(runs.stream().filter(r -> r.impl().equals(impl) && r.kept() > 0)
                    .map(Run::value).toList()));
        }
        String reference = null;
        for (String ref : c.references()) {
            double v = medians.getOrDefault(ref, Double.NaN);
            if (!Double.isNaN(v) && (reference == null || better(m, v, medians.get(reference)))) {
                reference = ref;
            }
        }
        List<Summary.Row> rows = new ArrayList<>();
        for (String impl : c.impls()) {
            double value = medians.get(impl);
            if (!impl.startsWith("nbio-") || Double.isNaN(value)) {
                continue;
            }
            rows.add(new Summary.Row(c.title(), impl, value, m.unit, reference == null ? "-" : reference,
                    reference == null ? Double.NaN : speedRatio(m, value, medians.get(reference)),
                    speedRatio(m, value, medians.getOrDefault("netty-nio", Double.NaN)), Double.NaN));
        }
        return rows;
    }

    private static boolean better(MicroCase.Metric m, double a, double b) {
        return m.higherIsBetter ? a > b : a < b;
    }

    /** Above 1.0 when {@code value} is better than {@code against}; NaN for allocation, which is no speed. */
    private static double speedRatio(MicroCase.Metric m, double value, double against) {
        if (m == MicroCase.Metric.BYTES_PER_OP || Double.isNaN(against)) {
            return Double.NaN;
        }
        return m.higherIsBetter ? value / against : against / value;
    }

    private static String format(double v) {
        if (Double.isNaN(v)) {
            return "–";
        }
        double a = Math.abs(v);
        return a >= 1000 ? String.format(Locale.ROOT, "%.0f", v)
                : a >= 10 ? String.format(Locale.ROOT, "%.1f", v)
                : String.format(Locale.ROOT, "%.2f", v);
    }

    static double median(List<Double> values) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
