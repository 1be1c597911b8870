package dev.nbio.examples;

import dev.nbio.BackendInfo;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Properties;

/**
 * Everything {@code nbio doctor} reports, gathered once and then printed as text or JSON.
 *
 * @param nbioVersion    nbio's version
 * @param osName         {@code os.name}
 * @param osVersion      {@code os.version}
 * @param osArch         {@code os.arch}
 * @param kernelRelease  on Linux {@code /proc/sys/kernel/osrelease}, elsewhere {@code os.version}
 * @param cpus           processors available to the JVM
 * @param javaVendor     {@code java.vendor}
 * @param javaVersion    {@code java.runtime.version}
 * @param javaHome       {@code java.home}
 * @param backends       every backend found, highest priority first, each with whether it starts
 * @param selection      what auto-selection picked
 * @param fullySupported {@code EventLoop.fullySupported()}
 * @param linux          the io_uring facts on Linux, {@code null} elsewhere
 */
record Diagnosis(String nbioVersion, String osName, String osVersion, String osArch, String kernelRelease, int cpus,
                 String javaVendor, String javaVersion, String javaHome,
                 List<BackendCheck> backends, BackendProbe.Selection selection, boolean fullySupported,
                 LinuxFacts linux) {

    /**
     * A backend as {@link dev.nbio.EventLoop#backends()} describes it, and whether a loop on it
     * actually started: available only means its check passed.
     *
     * @param info         the backend
     * @param startFailure why a loop on it failed to start; {@code null} when it started or
     *                     was not tried (unavailable backends are not)
     */
    record BackendCheck(BackendInfo info, String startFailure) {
        boolean starts() {
            return info.available() && startFailure == null;
        }
    }

    /**
     * The machine being diagnosed: system properties, processors and the {@code /proc}
     * directory, so tests can describe another machine.
     */
    record Host(Properties properties, int cpus, Path proc) {
        static Host current() {
            return new Host(System.getProperties(), Runtime.getRuntime().availableProcessors(), Path.of("/proc"));
        }

        String property(String name) {
            return properties.getProperty(name, "(unknown)");
        }

        boolean isLinux() {
            return property("os.name").equals("Linux");
        }
    }

    Diagnosis {
        backends = List.copyOf(backends);
        Objects.requireNonNull(selection, "selection");
    }

    /** Gathers the facts: reads the host, lists the backends and starts a loop on each available one. */
    static Diagnosis collect(Host host, BackendProbe probe) {
        List<BackendCheck> checks = new ArrayList<>();
        for (BackendInfo info : probe.backends()) {
            checks.add(new BackendCheck(info, info.available() ? probe.tryStart(info.name()) : null));
        }
        String kernelRelease = host.isLinux() ? LinuxFacts.kernelRelease(host.proc()) : null;
        if (kernelRelease == null) {
            kernelRelease = host.property("os.version");
        }
        return new Diagnosis(NbioVersion.nbioVersion(),
                host.property("os.name"), host.property("os.version"), host.property("os.arch"), kernelRelease,
                host.cpus(),
                host.property("java.vendor"), host.property("java.runtime.version"), host.property("java.home"),
                checks, probe.autoSelect(), probe.fullySupported(),
                host.isLinux() ? LinuxFacts.read(host.proc(), kernelRelease) : null);
    }

    /** Whether at least one backend passed its availability check: the doctor's exit code is 0 then. */
    boolean anyBackendAvailable() {
        return backends.stream().anyMatch(check -> check.info().available());
    }
}
