package dev.nbio.examples;

import java.io.PrintWriter;
import java.util.Objects;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code nbio doctor}: reports the system, the Java runtime and nbio's backends (which are
 * found, which can run, which one nbio picks and why the others cannot), plus on Linux the
 * settings that decide whether io_uring can be used. Exits 0 when at least one backend is
 * available, 1 when none is.
 */
@Command(name = "doctor",
        description = "Reports the system, the Java runtime and which nbio backends can run here, and why not.",
        mixinStandardHelpOptions = true,
        versionProvider = NbioVersion.class)
public final class DoctorCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(names = "--json", description = "Print the report as JSON.")
    private boolean json;

    private final Diagnosis.Host host;
    private final BackendProbe probe;

    /** Creates the command for this machine; picocli fills in its options. */
    public DoctorCommand() {
        this(Diagnosis.Host.current(), BackendProbe.live());
    }

    /** Creates the command for a described machine: tests use it. */
    DoctorCommand(Diagnosis.Host host, BackendProbe probe) {
        this.host = Objects.requireNonNull(host, "host");
        this.probe = Objects.requireNonNull(probe, "probe");
    }

    /**
     * Prints the report.
     *
     * @return 0 when a backend is available, else 1
     */
    @Override
    public Integer call() {
        Diagnosis diagnosis = Diagnosis.collect(host, probe);
        PrintWriter out = spec.commandLine().getOut();
        out.print(json ? DoctorJson.render(diagnosis) : DoctorText.render(diagnosis));
        out.flush();
        return diagnosis.anyBackendAvailable() ? 0 : 1;
    }
}
