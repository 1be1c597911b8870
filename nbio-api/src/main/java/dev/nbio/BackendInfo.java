package dev.nbio;

/**
 * A backend found on the module or class path, and whether it can run here.
 *
 * @param name      the backend's name, as {@code nbio.backend} takes it ({@code uring}, {@code nio}, ...)
 * @param priority  auto-selection picks the available backend with the highest priority
 * @param isNative  whether it drives the OS's own completion or readiness API (not the JDK's NIO)
 * @param available whether it can start on this machine
 * @param cause     why it cannot start, or {@code null} when it can
 */
public record BackendInfo(String name, int priority, boolean isNative, boolean available, String cause) {
}
