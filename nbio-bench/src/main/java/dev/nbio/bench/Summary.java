package dev.nbio.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * {@code summary.tsv}: one line per workload and nbio implementation with its figure and its
 * ratios, written by each report beside its tables and read by {@code page} for the summary
 * table and the chart. Every ratio is oriented so that above 1.0 means nbio does better.
 */
final class Summary {
    static final String FILE = "summary.tsv";
    private static final String HEADER =
            "workload\timpl\tvalue\tunit\treference\tvs_reference\tvs_netty_nio\tcost_vs_reference\n";

    /**
     * One nbio figure.
     *
     * @param workload        what was measured, as the page names it
     * @param impl            {@code nbio-uring} or {@code nbio-nio}
     * @param value           the median figure
     * @param unit            its unit
     * @param reference       the best reference on this workload (Netty's best transport, or the JDK's call)
     * @param vsReference     nbio's figure against the reference's, above 1.0 when nbio does better; NaN if none
     * @param vsNettyNio      the same against Netty's NIO transport; NaN when it did not run
     * @param costVsReference the reference's CPU time per request over nbio's; NaN when not measured
     */
    record Row(String workload, String impl, double value, String unit, String reference, double vsReference,
               double vsNettyNio, double costVsReference) {
    }

    private Summary() {
    }

    /** Appends rows to {@code dir/summary.tsv}, writing the header first when the file is new. */
    static void append(Path dir, List<Row> rows) throws IOException {
        Path file = dir.resolve(FILE);
        if (!Files.exists(file)) {
            Files.writeString(file, HEADER);
        }
        StringBuilder lines = new StringBuilder();
        for (Row r : rows) {
            lines.append(String.format(Locale.ROOT, "%s\t%s\t%.6g\t%s\t%s\t%.4f\t%.4f\t%.4f%n", r.workload(), r.impl(),
                    r.value(), r.unit(), r.reference(), r.vsReference(), r.vsNettyNio(), r.costVsReference()));
        }
        Files.writeString(file, lines, StandardOpenOption.APPEND);
    }

    /** Reads {@code dir/summary.tsv}; an empty list when the file is missing. */
    static List<Row> read(Path dir) throws IOException {
        Path file = dir.resolve(FILE);
        if (!Files.exists(file)) {
            return List.of();
        }
        List<String> lines = Files.readAllLines(file);
        List<String> header = Arrays.asList(lines.getFirst().split("\t"));
        List<Row> rows = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.split("\t", -1);
            rows.add(new Row(f[header.indexOf("workload")], f[header.indexOf("impl")], num(f, header, "value"),
                    f[header.indexOf("unit")], f[header.indexOf("reference")], num(f, header, "vs_reference"),
                    num(f, header, "vs_netty_nio"), num(f, header, "cost_vs_reference")));
        }
        return rows;
    }

    private static double num(String[] fields, List<String> header, String column) {
        int at = header.indexOf(column);
        return at >= 0 && at < fields.length && !fields[at].isEmpty() ? Double.parseDouble(fields[at]) : Double.NaN;
    }
}
