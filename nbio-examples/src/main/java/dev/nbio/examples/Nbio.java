package dev.nbio.examples;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The {@code nbio} command-line tool: runs the examples. {@code nbio echo} starts the echo
 * server, {@code nbio hello} runs hello world, {@code nbio help <command>} explains one.
 */
@Command(name = "nbio",
        description = "Runs the nbio examples.",
        mixinStandardHelpOptions = true,
        versionProvider = NbioVersion.class,
        subcommands = {HttpCommand.class, EchoCommand.class, UdpEchoCommand.class, PingCommand.class,
            WorkersCommand.class, SendfileCommand.class, SinkCommand.class, DoctorCommand.class, HelloCommand.class,
            CommandLine.HelpCommand.class})
public final class Nbio implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    /** Creates the top-level command; picocli fills in its options. */
    public Nbio() {
    }

    /**
     * Runs the command line and exits the JVM with the command's exit code.
     *
     * @param args the command line, e.g. {@code echo --port 9000}
     */
    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /**
     * The {@code nbio} command line, ready to execute; tests use it to run commands in-process.
     *
     * @return a new command line for {@code nbio} and its subcommands
     */
    public static CommandLine commandLine() {
        return new CommandLine(new Nbio());
    }

    /** Without a subcommand there is nothing to do: say so and show the usage. */
    @Override
    public Integer call() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing a command: "
                + "http, echo, udp-echo, ping, workers, sendfile, sink, doctor, hello or help");
    }
}
