package dev.nbio.examples;

import dev.nbio.BackendInfo;
import dev.nbio.BackendUnavailableException;
import dev.nbio.EventLoop;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * What {@code nbio doctor} asks nbio about its backends. An interface so tests can describe
 * machines that this one is not (no backend at all, a native backend refused by seccomp).
 */
interface BackendProbe {
    /** The system property that forces a backend, as nbio reads it. */
    String BACKEND_PROPERTY = "nbio.backend";

    /** How auto-selection went: the backend it started, or why none started. */
    record Selection(String backend, String forcedBy, String error) {
    }

    /** {@link EventLoop#backends()}. */
    List<BackendInfo> backends();

    /** {@link EventLoop#fullySupported()}. */
    boolean fullySupported();

    /** Starts a loop the way {@link EventLoop#acquire()} does and says on which backend. */
    Selection autoSelect();

    /**
     * Starts (and at once closes) a loop on the named backend.
     *
     * @return {@code null} when it started, else why not
     */
    String tryStart(String backend);

    /** The real thing: asks nbio, starting loops on a new thread each time. */
    static BackendProbe live() {
        return new BackendProbe() {
            @Override
            public List<BackendInfo> backends() {
                return EventLoop.backends();
            }

            @Override
            public boolean fullySupported() {
                return EventLoop.fullySupported();
            }

            @Override
            public Selection autoSelect() {
                String forced = System.getProperty(BACKEND_PROPERTY);
                return onNewThread(() -> {
                    try (EventLoop loop = EventLoop.acquire()) {
                        return new Selection(loop.backend(), forced, null);
                    } catch (RuntimeException e) {
                        return new Selection(null, forced, describe(e));
                    }
                });
            }

            @Override
            public String tryStart(String backend) {
                return onNewThread(() -> {
                    try {
                        EventLoop.acquire(backend).release();
                        return null;
                    } catch (RuntimeException e) {
                        return describe(e);
                    }
                });
            }
        };
    }

    /** nbio's own message for a backend that cannot start; the exception's type too for anything else. */
    private static String describe(RuntimeException e) {
        return e instanceof BackendUnavailableException ? e.getMessage() : e.toString();
    }

    /**
     * Runs {@code task} on a thread of its own: a loop belongs to its thread, and the calling
     * thread may already have one (on another backend) or must not be left with one.
     */
    private static <T> T onNewThread(Supplier<T> task) {
        CompletableFuture<T> result = new CompletableFuture<>();
        Thread.ofPlatform().name("nbio-doctor-probe").start(() -> {
            try {
                result.complete(task.get());
            } catch (RuntimeException | Error e) {
                result.completeExceptionally(e);
            }
        });
        return result.join();
    }
}
