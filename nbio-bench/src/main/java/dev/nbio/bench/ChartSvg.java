package dev.nbio.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The results chart: per workload, a bar for nbio's better backend against the best
 * reference and one for nbio's NIO backend against Netty's NIO transport, on one ratio
 * scale with a line at 1.0 (level with the reference). Plain SVG, no script, so it renders
 * wherever the Markdown does.
 */
final class ChartSvg {
    private static final int WIDTH = 900;
    private static final int LABEL = 330;
    private static final int BAR = 14;
    private static final int GAP = 4;
    private static final int GROUP_GAP = 10;
    private static final int TOP = 48;
    private static final String BEST = "#2f6db5";
    private static final String NIO = "#e08a1e";

    private record Bar(String label, double ratio, String colour) {
    }

    private ChartSvg() {
    }

    static String draw(List<Summary.Row> rows) {
        Map<String, List<Bar>> groups = bars(rows);
        double max = 1.5;
        for (List<Bar> bars : groups.values()) {
            for (Bar bar : bars) {
                max = Math.max(max, Math.ceil(bar.ratio() * 2) / 2);
            }
        }
        int barsTotal = groups.values().stream().mapToInt(List::size).sum();
        int height = TOP + groups.size() * (GROUP_GAP + 16) + barsTotal * (BAR + GAP) + 40;
        double scale = (WIDTH - LABEL - 60) / max;
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "font-family=\"sans-serif\" font-size=\"12\">%n", WIDTH, height));
        s.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", WIDTH, height));
        s.append("<text x=\"10\" y=\"18\" font-size=\"14\" font-weight=\"bold\">nbio against the best reference"
                + " (ratio; above 1.0 is better)</text>\n");
        legend(s, 10, 40, BEST, "nbio's better backend vs Netty's best transport (or the JDK's call)");
        legend(s, 480, 40, NIO, "nbio-nio vs Netty's NIO transport");
        int y = TOP + 10;
        for (Map.Entry<String, List<Bar>> group : groups.entrySet()) {
            y += GROUP_GAP;
            s.append(String.format(Locale.ROOT, "<text x=\"10\" y=\"%d\" font-weight=\"bold\">%s</text>%n", y + 12,
                    escape(group.getKey())));
            y += 16;
            for (Bar bar : group.getValue()) {
                int w = (int) Math.round(bar.ratio() * scale);
                s.append(String.format(Locale.ROOT, "<text x=\"20\" y=\"%d\">%s</text>%n", y + BAR - 3,
                        escape(bar.label())));
                s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\"/>%n",
                        LABEL, y, w, BAR, bar.colour()));
                s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">%.2f</text>%n", LABEL + w + 4, y + BAR - 3,
                        bar.ratio()));
                y += BAR + GAP;
            }
        }
        int one = LABEL + (int) Math.round(scale);
        s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"black\" "
                + "stroke-dasharray=\"4 3\"/>%n", one, TOP + 6, one, y + 4));
        for (double tick = 0; tick <= max + 1e-9; tick += 0.5) {
            int x = LABEL + (int) Math.round(tick * scale);
            s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#999\"/>%n",
                    x, y + 4, x, y + 9));
            s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%.1f</text>%n",
                    x, y + 22, tick));
        }
        s.append("</svg>\n");
        return s.toString();
    }

    /** Per workload: the better nbio backend against the best reference, and nbio-nio against netty-nio. */
    private static Map<String, List<Bar>> bars(List<Summary.Row> rows) {
        Map<String, List<Summary.Row>> byWorkload = new LinkedHashMap<>();
        for (Summary.Row row : rows) {
            byWorkload.computeIfAbsent(row.workload(), k -> new ArrayList<>()).add(row);
        }
        Map<String, List<Bar>> groups = new LinkedHashMap<>();
        byWorkload.forEach((workload, mine) -> {
            List<Bar> bars = new ArrayList<>();
            mine.stream().filter(r -> !Double.isNaN(r.vsReference()))
                    .max((a, b) -> Double.compare(a.vsReference(), b.vsReference()))
                    .ifPresent(r -> bars.add(new Bar(r.impl() + " vs " + r.reference(), r.vsReference(), BEST)));
            mine.stream().filter(r -> r.impl().equals("nbio-nio") && !Double.isNaN(r.vsNettyNio())).findFirst()
                    .ifPresent(r -> bars.add(new Bar("nbio-nio vs netty-nio", r.vsNettyNio(), NIO)));
            if (!bars.isEmpty()) {
                groups.put(workload, bars);
            }
        });
        return groups;
    }

    private static void legend(StringBuilder s, int x, int y, String colour, String text) {
        s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"10\" fill=\"%s\"/>%n",
                x, y - 9, colour));
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">%s</text>%n", x + 14, y, escape(text)));
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
