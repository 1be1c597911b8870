package dev.nbio.examples;

import dev.nbio.BackendUnavailableException;
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
     * @return 0, or 1 when no event loop can start (the reason goes to the error output)
     */
    @Override
    public Integer call() {
        try {
            HelloWorld.sayHello(spec.commandLine().getOut());
        } catch (BackendUnavailableException e) {
            spec.commandLine().getErr().println("nbio hello: " + e.getMessage());
            return 1;
        } finally {
            spec.commandLine().getOut().flush();
        }
        return 0;
    }
}
