package dev.nbio;

/**
 * A backend found on the module or class path, and whether it can run here.
 *
 * @param name      the backend's name, as {@code nbio.backend} takes it ({@code uring}, {@code nio}, ...)
 * @param priority  auto-selection picks the available backend with the highest priority
 * @param isNative  whether it drives the OS's own completion or readiness API (not the JDK's NIO)
 * @param available whether it can start on this machine
 * @param cause     why it cannot start, or {@code null} when it can
 * @param features  what the backend found it can use here (kernel features, setup flags), for
 *                  diagnostics; empty when it has nothing to say or cannot start
 */
public record BackendInfo(String name, int priority, boolean isNative, boolean available, String cause,
                          java.util.List<String> features) {
    /** Copies the feature list. */
    public BackendInfo {
        features = features == null ? java.util.List.of() : java.util.List.copyOf(features);
    }

    /**
     * A backend with no features to report.
     *
     * @param name      the backend's name
     * @param priority  its priority
     * @param isNative  whether it is native
     * @param available whether it can start here
     * @param cause     why not, or {@code null}
     */
    public BackendInfo(String name, int priority, boolean isNative, boolean available, String cause) {
        this(name, priority, isNative, available, cause, java.util.List.of());
    }
}
