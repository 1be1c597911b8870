package dev.nbio.examples;

import java.util.Locale;

/**
 * How the examples write sizes, rates and durations for people: binary units (KiB, MiB,
 * GiB), one decimal, and always a '.' as the decimal point whatever the locale, so output
 * can be compared and parsed.
 */
final class Units {
    private static final String[] BYTE_UNITS = {"B", "KiB", "MiB", "GiB", "TiB"};
    private static final double NANOS_PER_SECOND = 1e9;

    private Units() {
    }

    /** A byte count: {@code 512 B}, {@code 1.5 KiB}, {@code 20.0 MiB}. */
    static String bytes(long count) {
        if (count < 1024) {
            return count + " B";
        }
        double value = count;
        int unit = 0;
        while (value >= 1024 && unit < BYTE_UNITS.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", value, BYTE_UNITS[unit]);
    }

    /** A transfer rate in MiB/s, or {@code n/a} when no time has passed to divide by. */
    static String rate(long bytes, long nanos) {
        if (nanos <= 0) {
            return "n/a MiB/s";
        }
        double mibPerSecond = bytes / (1024.0 * 1024.0) / (nanos / NANOS_PER_SECOND);
        return String.format(Locale.ROOT, "%.1f MiB/s", mibPerSecond);
    }

    /** A duration in seconds with millisecond precision: {@code 0.215 s}. */
    static String seconds(long nanos) {
        return String.format(Locale.ROOT, "%.3f s", nanos / NANOS_PER_SECOND);
    }

    /** A remaining time as a clock shows it: {@code 0:07}, {@code 12:30}, {@code 1:02:03}; rounded up. */
    static String clock(long nanos) {
        long totalSeconds = Math.ceilDiv(Math.max(0, nanos), 1_000_000_000L);
        long hours = totalSeconds / 3600;
        long minutes = totalSeconds / 60 % 60;
        long seconds = totalSeconds % 60;
        return hours > 0
                ? String.format(Locale.ROOT, "%d:%02d:%02d", hours, minutes, seconds)
                : String.format(Locale.ROOT, "%d:%02d", minutes, seconds);
    }
}
