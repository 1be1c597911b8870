package dev.nbio.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Locale;
import org.junit.jupiter.api.Test;

/** The sizes, rates and times the tools print. */
class UnitsTest {
    @Test
    void bytesUseBinaryUnits() {
        assertEquals("0 B", Units.bytes(0));
        assertEquals("1023 B", Units.bytes(1023));
        assertEquals("1.0 KiB", Units.bytes(1024));
        assertEquals("1.5 KiB", Units.bytes(1536));
        assertEquals("20.0 MiB", Units.bytes(20L << 20));
        assertEquals("3.0 GiB", Units.bytes(3L << 30));
        assertEquals("2048.0 TiB", Units.bytes(2L << 50));
    }

    @Test
    void rateIsMibPerSecondAndUnknownWithoutTime() {
        assertEquals("10.0 MiB/s", Units.rate(20L << 20, 2_000_000_000L));
        assertEquals("n/a MiB/s", Units.rate(100, 0));
    }

    @Test
    void clockRoundsUpAndGrowsHours() {
        assertEquals("0:00", Units.clock(0));
        assertEquals("0:01", Units.clock(1));
        assertEquals("1:05", Units.clock(65_000_000_000L));
        assertEquals("1:02:03", Units.clock(3_723_000_000_000L));
    }

    @Test
    void decimalPointIsADotInEveryLocale() {
        Locale before = Locale.getDefault();
        try {
            Locale.setDefault(Locale.GERMANY);
            assertEquals("1.5 KiB", Units.bytes(1536));
            assertEquals("0.250 s", Units.seconds(250_000_000L));
        } finally {
            Locale.setDefault(before);
        }
    }
}
