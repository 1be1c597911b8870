package dev.nbio.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nbio.BackendInfo;
import dev.nbio.EventLoop;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code nbio doctor}: once on this machine as it is, and on made-up machines (another OS,
 * a native backend refused, no backend at all) through a fake {@link BackendProbe}.
 */
class DoctorCommandTest {
    private static final BackendInfo NIO = new BackendInfo("nio", 0, false, true, null);
    private static final BackendInfo URING_REFUSED =
            new BackendInfo("uring", 10, true, false, "io_uring_setup failed: EPERM");

    @TempDir
    Path proc;

    private final StringWriter out = new StringWriter();

    // ---- this machine -------------------------------------------------------------------------

    @Test
    void namesNioAsAvailableAndAutoSelected() {
        assertEquals(0, run(Nbio.commandLine(), "doctor"));
        String report = out.toString();
        assertTrue(report.startsWith("nbio doctor" + System.lineSeparator()), report);
        assertTrue(report.matches("(?s).*\\n  backend nio +available, a loop on it starts \\(priority 0, not native\\)\\R.*"), report);
        assertTrue(report.matches("(?s).*\\n  auto-selection +" + autoSelected() + "\\R.*"), report);
        assertTrue(report.matches("(?s).*\\n  fully supported +" + (EventLoop.fullySupported() ? "yes" : "no") + ": .*"), report);
        assertTrue(report.contains("  cpus "), report);
        assertTrue(report.contains(System.getProperty("java.home")), report);
    }

    /** The backend auto-selection picks here: the available one of highest priority. */
    private static String autoSelected() {
        return EventLoop.backends().stream().filter(BackendInfo::available).findFirst().orElseThrow().name();
    }

    @Test
    void rowsAreAligned() {
        run(Nbio.commandLine(), "doctor");
        List<String> rows = out.toString().lines().filter(line -> line.startsWith("  ")).toList();
        int valueColumn = valueColumn(rows.getFirst());
        for (String row : rows) {
            assertEquals(valueColumn, valueColumn(row), "every value starts in the same column: " + row);
        }
    }

    @Test
    void jsonParsesAndSaysTheSame() {
        assertEquals(0, run(Nbio.commandLine(), "doctor", "--json"));
        Map<?, ?> json = (Map<?, ?>) MiniJson.parse(out.toString());

        assertEquals(System.getProperty("os.name"), ((Map<?, ?>) json.get("os")).get("name"));
        assertEquals((long) Runtime.getRuntime().availableProcessors(), json.get("cpus"));
        assertEquals(System.getProperty("java.home"), ((Map<?, ?>) json.get("java")).get("home"));
        List<?> backends = (List<?>) json.get("backends");
        Map<?, ?> nio = backends.stream().map(b -> (Map<?, ?>) b).filter(b -> "nio".equals(b.get("name")))
                .findFirst().orElseThrow(() -> new AssertionError("no nio backend in " + backends));
        assertEquals(Boolean.TRUE, nio.get("available"));
        assertEquals(Boolean.TRUE, nio.get("starts"));
        assertEquals(Boolean.FALSE, nio.get("native"));
        assertEquals(0L, nio.get("priority"));
        assertNull(nio.get("cause"));
        assertEquals(EventLoop.backends().size(), backends.size());
        assertEquals(autoSelected(), ((Map<?, ?>) json.get("autoSelection")).get("backend"));
        assertEquals(EventLoop.fullySupported(), json.get("fullySupported"));
    }

    @Test
    void theLinuxFactsArePresentOnLinuxOnly() throws IOException {
        run(Nbio.commandLine(), "doctor", "--json");
        Map<?, ?> json = (Map<?, ?>) MiniJson.parse(out.toString());
        if (!System.getProperty("os.name").equals("Linux")) {
            assertNull(json.get("linux"), "no Linux facts off Linux");
            return;
        }
        Map<?, ?> linux = (Map<?, ?>) json.get("linux");
        assertNotNull(linux, out.toString());
        Path disabled = Path.of("/proc/sys/kernel/io_uring_disabled");
        Object expectedSwitch = Files.exists(disabled) ? Files.readAllLines(disabled).getFirst().strip() : null;
        assertEquals(expectedSwitch, ((Map<?, ?>) linux.get("ioUringDisabled")).get("value"));
        assertTrue(((String) ((Map<?, ?>) linux.get("memlock")).get("soft")).matches("\\d+|unlimited"), linux.toString());
        assertTrue(((String) ((Map<?, ?>) linux.get("seccomp")).get("mode")).matches("[012]"), linux.toString());
        assertEquals(Files.readAllLines(Path.of("/proc/sys/kernel/osrelease")).getFirst().strip(),
                ((Map<?, ?>) json.get("os")).get("kernelRelease"));

        out.getBuffer().setLength(0);
        run(Nbio.commandLine(), "doctor");
        for (String row : List.of("  io_uring_disabled ", "  RLIMIT_MEMLOCK ", "  seccomp ")) {
            assertTrue(out.toString().contains(row), "the text report has " + row.strip() + ": " + out);
        }
    }

