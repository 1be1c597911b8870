package dev.nbio.tck;

import dev.nbio.BackendInfo;
import dev.nbio.EventLoop;
import java.util.List;

/** The backends the suite runs against: every one found on the class or module path. */
public final class Backends {
    private Backends() {
    }

    /**
     * The names of every backend found, available or not (an unavailable one is skipped
     * with its cause, so a machine that cannot run it says so instead of staying silent).
     *
     * @return the backend names, highest priority first
     */
    public static List<String> names() {
        return EventLoop.backends().stream().map(BackendInfo::name).toList();
    }

    /**
     * The description of one backend.
     *
     * @param name the backend's name
     * @return its description
     * @throws IllegalArgumentException when no such backend exists
     */
    public static BackendInfo info(String name) {
        return EventLoop.backends().stream().filter(b -> b.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no backend named " + name));
    }
}
