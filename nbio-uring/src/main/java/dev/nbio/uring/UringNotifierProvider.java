package dev.nbio.uring;

import dev.nbio.spi.Availability;
import dev.nbio.spi.LoopContext;
import dev.nbio.spi.Notifier;
import dev.nbio.spi.NotifierProvider;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.util.Locale;

/**
 * Provides the io_uring backend, named {@code uring}, on Linux kernels that allow it. The
 * availability check sets up (and closes) a small ring, so it reports exactly what stops
 * io_uring here: no such system call, a seccomp filter or sysctl that forbids it, too little
 * locked memory, or native access that the JVM refuses.
 */
public final class UringNotifierProvider implements NotifierProvider {
    /** The backend's name, for {@code -Dnbio.backend=uring}. */
    public static final String NAME = "uring";
    /** Submission queue size of each loop's ring. */
    static final int ENTRIES = Integer.getInteger("nbio.uring.entries", 4096);

    private volatile Availability availability;
    /** What the availability check found; null until it ran successfully. */
    private static volatile Probe probed;

    /** Called by {@link java.util.ServiceLoader}. */
    public UringNotifierProvider() {
    }

    @Override
    public String name() {
        return NAME;
    }

    /** Above {@code nio}: where the kernel allows io_uring, it is the default. */
    @Override
    public int priority() {
        return 100;
    }

    @Override
    public boolean isNative() {
        return true;
    }

    @Override
    public Availability availability() {
        Availability known = availability;
        if (known == null) {
            availability = known = probe();
        }
        return known;
    }

    @Override
    public java.util.List<String> features() {
        Probe found = probed;
        if (found == null) {
            return java.util.List.of();
        }
        java.util.List<String> lines = new java.util.ArrayList<>(found.describe());
        lines.add("linked timeouts: " + (UringNotifier.linkTimeouts() ? "on" : "off (-Dnbio.uring.linkTimeouts=false)"));
        lines.add("deadlines: " + (MonotonicClock.MATCHES_NANO_TIME ? "absolute times on CLOCK_MONOTONIC"
                : "relative times (System.nanoTime is not CLOCK_MONOTONIC here)"));
        lines.add("ring size: " + ENTRIES + " submission entries (-Dnbio.uring.entries)");
        lines.add("multishot accept: " + onOff("nbio.uring.multishotAccept"));
        lines.add("multishot receive for recvProvided: " + onOff("nbio.uring.multishotRecv"));
        lines.add("provided buffer ring for recvProvided: " + onOff("nbio.uring.bufferRing") + ", "
                + dev.nbio.internal.ProvidedBuffers.COUNT + " buffers of " + dev.nbio.internal.ProvidedBuffers.SIZE
                + " bytes (-Dnbio.recv.buffers, -Dnbio.recv.bufferSize)");
        return lines;
    }

    private static String onOff(String property) {
        return Boolean.parseBoolean(System.getProperty(property, "true")) ? "on where the kernel has it"
                : "off (-D" + property + "=false)";
    }

    private static Availability probe() {
        String os = System.getProperty("os.name", "");
        if (!os.toLowerCase(Locale.ROOT).contains("linux")) {
            return Availability.unavailable("io_uring is a Linux interface; this is " + os);
        }
        String release = System.getProperty("os.version", "");
        if (!atLeast(release, 5, 19)) {
            return Availability.unavailable("nbio's io_uring backend needs Linux 5.19 or newer (closing a socket "
                    + "cancels its operations by descriptor); this kernel is " + release);
        }
        try (Arena arena = Arena.ofConfined()) {
            Ring ring = Ring.open(8, SetupFlags.candidates(), arena);
            Probe found;
            try {
                found = Probe.of(ring);
            } finally {
                ring.close();
            }
            if (!found.missing().isEmpty()) {
                return Availability.unavailable("this kernel's io_uring lacks operations nbio needs: "
                        + String.join(", ", found.missing()) + " (Linux 5.19 or newer has them all)");
            }
            if ((found.features() & IoUringAbi.IORING_FEAT_EXT_ARG) == 0) {
                return Availability.unavailable("this kernel's io_uring_enter has no timeout argument "
                        + "(IORING_FEAT_EXT_ARG, Linux 5.11 or newer)");
            }
            probed = found;
            return Availability.ok();
        } catch (Ring.RingSetupException e) {
            return Availability.unavailable(explain(e.errno));
        } catch (IOException e) {
            return Availability.unavailable("io_uring could not be set up: " + e.getMessage());
        } catch (IllegalCallerException e) {
            return Availability.unavailable("the JVM refuses native access to the nbio-uring module; run java with "
                    + "--enable-native-access=ALL-UNNAMED (class path) or --enable-native-access=dev.nbio.uring: "
                    + e.getMessage());
        } catch (ExceptionInInitializerError e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            if (cause instanceof IllegalCallerException) {
                return Availability.unavailable("the JVM refuses native access to the nbio-uring module; run java with "
                        + "--enable-native-access=ALL-UNNAMED (class path) or --enable-native-access=dev.nbio.uring: "
                        + cause.getMessage());
            }
            return Availability.unavailable("the C library could not be bound: " + cause);
        } catch (LinkageError | RuntimeException e) {
            return Availability.unavailable("the C library could not be bound: " + e);
        }
    }

    /** Whether a kernel release such as {@code 6.18.44-fc} is at least {@code major.minor}. */
    static boolean atLeast(String release, int major, int minor) {
        java.util.regex.Matcher version = java.util.regex.Pattern.compile("^(\\d+)\\.(\\d+)").matcher(release);
        if (!version.find()) {
            return true; // unknown format: let the setup and the probe decide
        }
        int foundMajor = Integer.parseInt(version.group(1));
        int foundMinor = Integer.parseInt(version.group(2));
        return foundMajor > major || (foundMajor == major && foundMinor >= minor);
    }

    /** The reason io_uring_setup gave, in words a user can act on. */
    static String explain(int errno) {
        return switch (errno) {
            case UringErrors.ENOSYS -> "io_uring_setup failed with ENOSYS: this kernel has no io_uring (before 5.1, "
                    + "or built without CONFIG_IO_URING)";
            case UringErrors.EPERM -> "io_uring_setup failed with EPERM: io_uring is forbidden here, by a seccomp "
                    + "filter (Docker's default profile, Kubernetes RuntimeDefault) or by the sysctl "
                    + "kernel.io_uring_disabled";
            case UringErrors.ENOMEM -> "io_uring_setup failed with ENOMEM: the locked-memory limit (ulimit -l, "
                    + "RLIMIT_MEMLOCK) is too low for the rings";
            case UringErrors.EINVAL -> "io_uring_setup failed with EINVAL: the kernel is too old for the setup "
                    + "flags nbio needs";
            default -> "io_uring_setup failed: " + Libc.strerror(errno) + " (errno " + errno + ")";
        };
    }

    @Override
    public Notifier create(LoopContext context) throws IOException {
        Availability state = availability();
        if (!state.available()) {
            throw new IOException(state.cause());
        }
        Arena arena = Arena.ofAuto();
        Ring ring = Ring.open(ENTRIES, SetupFlags.candidates(), arena);
        try {
            return new UringNotifier(context, ring);
        } catch (IOException | RuntimeException e) {
            ring.close();
            throw e;
        }
    }
}
