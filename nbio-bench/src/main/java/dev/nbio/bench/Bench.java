package dev.nbio.bench;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code java -jar nbio-bench.jar}: the benchmarks' parts, each run in its own JVM by the
 * scripts — a {@code server} (echo on nbio or Netty; HTTP plaintext and Redis PING on Netty),
 * the echo load {@code client}, the {@code report} that turns the echo client's result lines
 * into tables, {@code servers-report}, the same for {@code scripts/bench-servers.sh}, and
 * {@code micro}, which runs the JMH micro benchmarks side by side ({@code scripts/bench-micro.sh}),
 * and {@code page}, which writes a whole run into {@code docs/benchmarks.md} ({@code scripts/bench.sh}).
 */
@Command(name = "nbio-bench",
        description = "Side-by-side benchmarks of nbio and Netty.",
        mixinStandardHelpOptions = true,
        subcommands = {ServerCommand.class, ClientCommand.class, ReportCommand.class, ServersReportCommand.class,
            MicroCommand.class, PageCommand.class})
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
