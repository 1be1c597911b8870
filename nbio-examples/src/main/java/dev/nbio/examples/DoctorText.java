package dev.nbio.examples;

import dev.nbio.BackendInfo;
import java.util.ArrayList;
import java.util.List;

/** Writes a {@link Diagnosis} as the report {@code nbio doctor} prints: titled sections of aligned rows. */
final class DoctorText {
    private record Row(String key, String value) {
    }

    private record Section(String title, List<Row> rows) {
    }

    private DoctorText() {
    }

    static String render(Diagnosis d) {
        List<Section> sections = new ArrayList<>();
        sections.add(new Section("System", List.of(
                new Row("os", d.osName() + " " + d.osVersion() + " (" + d.osArch() + ")"),
                new Row("kernel release", d.kernelRelease()),
                new Row("cpus", String.valueOf(d.cpus())))));
        sections.add(new Section("Java", List.of(
                new Row("vendor", d.javaVendor()),
                new Row("version", d.javaVersion()),
                new Row("home", d.javaHome()))));
        sections.add(new Section("nbio", nbioRows(d)));
        if (d.linux() != null) {
            sections.add(new Section("io_uring (Linux, read from /proc)", linuxRows(d.linux())));
        }
        return layOut(sections);
    }

    private static List<Row> nbioRows(Diagnosis d) {
        List<Row> rows = new ArrayList<>();
        rows.add(new Row("version", d.nbioVersion()));
        if (d.backends().isEmpty()) {
            rows.add(new Row("backends", "none found: is nbio-nio-fallback on the class or module path?"));
        }
        for (Diagnosis.BackendCheck check : d.backends()) {
            rows.add(new Row("backend " + check.info().name(), describe(check)));
            for (String feature : check.info().features()) {
                rows.add(new Row(check.info().name() + " feature", feature));
            }
        }
        BackendProbe.Selection selection = d.selection();
        String picked = selection.backend() != null ? selection.backend() : "none: " + selection.error();
        if (selection.forcedBy() != null) {
            picked += " (forced by -D" + BackendProbe.BACKEND_PROPERTY + "=" + selection.forcedBy() + ")";
        }
        rows.add(new Row("auto-selection", picked));
        rows.add(new Row("fully supported", d.fullySupported()
                ? "yes: a native backend can run here"
                : "no: no native backend is available; nbio runs on the portable NIO backend, where every operation works"));
        return rows;
    }

    private static String describe(Diagnosis.BackendCheck check) {
        BackendInfo info = check.info();
        String traits = "(priority " + info.priority() + ", " + (info.isNative() ? "native" : "not native") + ")";
        if (!info.available()) {
            return "unavailable: " + info.cause() + " " + traits;
        }
        if (check.startFailure() != null) {
            return "available, but a loop on it does not start: " + check.startFailure() + " " + traits;
        }
        return "available, a loop on it starts " + traits;
    }

    private static List<Row> linuxRows(LinuxFacts facts) {
        return List.of(
                new Row("io_uring_disabled", orAbsent(facts.ioUringDisabled()) + ": " + facts.ioUringMeaning()),
                new Row("RLIMIT_MEMLOCK", limit(facts.memlockSoft()) + " soft, " + limit(facts.memlockHard())
                        + " hard: " + facts.memlockMeaning()),
                new Row("seccomp", orAbsent(facts.seccompMode()) + ": " + facts.seccompMeaning()));
    }

    /** A limit from {@code /proc/self/limits} for people: bytes in binary units, or as written. */
    private static String limit(String value) {
        if (value == null) {
            return "unknown";
        }
        try {
            return Units.bytes(Long.parseLong(value));
        } catch (NumberFormatException e) {
            return value;   // "unlimited"
        }
    }

    private static String orAbsent(String value) {
        return value == null ? "absent" : value;
    }

    private static String layOut(List<Section> sections) {
        int keyWidth = sections.stream().flatMap(s -> s.rows().stream())
                .mapToInt(row -> row.key().length()).max().orElse(0);
        StringBuilder out = new StringBuilder("nbio doctor").append(System.lineSeparator());
        for (Section section : sections) {
            out.append(System.lineSeparator()).append(section.title()).append(System.lineSeparator());
            for (Row row : section.rows()) {
                out.append("  ").append(row.key()).append(" ".repeat(keyWidth - row.key().length() + 2))
                        .append(row.value()).append(System.lineSeparator());
            }
        }
        return out.toString();
    }
}
