package dev.nbio.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code page}: puts one benchmark run into the results page. The page keeps its own text;
 * what a run produces goes between marker comments, {@code <!-- generated:NAME -->} and
 * {@code <!-- /generated:NAME -->}: {@code about} (when, where, which commit), {@code summary}
 * (a table of nbio's ratios on every workload, and the chart), and {@code echo},
 * {@code servers} and {@code micro} (each script's {@code report.md}). The chart is an SVG
 * drawn from the runs' {@code summary.tsv} files.
 */
@Command(name = "page", mixinStandardHelpOptions = true,
        description = "Writes a run's tables, summary and chart into the benchmarks page.")
final class PageCommand implements Callable<Integer> {

    @Option(names = "--page", required = true, description = "The Markdown page with generated:NAME markers.")
    private Path page;

    @Option(names = "--chart", required = true, description = "The SVG file to write; the page links it by file name.")
    private Path chart;

    @Option(names = "--about", required = true, description = "One line on the run: date, commit, machine.")
    private String about;

    @Option(names = "--echo", description = "The echo benchmark's results folder.")
    private Path echo;

    @Option(names = "--servers", description = "The HTTP/PING benchmark's results folder.")
    private Path servers;

    @Option(names = "--micro", description = "The micro benchmarks' results folder.")
    private Path micro;

    @Override
    public Integer call() throws IOException {
        String text = Files.readString(page);
        Map<String, Path> runs = new LinkedHashMap<>();
        runs.put("echo", echo);
        runs.put("servers", servers);
        runs.put("micro", micro);
        List<Summary.Row> rows = new ArrayList<>();
        for (Map.Entry<String, Path> run : runs.entrySet()) {
            if (run.getValue() == null) {
                continue;
            }
            Path report = run.getValue().resolve("report.md");
            if (!Files.exists(report)) {
                System.err.println("page: " + report + " is missing; did the " + run.getKey() + " benchmark finish?");
                return 1;
            }
            text = replace(text, run.getKey(), Files.readString(report).strip());
            rows.addAll(Summary.read(run.getValue()));
        }
        if (rows.isEmpty()) {
            System.err.println("page: no summary.tsv with any row in the given folders");
            return 1;
        }
        text = replace(text, "about", about.strip());
        text = replace(text, "summary", summaryTable(rows) + "\n\n![nbio against Netty's best transport on each workload]("
                + chart.getFileName() + ")");
        Files.writeString(chart, ChartSvg.draw(rows), StandardCharsets.UTF_8);
        Files.writeString(page, text, StandardCharsets.UTF_8);
        System.out.println("page: wrote " + page + " and " + chart);
        return 0;
    }

    /** Replaces what is between a region's markers; the markers must be there. */
    static String replace(String text, String region, String content) {
        String open = "<!-- generated:" + region + " -->";
        String close = "<!-- /generated:" + region + " -->";
        int start = text.indexOf(open);
        int end = text.indexOf(close);
        if (start < 0 || end < start) {
            throw new IllegalArgumentException("the page has no region '" + region + "': expected the lines " + open
                    + " and " + close + ", in that order");
        }
        return text.substring(0, start + open.length()) + "\n" + content + "\n" + text.substring(end);
    }

    private static String summaryTable(List<Summary.Row> rows) {
        StringBuilder t = new StringBuilder();
        t.append("| workload | nbio | figure | best reference | vs it | vs netty-nio | CPU per request vs it |\n");
        t.append("|---|---|---:|---|---:|---:|---:|\n");
        for (Summary.Row r : rows) {
            t.append(String.format(Locale.ROOT, "| %s | %s | %s %s | %s | %s | %s | %s |%n", r.workload(), r.impl(),
                    figure(r.value()), r.unit(), r.reference(), ratio(r.vsReference()), ratio(r.vsNettyNio()),
                    ratio(r.costVsReference())));
        }
        t.append("\nRatios above 1.00 mean nbio did better (faster, more per second, less CPU per request);"
                + " \"best reference\" is Netty's best transport on that workload, or the JDK's own call where Netty"
                + " has none.");
        return t.toString();
    }

    private static String figure(double v) {
        double a = Math.abs(v);
        return a >= 1000 ? String.format(Locale.ROOT, "%.0f", v)
                : a >= 10 ? String.format(Locale.ROOT, "%.1f", v)
                : String.format(Locale.ROOT, "%.2f", v);
    }

    private static String ratio(double v) {
        return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%.2f", v);
    }
}
