package dev.nbio.uring;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Whether {@link System#nanoTime()} reads CLOCK_MONOTONIC itself (it does on HotSpot on
 * Linux), which lets deadlines go to the kernel as absolute times. Checked once by reading
 * both clocks; where they differ, deadlines are passed as relative times instead.
 */
final class MonotonicClock {
    private static final int CLOCK_MONOTONIC = 1;
    /** Whether the two clocks agree to within a millisecond. */
    static final boolean MATCHES_NANO_TIME = check();

    private MonotonicClock() {
    }

    private static boolean check() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment timespec = arena.allocate(16, 8);
            long before = System.nanoTime();
            if (Libc.clockGettime(CLOCK_MONOTONIC, timespec) < 0) {
                return false;
            }
            long after = System.nanoTime();
            long monotonic = timespec.get(JAVA_LONG, 0) * 1_000_000_000L + timespec.get(JAVA_LONG, 8);
            return monotonic >= before - 1_000_000 && monotonic <= after + 1_000_000;
        }
    }
}
