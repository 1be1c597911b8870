package dev.nbio.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The io_uring facts the doctor reads from {@code /proc}, here from made-up {@code /proc} directories. */
class LinuxFactsTest {
    @TempDir
    Path proc;

    /** Writes a file under the made-up {@code /proc}, with the newline the kernel ends it with. */
    static void write(Path proc, String name, String content) throws IOException {
        Path file = proc.resolve(name);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content + "\n");
    }

    static String limits(String soft, String hard) {
        return String.join("\n",
                "Limit                     Soft Limit           Hard Limit           Units     ",
                "Max cpu time              unlimited            unlimited            seconds   ",
                String.format("Max locked memory         %-20s %-20s bytes     ", soft, hard),
                "Max address space         unlimited            unlimited            bytes     ");
    }

    @Test
    void readsTheValuesAsTheKernelWroteThem() throws IOException {
        write(proc, "sys/kernel/io_uring_disabled", "1");
        write(proc, "sys/kernel/io_uring_group", "1234");
        write(proc, "self/limits", limits("65536", "131072"));
        write(proc, "self/status", "Name:\tjava\nSeccomp:\t2\nSeccomp_filters:\t3\nSpeculation_Store_Bypass:\tvulnerable");

        LinuxFacts facts = LinuxFacts.read(proc, "5.10.0-28-amd64");

        assertEquals("1", facts.ioUringDisabled());
        assertEquals("1234", facts.ioUringGroup());
        assertEquals("io_uring is limited to processes with CAP_SYS_ADMIN or in group 1234 (kernel.io_uring_group);"
                + " others get EPERM", facts.ioUringMeaning());
        assertEquals("65536", facts.memlockSoft());
        assertEquals("131072", facts.memlockHard());
        assertTrue(facts.memlockMeaning().startsWith("Linux before 5.12 counts io_uring rings against this limit"),
                facts.memlockMeaning());
        assertEquals("2", facts.seccompMode());
        assertEquals("3", facts.seccompFilters(), "Seccomp_filters is not mistaken for Seccomp");
        assertTrue(facts.seccompMeaning().startsWith("a seccomp filter is active (3 installed)"), facts.seccompMeaning());
    }

    @Test
    void absentFilesAreNullAndSaySo() {
        LinuxFacts facts = LinuxFacts.read(proc, "5.4.0");
        assertNull(facts.ioUringDisabled());
        assertNull(facts.ioUringGroup());
        assertNull(facts.memlockSoft());
        assertNull(facts.memlockHard());
        assertNull(facts.seccompMode());
        assertEquals("not present: kernels before 6.6 have no such switch, so it does not restrict io_uring here",
                facts.ioUringMeaning());
        assertEquals("not found in /proc/self/limits", facts.memlockMeaning());
        assertTrue(facts.seccompMeaning().startsWith("not reported"), facts.seccompMeaning());
        assertNull(LinuxFacts.kernelRelease(proc));
    }

    @Test
    void kernelReleaseComesFromOsrelease() throws IOException {
        write(proc, "sys/kernel/osrelease", "6.8.0-45-generic");
        assertEquals("6.8.0-45-generic", LinuxFacts.kernelRelease(proc));
    }

    @Test
    void eachIoUringSwitchValueHasItsMeaning() {
        assertEquals("io_uring is allowed for every process", LinuxFacts.ioUringMeaning("0", "-1"));
        assertEquals("io_uring is limited to processes with CAP_SYS_ADMIN; others get EPERM",
                LinuxFacts.ioUringMeaning("1", "-1"));
        assertEquals("io_uring is disabled for every process: creating a ring fails with EPERM",
                LinuxFacts.ioUringMeaning("2", "-1"));
        assertTrue(LinuxFacts.ioUringMeaning("7", null).startsWith("unknown value"));
    }

    @Test
    void memlockMattersForRingsOnlyBeforeLinux5Point12() {
        assertTrue(LinuxFacts.memlockMeaning("65536", "5.11.22").startsWith("Linux before 5.12 counts io_uring rings"));
        assertTrue(LinuxFacts.memlockMeaning("65536", "4.19.0").startsWith("Linux before 5.12 counts io_uring rings"));
        assertTrue(LinuxFacts.memlockMeaning("65536", "5.12.0").startsWith("since Linux 5.12 io_uring rings are charged"));
        assertTrue(LinuxFacts.memlockMeaning("8388608", "6.18.44-fc-v669").startsWith("since Linux 5.12"));
        assertEquals("unlimited: io_uring rings are not held back by it", LinuxFacts.memlockMeaning("unlimited", "5.10.0"));
        assertTrue(LinuxFacts.memlockMeaning("65536", "weird").startsWith("kernel version unknown. Linux before 5.12"));
    }

    @Test
    void eachSeccompModeHasItsMeaning() {
        assertEquals("no seccomp: system calls are not filtered", LinuxFacts.seccompMeaning("0", "0"));
        assertTrue(LinuxFacts.seccompMeaning("1", "0").startsWith("strict mode"));
        assertTrue(LinuxFacts.seccompMeaning("2", null).startsWith("a seccomp filter is active, as container runtimes"));
        assertTrue(LinuxFacts.seccompMeaning("9", "0").startsWith("unknown mode"));
    }

    @Test
    void readsThisMachinesProcLikeTheFilesSay() throws IOException {
        Path realProc = Path.of("/proc");
        if (!Files.isDirectory(realProc.resolve("self"))) {
            // Not Linux: nothing can be read, and the facts say so.
            assertNull(LinuxFacts.read(realProc, null).seccompMode());
            return;
        }
        LinuxFacts facts = LinuxFacts.read(realProc, LinuxFacts.kernelRelease(realProc));
        Path disabled = realProc.resolve("sys/kernel/io_uring_disabled");
        assertEquals(Files.exists(disabled) ? Files.readAllLines(disabled).getFirst().strip() : null,
                facts.ioUringDisabled());
        String seccompLine = Files.readAllLines(realProc.resolve("self/status")).stream()
                .filter(line -> line.startsWith("Seccomp:")).findFirst().orElseThrow();
        assertEquals(seccompLine.substring("Seccomp:".length()).strip(), facts.seccompMode());
        assertTrue(facts.memlockSoft() != null && facts.memlockSoft().matches("\\d+|unlimited"), facts.memlockSoft());
    }
}
