package dev.nbio.spi;

/**
 * Whether a backend can start on this machine, and why not.
 *
 * @param available true when it can start
 * @param cause     why it cannot, in words a user can act on; {@code null} when available
 */
public record Availability(boolean available, String cause) {
    private static final Availability AVAILABLE = new Availability(true, null);

    /**
     * The backend can start.
     *
     * @return the shared available instance
     */
    public static Availability ok() {
        return AVAILABLE;
    }

    /**
     * The backend cannot start.
     *
     * @param cause why, e.g. {@code "io_uring_setup: EPERM (blocked by a seccomp profile?)"}
     * @return an unavailable instance
     */
    public static Availability unavailable(String cause) {
        return new Availability(false, java.util.Objects.requireNonNull(cause, "cause"));
    }
}
