package dev.nbio.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nbio.AddressFamily;
import dev.nbio.Callback;
import dev.nbio.FileFlag;
import dev.nbio.Operation;
import dev.nbio.SocketProtocol;
import dev.nbio.spi.Availability;
import dev.nbio.spi.Handle;
import dev.nbio.spi.LoopContext;
import dev.nbio.spi.Notifier;
import dev.nbio.spi.NotifierProvider;
import dev.nbio.spi.OperationRecord;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.NetworkChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * When a tick polls the backend: a tick whose callbacks are due before it polls (completions
 * of operations that finished at once, next ticks, expired timers) skips the poll, unless the
 * tick before it skipped or the backend has work to hand to the system; every other tick
 * polls, with the timeout it was given. The backend is a scripted notifier that records each
 * wait.
 */
class TickPollingTest {
    private final RecordingNotifier notifier = new RecordingNotifier();
    private Loop loop;
    private int tickNumber;

    @BeforeEach
    void startLoop() throws IOException {
        loop = Loop.start(new RecordingProvider(notifier));
    }

    @AfterEach
    void releaseLoop() {
        loop.release();
    }

    @Test
    void anIdleTickWaitsOnTheBackendForItsTimeout() {
        tick(Duration.ofMillis(5));
        tick(null);

        assertEquals(List.of(5_000_000L, -1L), notifier.waits);
    }

    @Test
    void aTickWithACompletionDueRunsItWithoutPolling() {
        List<Integer> calledIn = new ArrayList<>();
        loop.nextTick(op -> calledIn.add(tickNumber));

        tick(Duration.ofSeconds(1));

        assertEquals(List.of(1), calledIn, "the next tick's callback ran in the first tick");
        assertEquals(List.of(), notifier.waits, "the tick polled although a callback was due");
        tick(Duration.ofMillis(3));
        assertEquals(List.of(3_000_000L), notifier.waits, "the idle tick after it did not wait with its timeout");
    }

    @Test
    void aLoopThatAlwaysHasCallbacksDueStillPollsEverySecondTick() {
        int[] calls = {0};
        loop.nextTick(new Callback() {
            @Override
            public void onComplete(Operation op) {
                calls[0]++;
                loop.nextTick(this);
            }
        });

        for (int i = 0; i < 100; i++) {
            tick(Duration.ofSeconds(1));
        }

        assertEquals(100, calls[0], "one callback of the chain per tick");
        assertEquals(50, notifier.waits.size(), "polls in 100 ticks that always had a callback due");
        assertTrue(notifier.waits.stream().allMatch(w -> w == 0), () -> "a poll with callbacks due blocked: " + notifier.waits);
    }

    @Test
    void aCallbackStartedInATickThatSkippedThePollRunsInALaterTick() {
        List<String> order = new ArrayList<>();
        loop.nextTick(first -> {
            order.add("first in tick " + tickNumber);
            loop.nextTick(second -> order.add("second in tick " + tickNumber));
        });

        tick(Duration.ZERO);
        tick(Duration.ZERO);

        assertEquals(List.of("first in tick 1", "second in tick 2"), order);
        assertEquals(1, notifier.waits.size(), "the second tick follows a skipped poll, so it polls");
    }

    @Test
    void aTickWithCallbacksDueStillPollsWhenTheBackendHasWorkToSubmit() {
        List<Integer> calledIn = new ArrayList<>();
        loop.nextTick(op -> calledIn.add(tickNumber));
        notifier.unsubmitted = true;

        tick(Duration.ofSeconds(1));

        assertEquals(List.of(1), calledIn);
        assertEquals(List.of(0L), notifier.waits, "started work waited a tick to reach the system");
    }

    @Test
    void anExpiredTimerIsDueWithoutPolling() throws InterruptedException {
        List<Integer> calledIn = new ArrayList<>();
        loop.timeout(Duration.ofMillis(1), op -> calledIn.add(tickNumber));
        Thread.sleep(5);

        tick(Duration.ofSeconds(1));

        assertEquals(List.of(1), calledIn);
        assertEquals(List.of(), notifier.waits, "the tick polled although the timer had expired");
    }

    @Test
    void aTimerNotYetDueIsWaitedForOnTheBackend() {
        Operation timer = loop.timeout(Duration.ofSeconds(30), op -> { });

        tick(Duration.ofMillis(2));

        assertEquals(List.of(2_000_000L), notifier.waits);
        loop.remove(timer);
    }

    @Test
    void completionsTheWaitBringsAreCalledBackInTheSameTick() {
        List<Integer> calledIn = new ArrayList<>();
        loop.exec(loop.prepNextTick(op -> { }));
        tick(Duration.ZERO); // runs the next tick without polling
        notifier.duringWait = () -> loop.nextTick(op -> calledIn.add(tickNumber));

        tick(Duration.ofSeconds(1));

        assertEquals(List.of(2), calledIn, "work started during the wait was not called back in that tick");
    }

    private void tick(Duration timeout) {
        tickNumber++;
        loop.tick(timeout);
    }

    /** Records every wait; submits nothing (only the core's own operations are used here). */
    private static final class RecordingNotifier implements Notifier {
        final List<Long> waits = new ArrayList<>();
        Runnable duringWait = () -> { };
        boolean unsubmitted;

        @Override
        public boolean hasUnsubmitted() {
            return unsubmitted;
        }

        @Override
        public void submit(OperationRecord op) {
            throw new UnsupportedOperationException("the scripted notifier runs no " + op.kind + " operations");
        }

        @Override
        public boolean cancel(OperationRecord op) {
            return true;
        }

        @Override
        public void await(long timeoutNanos) {
            waits.add(timeoutNanos);
            Runnable work = duringWait;
            duringWait = () -> { };
            work.run();
        }

        @Override
        public void wakeUp() {
        }

        @Override
        public void close() {
        }

        @Override
        public Handle createSocket(AddressFamily family, SocketProtocol protocol) {
            throw new UnsupportedOperationException("no sockets in the scripted notifier");
        }

        @Override
        public Handle openFile(Handle dir, Path path, Set<FileFlag> flags, int permissions) {
            throw new UnsupportedOperationException("no files in the scripted notifier");
        }

        @Override
        public Handle associateSocket(NetworkChannel channel) {
            throw new UnsupportedOperationException("no sockets in the scripted notifier");
        }

        @Override
        public Handle associateFile(FileChannel channel) {
            throw new UnsupportedOperationException("no files in the scripted notifier");
        }
    }

    private record RecordingProvider(RecordingNotifier notifier) implements NotifierProvider {
        @Override
        public String name() {
            return "scripted";
        }

        @Override
        public int priority() {
            return 0;
        }

        @Override
        public boolean isNative() {
            return false;
        }

        @Override
        public Availability availability() {
            return Availability.ok();
        }

        @Override
        public Notifier create(LoopContext context) {
            return notifier;
        }
    }
}
