package dev.nbio.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The sendfile progress bar, driven with made-up times in nanoseconds instead of a clock. */
class ProgressBarTest {
    private static final long MS = 1_000_000L;
    private static final long MIB = 1024 * 1024;
    private static final Pattern PERCENT = Pattern.compile("\\]\\s+(\\d+)%");

    private final StringWriter out = new StringWriter();
    private final ProgressBar lines = new ProgressBar(new PrintWriter(out), Duration.ofMillis(100), false);

    @Test
    void aLineShowsBarPercentBytesRateAndEta() {
        lines.start(0);
        // 5 MiB of 20 MiB after one second: 5 MiB/s, 15 MiB left take three more seconds.
        assertEquals("[#######.......................]  25%  5.0 MiB / 20.0 MiB  5.0 MiB/s  ETA 0:03",
                lines.line(5 * MIB, 20 * MIB, 1000 * MS));
    }

    @Test
    void etaIsUnknownUntilSomethingWasSent() {
        lines.start(0);
        assertTrue(lines.line(0, 20 * MIB, 0).endsWith("0 B / 20.0 MiB  n/a MiB/s  ETA --:--"), lines.line(0, 20 * MIB, 0));
    }

    @Test
    void redrawsAtMostOncePerInterval() {
        lines.start(0);
        assertTrue(lines.update(1 * MIB, 20 * MIB, 0), "the first update is drawn");
        assertFalse(lines.update(2 * MIB, 20 * MIB, 50 * MS), "50 ms later is too soon");
        assertFalse(lines.update(3 * MIB, 20 * MIB, 99 * MS), "99 ms later is too soon");
        assertTrue(lines.update(4 * MIB, 20 * MIB, 100 * MS), "100 ms after the last drawing");
        assertFalse(lines.update(5 * MIB, 20 * MIB, 150 * MS), "too soon after that one");
        assertEquals(List.of(5, 20), percentages(out.toString()));
    }

    @Test
    void theCompleteStateIsDrawnEvenTooSoonButOnlyOnce() {
        lines.start(0);
        lines.update(10 * MIB, 20 * MIB, 10 * MS);
        assertTrue(lines.update(20 * MIB, 20 * MIB, 20 * MS), "100% is drawn at once");
        assertFalse(lines.update(20 * MIB, 20 * MIB, 500 * MS), "the same state is not drawn again");
        assertEquals(List.of(50, 100), percentages(out.toString()));
    }

    @Test
    void updatesEveryTenthOfASecondShowIncreasingPercentagesThenTheSummary() {
        lines.start(0);
        long total = 20 * MIB;
        for (int tick = 1; tick <= 20; tick++) {
            lines.update(tick * MIB, total, tick * 100 * MS);
        }
        lines.finish(total, total, 2000 * MS);

        List<Integer> percents = percentages(out.toString());
        assertEquals(20, percents.size(), out.toString());
        for (int i = 1; i < percents.size(); i++) {
            assertTrue(percents.get(i) > percents.get(i - 1), "percentages increase: " + percents);
        }
        assertEquals(100, percents.getLast());
        String[] rows = out.toString().split("\\R");
        // 20 MiB in two seconds: 10 MiB/s.
        assertEquals("done: 20.0 MiB (20971520 bytes) in 2.000 s, average 10.0 MiB/s", rows[rows.length - 1]);
    }

    @Test
    void finishDrawsTheFinalStateWhenNoUpdateShowedIt() {
        lines.start(0);
        lines.update(1 * MIB, 4 * MIB, 10 * MS);
        lines.finish(4 * MIB, 4 * MIB, 20 * MS);
        assertEquals(List.of(25, 100), percentages(out.toString()));
        assertTrue(out.toString().contains("done: 4.0 MiB (4194304 bytes) in 0.020 s, average 200.0 MiB/s"), out.toString());
    }

    @Test
    void anEmptyTransferIsCompleteAtOnce() {
        lines.start(0);
        lines.finish(0, 0, 0);
        assertEquals(List.of(100), percentages(out.toString()));
        assertTrue(out.toString().contains("done: 0 B (0 bytes) in 0.000 s, average n/a MiB/s"), out.toString());
    }

    @Test
    void failSaysWhyAndHowFarItGot() {
        lines.start(0);
        lines.update(3 * MIB, 20 * MIB, 10 * MS);
        lines.fail(3 * MIB, 20 * MIB, 250 * MS, "SendfileError.CONNECTION_RESET");
        String[] rows = out.toString().split("\\R");
        assertEquals("failed: SendfileError.CONNECTION_RESET after 3.0 MiB of 20.0 MiB (3145728 of 20971520 bytes) in 0.250 s",
                rows[rows.length - 1]);
    }

    @Test
    void inPlaceRedrawsOverTheSameLineAndEndsItBeforeTheSummary() {
        ProgressBar inPlace = new ProgressBar(new PrintWriter(out), Duration.ofMillis(100), true);
        inPlace.start(0);
        inPlace.update(512 * MIB, 1024 * MIB, 1000 * MS);
        inPlace.update(1024 * MIB, 1024 * MIB, 1500 * MS);
        inPlace.finish(1024 * MIB, 1024 * MIB, 1500 * MS);

        String text = out.toString();
        assertTrue(text.startsWith("\r[###############"), text);
        assertEquals(2, text.chars().filter(c -> c == '\r').count(), "one carriage return per drawing: " + text);
        String[] rows = text.split("\n");
        assertEquals(2, rows.length, "the bar's line, then the summary: " + text);
        assertTrue(rows[0].contains("\r[##############################] 100%  1.0 GiB / 1.0 GiB"), rows[0]);
        assertTrue(rows[1].startsWith("done: 1.0 GiB"), rows[1]);
    }

    @Test
    void inPlacePadsAShorterLineOverALongerOne() {
        ProgressBar inPlace = new ProgressBar(new PrintWriter(out), Duration.ZERO, true);
        inPlace.start(0);
        inPlace.update(1, 1024 * MIB, 1000 * MS);            // a crawl: an ETA of hundreds of thousands of hours
        inPlace.update(1024 * MIB, 1024 * MIB, 1000 * MS);   // done: ETA 0:00, a shorter text
        String[] drawings = out.toString().split("\r");
        assertEquals(3, drawings.length, out.toString());   // "" before the first \r, then two drawings
        assertTrue(drawings[2].stripTrailing().length() < drawings[1].length(), "the second text is shorter: " + out);
        assertEquals(drawings[1].length(), drawings[2].length(), "spaces make up the difference: " + out);
    }

    /** The percentages of the drawn bar lines, in order. */
    static List<Integer> percentages(String output) {
        List<Integer> found = new ArrayList<>();
        Matcher m = PERCENT.matcher(output);
        while (m.find()) {
            found.add(Integer.parseInt(m.group(1)));
        }
        return found;
    }
}
