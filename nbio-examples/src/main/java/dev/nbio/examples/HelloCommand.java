package dev.nbio.examples;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code nbio hello}: runs {@link HelloWorld}. */
@Command(name = "hello",
        description = "Prints Hello, world! from a 100 ms timeout on an nbio event loop.",
        mixinStandardHelpOptions = true,
        versionProvider = NbioVersion.class)
public final class HelloCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    /** Creates the command; picocli fills in its options. */
    public HelloCommand() {
    }

    /**
     * Runs hello world, printing to the command line's output.
     *
     * @return 0
     */
    @Override
    public Integer call() {
        HelloWorld.sayHello(spec.commandLine().getOut());
        spec.commandLine().getOut().flush();
        return 0;
    }
}
