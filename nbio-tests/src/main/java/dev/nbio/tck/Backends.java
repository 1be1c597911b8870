package dev.nbio.tck;

import dev.nbio.BackendInfo;
import dev.nbio.EventLoop;
import java.util.Arrays;
import java.util.List;

/** The backends the suite runs against: every one found on the class or module path. */
public final class Backends {
    private Backends() {
    }

    /**
     * The system property that narrows the suite to some backends: a comma-separated list of
     * names (a second run of the suite on one backend with some of its features turned off
     * uses it). Unset, the suite runs on every backend found.
     */
    public static final String ONLY_PROPERTY = "nbio.tck.backends";

    /**
     * The names of every backend found, available or not (an unavailable one is skipped
     * with its cause, so a machine that cannot run it says so instead of staying silent);
     * only those named in {@value #ONLY_PROPERTY} when it is set.
     *
     * @return the backend names, highest priority first
     * @throws IllegalArgumentException when {@value #ONLY_PROPERTY} names a backend that is
     *         not present
     */
    public static List<String> names() {
        List<String> found = EventLoop.backends().stream().map(BackendInfo::name).toList();
        String only = System.getProperty(ONLY_PROPERTY, "").strip();
        if (only.isEmpty()) {
            return found;
        }
        List<String> wanted = Arrays.stream(only.split(",")).map(String::strip).filter(n -> !n.isEmpty()).toList();
        for (String name : wanted) {
            if (!found.contains(name)) {
                throw new IllegalArgumentException(ONLY_PROPERTY + " names backend '" + name
                        + "', which is not present; present: " + found);
            }
        }
        return found.stream().filter(wanted::contains).toList();
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
