package dev.nbio.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nbio.AttachmentCallback;
import dev.nbio.Operation;
import dev.nbio.OperationKind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** Timeouts and next-tick callbacks. */
@ParameterizedClass(name = "{0}")
@MethodSource("dev.nbio.tck.Backends#names")
class TimerTest extends LoopTest {

    @Test
    void timeoutFiresAfterItsDurationNotBefore() {
        long start = System.nanoTime();
        long[] firedAt = {0};
        loop.timeout(Duration.ofMillis(50), op -> firedAt[0] = System.nanoTime());
        runToCompletion();
        assertTrue(firedAt[0] - start >= Duration.ofMillis(50).toNanos(), "fired early");
    }

    @Test
    void timeoutsFireInDeadlineOrder() {
        List<Integer> order = new ArrayList<>();
        // One callback made up front, and deadlines 40 ms apart: the deadline counts from each
        // call, so the calls must not be far apart (a lambda's first use alone can take ms).
        AttachmentCallback<Integer> record = (op, n) -> order.add(n);
        loop.timeout(Duration.ofMillis(120), 3, record);
        loop.timeout(Duration.ofMillis(40), 1, record);
        loop.timeout(Duration.ofMillis(80), 2, record);
        runToCompletion();
        assertEquals(List.of(1, 2, 3), order);
    }

    @Test
    void nextTickRunsOnTheNextTickNotThisOne() {
        boolean[] ran = {false};
        Operation op = loop.nextTick(o -> ran[0] = true);
        assertFalse(ran[0], "callback ran synchronously");
        assertEquals(OperationKind.NEXT_TICK, op.kind());
        loop.tick(Duration.ZERO);
        assertTrue(ran[0]);
    }

    @Test
    void nextTickScheduledInACallbackRunsInALaterTick() {
        int[] tickOfSecond = {0};
        int[] ticks = {0};
        loop.nextTick(first -> loop.nextTick(second -> tickOfSecond[0] = ticks[0]));
        while (loop.numWaiting() > 0) {
            ticks[0]++;
            loop.tick(Duration.ZERO);
        }
        assertEquals(2, tickOfSecond[0]);
    }
}
