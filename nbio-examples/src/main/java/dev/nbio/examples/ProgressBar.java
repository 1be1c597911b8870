package dev.nbio.examples;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * Draws the progress of a transfer as one line of text: a bar, the percentage, bytes sent
 * of the total, the average rate so far and the estimated time left, for example
 *
 * <pre>[#########.....................]  30%  6.0 MiB / 20.0 MiB  95.2 MiB/s  ETA 0:01</pre>
 *
 * <p>It is redrawn at most once per interval, so that a fast transfer does not spend its
 * time printing; the first state and the complete one are always drawn. On a terminal the
 * line is redrawn in place (a carriage return, then the new line padded over the old one);
 * elsewhere each redraw is a line of its own, so a log stays readable.
 *
 * <p>The bar never reads a clock: every call takes the time in nanoseconds (the loop's
 * {@code nanoTime()} in the tool), so tests drive it with made-up times. Not thread-safe;
 * the tool uses it on its loop's thread only.
 */
final class ProgressBar {
    private static final int BAR_WIDTH = 30;

    private final PrintWriter out;
    private final long intervalNanos;
    private final boolean inPlace;

    private long startNanos;
    private boolean drawn;
    private long lastDrawNanos;
    private long lastDrawnSent = -1;
    private int lastLineLength;
    private boolean lineOpen;   // an in-place line is on screen, not yet ended by a newline

    /**
     * Creates a bar that writes to {@code out}.
     *
     * @param out      where to draw (standard error in the tool)
     * @param interval the shortest time between two redraws
     * @param inPlace  redraw over the previous line (a terminal) rather than below it
     */
    ProgressBar(PrintWriter out, Duration interval, boolean inPlace) {
        this.out = Objects.requireNonNull(out, "out");
        this.intervalNanos = interval.toNanos();
        this.inPlace = inPlace;
    }

    /** Marks the start of the transfer: rates and the total time are measured from here. */
    void start(long nowNanos) {
        startNanos = nowNanos;
    }

    /**
     * Reports progress; draws it unless the last drawing is more recent than the interval.
     *
     * @return whether the line was drawn
     */
    boolean update(long sent, long total, long nowNanos) {
        boolean complete = sent >= total;
        boolean tooSoon = drawn && nowNanos - lastDrawNanos < intervalNanos;
        if ((tooSoon && !complete) || (drawn && sent == lastDrawnSent)) {
            return false;
        }
        draw(line(sent, total, nowNanos), nowNanos, sent);
        return true;
    }

    /** Ends a transfer that succeeded: draws its final state if not shown yet, then the summary. */
    void finish(long sent, long total, long nowNanos) {
        if (!drawn || sent != lastDrawnSent) {
            draw(line(sent, total, nowNanos), nowNanos, sent);
        }
        endLine();
        long elapsed = nowNanos - startNanos;
        out.printf(Locale.ROOT, "done: %s (%d bytes) in %s, average %s%n",
                Units.bytes(sent), sent, Units.seconds(elapsed), Units.rate(sent, elapsed));
        out.flush();
    }

    /** Ends a transfer that failed: the reason, how far it got and how long it took. */
    void fail(long sent, long total, long nowNanos, String reason) {
        endLine();
        out.printf(Locale.ROOT, "failed: %s after %s of %s (%d of %d bytes) in %s%n",
                reason, Units.bytes(sent), Units.bytes(total), sent, total, Units.seconds(nowNanos - startNanos));
        out.flush();
    }

    /** The text of one drawing; package-private so tests can check the format directly. */
    String line(long sent, long total, long nowNanos) {
        long elapsed = nowNanos - startNanos;
        int percent = total <= 0 ? 100 : (int) Math.min(100, sent * 100.0 / total);
        int filled = total <= 0 ? BAR_WIDTH : (int) Math.min(BAR_WIDTH, sent * (double) BAR_WIDTH / total);
        return String.format(Locale.ROOT, "[%s%s] %3d%%  %s / %s  %s  ETA %s",
                "#".repeat(filled), ".".repeat(BAR_WIDTH - filled), percent,
                Units.bytes(sent), Units.bytes(total), Units.rate(sent, elapsed), eta(sent, total, elapsed));
    }

    /** The time left at the average rate so far; unknown until something was sent. */
    private static String eta(long sent, long total, long elapsed) {
        if (sent <= 0 || elapsed <= 0) {
            return "--:--";
        }
        double remainingNanos = (double) Math.max(0, total - sent) * elapsed / sent;
        return Units.clock((long) remainingNanos);
    }

    private void draw(String line, long nowNanos, long sent) {
        if (inPlace) {
            // Pad with spaces so a shorter line fully covers the longer one before it.
            out.print("\r" + line + " ".repeat(Math.max(0, lastLineLength - line.length())));
            lineOpen = true;
        } else {
            out.println(line);
        }
        out.flush();
        lastLineLength = line.length();
        lastDrawNanos = nowNanos;
        lastDrawnSent = sent;
        drawn = true;
    }

    private void endLine() {
        if (lineOpen) {
            out.println();
            lineOpen = false;
        }
    }
}
