package dev.nbio.bench.jmh;

import dev.nbio.EventLoop;
import dev.nbio.Operation;
import java.util.concurrent.CompletableFuture;

/**
 * An nbio loop on a thread of its own that ticks until closed: the counterpart of a Netty
 * event-loop thread, for benchmarks where the loop is not the benchmark's own thread.
 */
final class LoopThread {
    private final Thread thread;
    private final EventLoop loop;
    // Written and read on the loop's thread only.
    private boolean stopping;

    LoopThread(String backend, String name) {
        CompletableFuture<EventLoop> started = new CompletableFuture<>();
        thread = Thread.ofPlatform().name(name).start(() -> {
            try (EventLoop acquired = EventLoop.acquire(backend)) {
                started.complete(acquired);
                while (!stopping) {
                    acquired.tick();
                }
            } catch (RuntimeException | Error e) {
                if (!started.completeExceptionally(e)) {
                    e.printStackTrace();
                }
            }
        });
        loop = started.join();
    }

    /** The loop; operations on it from other threads are queued and wake it. */
    EventLoop loop() {
        return loop;
    }

    /** Stops the loop (from any thread) and waits for its thread to end. */
    void close() throws InterruptedException {
        loop.nextTick(this, LoopThread::onStop);
        thread.join();
    }

    private static void onStop(Operation op, LoopThread self) {
        self.stopping = true;
    }
}
