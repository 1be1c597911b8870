package dev.nbio.spi;

import java.io.IOException;

/**
 * The {@link java.util.ServiceLoader} entry of a backend: its name, its rank in
 * auto-selection, whether it can run here, and a factory for its notifiers. Register it in
 * {@code module-info.java} ({@code provides dev.nbio.spi.NotifierProvider with ...}) and in
 * {@code META-INF/services/dev.nbio.spi.NotifierProvider}.
 */
public interface NotifierProvider {
    /**
     * The backend's name, as the {@code nbio.backend} system property takes it.
     *
     * @return a short lower-case name ({@code uring}, {@code kqueue}, {@code iocp}, {@code nio})
     */
    String name();

    /**
     * The rank in auto-selection: the available provider with the highest priority wins.
     *
     * @return the priority; the NIO fallback has the lowest
     */
    int priority();

    /**
     * Whether this backend drives the OS's own API; counts for {@code EventLoop.fullySupported()}.
     *
     * @return true for native backends
     */
    boolean isNative();

    /**
     * Whether this backend can start here, computed once and cached.
     *
     * @return the availability with its cause
     */
    Availability availability();

    /**
     * Creates a notifier for one loop. Called on the loop's thread.
     *
     * @param context the loop core's side of the SPI
     * @return the notifier
     * @throws IOException when the backend cannot start; the message names the cause
     */
    Notifier create(LoopContext context) throws IOException;

    /**
     * What the backend found it can use on this machine, one short line each (kernel
     * features, setup flags, switched-off options), for diagnostics such as {@code nbio doctor}.
     * Only asked of an available backend.
     *
     * @return the lines; empty by default
     */
    default java.util.List<String> features() {
        return java.util.List.of();
    }
}