    // ---- made-up machines -----------------------------------------------------------------------

    @Test
    void aRefusedNativeBackendShowsItsCauseAndNioIsPicked() throws IOException {
        LinuxFactsTest.write(proc, "sys/kernel/osrelease", "6.1.0-test");
        LinuxFactsTest.write(proc, "sys/kernel/io_uring_disabled", "2");
        LinuxFactsTest.write(proc, "self/limits", LinuxFactsTest.limits("65536", "65536"));
        LinuxFactsTest.write(proc, "self/status", "Seccomp:\t2\nSeccomp_filters:\t1");
        FakeProbe probe = new FakeProbe(List.of(URING_REFUSED, NIO), false,
                new BackendProbe.Selection("nio", null, null), null);

        assertEquals(0, runDoctor(linuxHost(), probe));
        String report = out.toString();
        assertTrue(report.contains("  backend uring      unavailable: io_uring_setup failed: EPERM (priority 10, native)"), report);
        assertTrue(report.contains("  backend nio        available, a loop on it starts (priority 0, not native)"), report);
        assertTrue(report.contains("  auto-selection     nio" + System.lineSeparator()), report);
        assertTrue(report.contains("  fully supported    no: "), report);
        assertTrue(report.contains("  kernel release     6.1.0-test"), report);
        assertTrue(report.contains("  io_uring_disabled  2: io_uring is disabled for every process"), report);
        assertTrue(report.contains("  RLIMIT_MEMLOCK     64.0 KiB soft, 64.0 KiB hard: since Linux 5.12"), report);
        assertTrue(report.contains("  seccomp            2: a seccomp filter is active (1 installed)"), report);
        assertEquals(List.of("nio"), probe.started, "only the available backend was started");
    }

    @Test
    void anAvailableBackendThatFailsToStartSaysWhy() {
        FakeProbe probe = new FakeProbe(List.of(new BackendInfo("uring", 10, true, true, null), NIO), true,
                new BackendProbe.Selection("nio", null, null), "backend 'uring' asked for by acquire(\"uring\") failed to start: ENOMEM");
        assertEquals(0, runDoctor(linuxHost(), probe));
        assertTrue(out.toString().contains("  backend uring      available, but a loop on it does not start: backend 'uring'"
                + " asked for by acquire(\"uring\") failed to start: ENOMEM (priority 10, native)"), out.toString());
        assertTrue(out.toString().contains("  fully supported    yes: "), out.toString());
    }

    @Test
    void aForcedBackendIsNamedWithTheProperty() {
        FakeProbe probe = new FakeProbe(List.of(NIO), false, new BackendProbe.Selection("nio", "nio", null), null);
        runDoctor(linuxHost(), probe);
        assertTrue(out.toString().contains("  auto-selection     nio (forced by -Dnbio.backend=nio)"), out.toString());
    }

    @Test
    void noAvailableBackendExitsOneAndShowsWhy() {
        String why = "no nbio backend can start here; tried [uring: io_uring_setup failed: EPERM]";
        FakeProbe probe = new FakeProbe(List.of(URING_REFUSED), false, new BackendProbe.Selection(null, null, why), null);
        assertEquals(1, runDoctor(linuxHost(), probe));
        assertTrue(out.toString().contains("  auto-selection     none: " + why), out.toString());
        assertTrue(probe.started.isEmpty(), "unavailable backends are not started: " + probe.started);
    }

    @Test
    void noBackendFoundAtAllExitsOneAndSuggestsTheFallback() {
        FakeProbe probe = new FakeProbe(List.of(), false, new BackendProbe.Selection(null, null, "none"), null);
        assertEquals(1, runDoctor(linuxHost(), probe));
        assertTrue(out.toString().contains("none found: is nbio-nio-fallback on the class or module path?"), out.toString());
    }

