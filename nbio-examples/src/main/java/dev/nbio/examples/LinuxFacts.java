package dev.nbio.examples;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What Linux says about io_uring for this process, read from plain files under
 * {@code /proc} (no native calls), each with what it means for a native io_uring backend.
 *
 * <p>Values are kept exactly as the kernel wrote them, and are {@code null} when the file or
 * line is absent. The {@code /proc} directory is a parameter so tests can hand in a made-up one.
 *
 * @param ioUringDisabled  {@code /proc/sys/kernel/io_uring_disabled}: 0, 1 or 2
 * @param ioUringGroup     {@code /proc/sys/kernel/io_uring_group}: the group allowed when the switch is 1
 * @param ioUringMeaning   what the switch means
 * @param memlockSoft      {@code RLIMIT_MEMLOCK}'s soft limit from {@code /proc/self/limits}: bytes or {@code unlimited}
 * @param memlockHard      its hard limit
 * @param memlockMeaning   what the limit means for io_uring on this kernel
 * @param seccompMode      the {@code Seccomp:} line of {@code /proc/self/status}: 0, 1 or 2
 * @param seccompFilters   the {@code Seccomp_filters:} line: how many filters are installed
 * @param seccompMeaning   what the mode means
 */
record LinuxFacts(String ioUringDisabled, String ioUringGroup, String ioUringMeaning,
                  String memlockSoft, String memlockHard, String memlockMeaning,
                  String seccompMode, String seccompFilters, String seccompMeaning) {
    private static final Pattern KERNEL_VERSION = Pattern.compile("^(\\d+)\\.(\\d+)");

    /**
     * Reads the facts.
     *
     * @param proc          the {@code /proc} directory
     * @param kernelRelease the kernel release ({@code 6.8.0-45-generic}), to tell which rules apply
     */
    static LinuxFacts read(Path proc, String kernelRelease) {
        String disabled = readValue(proc.resolve("sys/kernel/io_uring_disabled"));
        String group = readValue(proc.resolve("sys/kernel/io_uring_group"));
        String[] memlock = memlockLimits(readValue(proc.resolve("self/limits")));
        String status = readValue(proc.resolve("self/status"));
        String seccomp = statusField(status, "Seccomp");
        String filters = statusField(status, "Seccomp_filters");
        return new LinuxFacts(disabled, group, ioUringMeaning(disabled, group),
                memlock[0], memlock[1], memlockMeaning(memlock[0], kernelRelease),
                seccomp, filters, seccompMeaning(seccomp, filters));
    }

    /** The kernel release from {@code /proc/sys/kernel/osrelease}, or {@code null} when it cannot be read. */
    static String kernelRelease(Path proc) {
        return readValue(proc.resolve("sys/kernel/osrelease"));
    }

    static String ioUringMeaning(String disabled, String group) {
        if (disabled == null) {
            return "not present: kernels before 6.6 have no such switch, so it does not restrict io_uring here";
        }
        return switch (disabled) {
            case "0" -> "io_uring is allowed for every process";
            case "1" -> group == null || group.equals("-1")
                    ? "io_uring is limited to processes with CAP_SYS_ADMIN; others get EPERM"
                    : "io_uring is limited to processes with CAP_SYS_ADMIN or in group " + group
                            + " (kernel.io_uring_group); others get EPERM";
            case "2" -> "io_uring is disabled for every process: creating a ring fails with EPERM";
            default -> "unknown value (0 allows io_uring, 1 limits it, 2 disables it)";
        };
    }

    static String memlockMeaning(String soft, String kernelRelease) {
        int[] version = majorMinor(kernelRelease);
        boolean ringsCharged = version != null && (version[0] < 5 || (version[0] == 5 && version[1] < 12));
        if (soft == null) {
            return "not found in /proc/self/limits";
        }
        if (version != null && !ringsCharged) {
            return "since Linux 5.12 io_uring rings are charged to the memory cgroup, not to this limit;"
                    + " buffers registered with io_uring still count against it";
        }
        if (soft.equals("unlimited")) {
            return "unlimited: io_uring rings are not held back by it";
        }
        String rule = "Linux before 5.12 counts io_uring rings against this limit; a low one (64 KiB was a common"
                + " default) makes creating a larger ring fail with ENOMEM";
        return version == null ? "kernel version unknown. " + rule : rule;
    }

    static String seccompMeaning(String mode, String filters) {
        if (mode == null) {
            return "not reported: this kernel has no seccomp, or does not show it";
        }
        return switch (mode) {
            case "0" -> "no seccomp: system calls are not filtered";
            case "1" -> "strict mode: only read, write, exit and sigreturn are allowed";
            case "2" -> "a seccomp filter is active" + (filters == null ? "" : " (" + filters + " installed)")
                    + ", as container runtimes install: it may refuse io_uring_setup, which makes a native"
                    + " io_uring backend unavailable";
            default -> "unknown mode (0 none, 1 strict, 2 filter)";
        };
    }

    /** The soft and hard {@code Max locked memory} limits, each {@code null} when absent. */
    private static String[] memlockLimits(String limits) {
        if (limits != null) {
            for (String line : limits.split("\n")) {
                if (line.startsWith("Max locked memory")) {
                    String[] fields = line.substring("Max locked memory".length()).trim().split("\\s+");
                    if (fields.length >= 2) {
                        return new String[] {fields[0], fields[1]};
                    }
                }
            }
        }
        return new String[] {null, null};
    }

    /** The value of a {@code Name:\tvalue} line of {@code /proc/self/status}. */
    private static String statusField(String status, String name) {
        if (status != null) {
            for (String line : status.split("\n")) {
                if (line.startsWith(name + ":")) {
                    return line.substring(name.length() + 1).trim();
                }
            }
        }
        return null;
    }

    private static int[] majorMinor(String kernelRelease) {
        if (kernelRelease == null) {
            return null;
        }
        Matcher m = KERNEL_VERSION.matcher(kernelRelease);
        return m.find() ? new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))} : null;
    }

    /** A file's contents without the trailing newline; {@code null} when it does not exist or cannot be read. */
    private static String readValue(Path file) {
        // In one large read, not Files.readString: a /proc file reports size 0, so readString
        // reads one byte and then the rest, and an integer sysctl answers a read that does not
        // start at offset 0 with end-of-file (JDK 25 got "-" from io_uring_group holding "-1").
        try (InputStream in = Files.newInputStream(file)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        } catch (IOException | SecurityException e) {
            // Absent (NoSuchFileException) is the usual case; these files are world-readable when present.
            return null;
        }
    }
}
