package dev.nbio.bench;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code java -jar nbio-bench.jar}: the benchmark's three parts, each run in its own JVM by
 * {@code scripts/bench-echo.sh} — an echo {@code server}, the load {@code client}, and the
 * {@code report} that turns the client's result lines into the table — and {@code micro},
 * which runs the JMH micro benchmarks side by side ({@code scripts/bench-micro.sh}).
 */
@Command(name = "nbio-bench",
        description = "Side-by-side benchmarks of nbio and Netty.",
        mixinStandardHelpOptions = true,
        subcommands = {ServerCommand.class, ClientCommand.class, ReportCommand.class, MicroCommand.class})
public final class Bench {

    private Bench() {
    }

    /**
     * Runs the command line.
     *
     * @param args a subcommand and its options
     */
    public static void main(String[] args) {
        System.exit(new CommandLine(new Bench()).execute(args));
    }
}
