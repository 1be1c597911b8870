package dev.nbio.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * CPU time read from Linux's {@code /proc}: a process's user+system time from
 * {@code /proc/<pid>/stat}, and each core's busy and stolen time from {@code /proc/stat}.
 * Two readings around the measured period give how busy the server's core was, cheaply and
 * without touching the server.
 */
final class CpuTimes {
    /** Clock ticks per second of the {@code /proc} counters (USER_HZ); 100 on every usual Linux build. */
    static final double TICKS_PER_SECOND = 100.0;

    private CpuTimes() {
    }

    /**
     * A process's CPU time so far, split as the kernel counts it.
     *
     * @param user   seconds running its own code (Java, the JIT, the GC)
     * @param system seconds in the kernel on its behalf: system calls, and with loopback TCP
     *               most of the network stack, the peer's receive path included
     */
    record Process(double user, double system) {
        double total() {
            return user + system;
        }
    }

    /**
     * A process's user and system time.
     *
     * @param pid the process
     * @return its times, or NaNs when they cannot be read (the process is gone)
     */
    static Process process(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // The command name (field 2) is in parentheses and may hold spaces: count fields after it.
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" +");
            long utime = Long.parseLong(fields[11]);   // field 14 of proc(5)
            long stime = Long.parseLong(fields[12]);   // field 15
            return new Process(utime / TICKS_PER_SECOND, stime / TICKS_PER_SECOND);
        } catch (IOException | RuntimeException e) {
            return new Process(Double.NaN, Double.NaN);
        }
    }

    /**
     * One core's counters from {@code /proc/stat}.
     *
     * @param busy   seconds spent running anything (user, nice, system, irq, softirq)
     * @param stolen seconds the hypervisor ran something else while this core wanted to run
     */
    record Core(double busy, double stolen) {
        Core minus(Core earlier) {
            return new Core(busy - earlier.busy, stolen - earlier.stolen);
        }
    }

    /**
     * A core's counters.
     *
     * @param core the core number
     * @return its counters, or NaNs when {@code /proc/stat} cannot be read
     */
    static Core core(int core) {
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/stat"));
            String prefix = "cpu" + core + " ";
            for (String line : lines) {
                if (line.startsWith(prefix)) {
                    String[] f = line.substring(prefix.length()).trim().split(" +");
                    long busy = Long.parseLong(f[0]) + Long.parseLong(f[1]) + Long.parseLong(f[2])
                            + Long.parseLong(f[5]) + Long.parseLong(f[6]);
                    long steal = f.length > 7 ? Long.parseLong(f[7]) : 0;
                    return new Core(busy / TICKS_PER_SECOND, steal / TICKS_PER_SECOND);
                }
            }
        } catch (IOException | RuntimeException e) {
            // fall through
        }
        return new Core(Double.NaN, Double.NaN);
    }
}