    @Test
    void offLinuxThereAreNoIoUringFactsAndTheKernelIsTheOsVersion() {
        Properties mac = properties("Mac OS X", "15.1", "aarch64");
        FakeProbe probe = new FakeProbe(List.of(NIO), false, new BackendProbe.Selection("nio", null, null), null);
        assertEquals(0, runDoctor(new Diagnosis.Host(mac, 8, proc), probe));
        assertFalse(out.toString().contains("io_uring"), out.toString());
        assertTrue(hasRow("os", "Mac OS X 15.1 (aarch64)"), out.toString());
        assertTrue(hasRow("kernel release", "15.1"), out.toString());

        out.getBuffer().setLength(0);
        runDoctor(new Diagnosis.Host(mac, 8, proc), probe, "--json");
        Map<?, ?> json = (Map<?, ?>) MiniJson.parse(out.toString());
        assertTrue(json.containsKey("linux"), "the key is there, with null");
        assertNull(json.get("linux"));
        assertEquals(8L, json.get("cpus"));
    }

    @Test
    void jsonKeepsQuotesAndNewlinesInCauses() throws IOException {
        LinuxFactsTest.write(proc, "self/status", "Seccomp:\t0");
        String cause = "said \"no\"\n\tthen a backslash \\ and a bell \u0007";
        FakeProbe probe = new FakeProbe(List.of(new BackendInfo("odd", 5, true, false, cause), NIO), false,
                new BackendProbe.Selection("nio", null, null), null);
        runDoctor(linuxHost(), probe, "--json");
        Map<?, ?> json = (Map<?, ?>) MiniJson.parse(out.toString());
        Map<?, ?> odd = (Map<?, ?>) ((List<?>) json.get("backends")).getFirst();
        assertEquals(cause, odd.get("cause"));
        assertNull(odd.get("starts"), "an unavailable backend was not tried");
        Map<?, ?> linux = (Map<?, ?>) json.get("linux");
        assertNull(((Map<?, ?>) linux.get("ioUringDisabled")).get("value"), "absent in the made-up /proc");
        assertEquals("0", ((Map<?, ?>) linux.get("seccomp")).get("mode"));
    }

    // ---- helpers --------------------------------------------------------------------------------

    /** A {@link BackendProbe} that answers from fixed data and remembers which backends it was asked to start. */
    private static final class FakeProbe implements BackendProbe {
        final List<BackendInfo> backends;
        final boolean fullySupported;
        final Selection selection;
        final String startFailureOfNative;
        final List<String> started = new java.util.ArrayList<>();

        FakeProbe(List<BackendInfo> backends, boolean fullySupported, Selection selection, String startFailureOfNative) {
            this.backends = backends;
            this.fullySupported = fullySupported;
            this.selection = selection;
            this.startFailureOfNative = startFailureOfNative;
        }

        @Override
        public List<BackendInfo> backends() {
            return backends;
        }

        @Override
        public boolean fullySupported() {
            return fullySupported;
        }

        @Override
        public Selection autoSelect() {
            return selection;
        }

        @Override
        public String tryStart(String backend) {
            started.add(backend);
            boolean isNative = backends.stream().anyMatch(b -> b.name().equals(backend) && b.isNative());
            return isNative ? startFailureOfNative : null;
        }
    }

    private Diagnosis.Host linuxHost() {
        return new Diagnosis.Host(properties("Linux", "6.1.0-test", "amd64"), 4, proc);
    }

    private static Properties properties(String osName, String osVersion, String arch) {
        Properties properties = new Properties();
        properties.setProperty("os.name", osName);
        properties.setProperty("os.version", osVersion);
        properties.setProperty("os.arch", arch);
        properties.setProperty("java.vendor", "Test Vendor");
        properties.setProperty("java.runtime.version", "25+1");
        properties.setProperty("java.home", "/opt/jdk");
        return properties;
    }

    private int runDoctor(Diagnosis.Host host, BackendProbe probe, String... args) {
        return run(new CommandLine(new DoctorCommand(host, probe)), args);
    }

    private int run(CommandLine commandLine, String... args) {
        StringWriter err = new StringWriter();
        int exit = commandLine.setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true)).execute(args);
        assertEquals("", err.toString(), "nothing on standard error");
        return exit;
    }

    /** Whether the report has the row {@code key  value...}, whatever the padding between them. */
    private boolean hasRow(String key, String valueStart) {
        return out.toString().lines().anyMatch(line -> line.startsWith("  " + key + " ")
                && line.substring(key.length() + 2).stripLeading().startsWith(valueStart));
    }

    /** Where the value starts in a report row: after the key and the spaces that pad it. */
    private static int valueColumn(String row) {
        int keyEnd = row.indexOf("  ", 2);
        int column = keyEnd;
        while (row.charAt(column) == ' ') {
            column++;
        }
        return column;
    }
}
