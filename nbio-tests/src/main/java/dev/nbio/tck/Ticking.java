package dev.nbio.tck;

import static org.junit.jupiter.api.Assertions.fail;

import dev.nbio.EventLoop;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Ticking a loop from a test: until something happened, until something happened but no
 * longer than a given time, or for a while to show that something does NOT happen. Each
 * tick blocks at most 10 ms, so a condition met without a loop event (by another thread,
 * say) is noticed soon; a constant, so ticking allocates nothing.
 */
public final class Ticking {
    /** Long enough for a callback that should not run (too early, or after removal) to have run. */
    public static final Duration QUIET = Duration.ofMillis(60);
    private static final Duration TICK = Duration.ofMillis(10);

    private Ticking() {
    }

    /**
     * Ticks until the condition holds; fails the test after {@link LoopTest#LIMIT}.
     *
     * @param loop      the loop of the calling thread
     * @param condition what to wait for
     */
    public static void tickUntil(EventLoop loop, BooleanSupplier condition) {
        if (!tickAtMost(loop, LoopTest.LIMIT, condition)) {
            fail("condition not reached within " + LoopTest.LIMIT + " on backend " + loop.backend()
                    + " (" + loop.numWaiting() + " operations waiting)");
        }
    }

    /**
     * Ticks until the condition holds or {@code limit} has passed, whichever comes first.
     *
     * @param loop      the loop of the calling thread
     * @param limit     how long to try
     * @param condition what to wait for
     * @return whether the condition holds
     */
    public static boolean tickAtMost(EventLoop loop, Duration limit, BooleanSupplier condition) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            loop.tick(TICK);
        }
        return true;
    }

    /**
     * Ticks until {@code span} has passed, without waiting for anything in particular: the way
     * to show that a callback does NOT run, since anything due in that span had its chance.
     *
     * @param loop the loop of the calling thread
     * @param span how long to keep ticking
     */
    public static void tickFor(EventLoop loop, Duration span) {
        long end = System.nanoTime() + span.toNanos();
        while (end - System.nanoTime() > 0) {
            loop.tick(TICK);
        }
    }

    /**
     * Ticks until no operation is waiting; fails the test after {@link LoopTest#LIMIT}.
     *
     * @param loop the loop of the calling thread
     */
    public static void runToCompletion(EventLoop loop) {
        tickUntil(loop, () -> loop.numWaiting() == 0);
    }
}
