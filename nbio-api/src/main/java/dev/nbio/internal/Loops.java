package dev.nbio.internal;

import dev.nbio.BackendInfo;
import dev.nbio.BackendUnavailableException;
import dev.nbio.EventLoop;
import dev.nbio.spi.Availability;
import dev.nbio.spi.NotifierProvider;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.ServiceLoader;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The per-thread loop registry and backend selection: the system property
 * {@code nbio.backend} forces a backend; otherwise the available provider with the highest
 * priority wins. The causes of skipped backends are logged once per process.
 */
public final class Loops {
    /** The system property that forces a backend by name. */
    public static final String BACKEND_PROPERTY = "nbio.backend";

    private static final Logger LOG = LoggerFactory.getLogger(Loops.class);
    private static final ThreadLocal<Loop> CURRENT = new ThreadLocal<>();
    private static final AtomicBoolean SKIPS_LOGGED = new AtomicBoolean();
    private static volatile List<NotifierProvider> providers;

    private Loops() {
    }

    /**
     * Acquires the calling thread's loop, creating it on first use.
     *
     * @return the loop
     */
    public static EventLoop acquire() {
        Loop loop = CURRENT.get();
        if (loop != null) {
            loop.retain();
            return loop;
        }
        loop = create();
        CURRENT.set(loop);
        return loop;
    }

    /**
     * Acquires the calling thread's loop on a named backend.
     *
     * @param backend the backend's name
     * @return the loop
     */
    public static EventLoop acquire(String backend) {
        java.util.Objects.requireNonNull(backend, "backend");
        Loop loop = CURRENT.get();
        if (loop != null) {
            if (!loop.backend().equals(backend)) {
                throw new IllegalStateException("thread " + Thread.currentThread().getName() + " already has a loop on the '"
                        + loop.backend() + "' backend; release it before acquiring one on '" + backend + "'");
            }
            loop.retain();
            return loop;
        }
        loop = createNamed(backend, "acquire(\"" + backend + "\")");
        CURRENT.set(loop);
        return loop;
    }

    /**
     * The calling thread's loop.
     *
     * @return the loop
     */
    public static EventLoop current() {
        Loop loop = CURRENT.get();
        if (loop == null) {
            throw new IllegalStateException("no event loop on thread " + Thread.currentThread().getName()
                    + ": call EventLoop.acquire() first, or start operations through another thread's loop");
        }
        return loop;
    }

    static void forget(Loop loop) {
        if (CURRENT.get() == loop) {
            CURRENT.remove();
        }
    }

    /**
     * Whether a native backend is present and available.
     *
     * @return true when one is
     */
    public static boolean fullySupported() {
        for (NotifierProvider provider : providers()) {
            if (provider.isNative() && provider.availability().available()) {
                return true;
            }
        }
        return false;
    }

    /**
     * Every backend found, highest priority first.
     *
     * @return descriptions of the backends
     */
    public static List<BackendInfo> backends() {
        List<BackendInfo> infos = new ArrayList<>();
        for (NotifierProvider provider : providers()) {
            Availability availability = provider.availability();
            infos.add(new BackendInfo(provider.name(), provider.priority(), provider.isNative(),
                    availability.available(), availability.cause(),
                    availability.available() ? provider.features() : List.of()));
        }
        return List.copyOf(infos);
    }

    private static Loop create() {
        String forced = System.getProperty(BACKEND_PROPERTY);
        if (forced != null && !forced.isBlank()) {
            return createNamed(forced.trim(), "-D" + BACKEND_PROPERTY);
        }
        List<String> skipped = new ArrayList<>();
        for (NotifierProvider provider : providers()) {
            Availability availability = provider.availability();
            if (!availability.available()) {
                skipped.add(provider.name() + ": " + availability.cause());
                continue;
            }
            try {
                Loop loop = Loop.start(provider);
                logSkipped(skipped, provider.name());
                return loop;
            } catch (IOException | RuntimeException e) {
                skipped.add(provider.name() + ": " + e.getMessage());
            }
        }
        throw new BackendUnavailableException("no nbio backend can start here; tried " + skipped
                + " (is nbio-nio-fallback on the class or module path?)", null);
    }

    private static Loop createNamed(String name, String how) {
        for (NotifierProvider provider : providers()) {
            if (!provider.name().equals(name)) {
                continue;
            }
            Availability availability = provider.availability();
            if (!availability.available()) {
                throw new BackendUnavailableException("backend '" + name + "' asked for by " + how
                        + " is unavailable: " + availability.cause(), null);
            }
            try {
                return Loop.start(provider);
            } catch (IOException e) {
                throw new BackendUnavailableException("backend '" + name + "' asked for by " + how
                        + " failed to start: " + e.getMessage(), e);
            }
        }
        List<String> names = providers().stream().map(NotifierProvider::name).toList();
        throw new BackendUnavailableException(how + " names backend '" + name
                + "', which is not on the class or module path; found " + names, null);
    }

    private static void logSkipped(List<String> skipped, String chosen) {
        if (!skipped.isEmpty() && SKIPS_LOGGED.compareAndSet(false, true)) {
            for (String skip : skipped) {
                LOG.info("nbio backend skipped: {}", skip);
            }
            LOG.info("nbio runs on the '{}' backend", chosen);
        }
    }

    private static List<NotifierProvider> providers() {
        List<NotifierProvider> found = providers;
        if (found == null) {
            List<NotifierProvider> list = new ArrayList<>();
            ServiceLoader.load(NotifierProvider.class).forEach(list::add);
            list.sort(Comparator.comparingInt(NotifierProvider::priority).reversed());
            providers = found = List.copyOf(list);
        }
        return found;
    }
}
