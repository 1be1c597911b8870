package dev.nbio.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nbio.it.NbioContainers.Finished;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.GenericContainer;

/**
 * The jar on a bare system with nothing but a JDK: Debian's minbase (no Java, no native
 * libraries beyond the C library) with a JDK mounted, running {@code java -jar nbio.jar hello}
 * as the README says. Nothing else is needed: the io_uring backend binds the C library through
 * the FFM API and ships no native code.
 */
class MinimalImageTest {
    @BeforeEach
    void engineAndImage() {
        NbioContainers.assumeReady();
    }

    @Test
    void theImageHasNoJavaOfItsOwn() {
        GenericContainer<?> probe = new GenericContainer<>(NbioContainers.IMAGE)
                .withCommand("sh", "-c", "command -v java || echo no java on the PATH; ls /usr/lib/jvm 2>&1 || true");
        Finished shell = NbioContainers.runToExit(probe);

        assertEquals(0, shell.exitCode(), shell.output());
        assertTrue(shell.stdout().contains("no java on the PATH"), shell.output());
        assertTrue(shell.stdout().contains("No such file or directory"), "no /usr/lib/jvm:\n" + shell.output());
    }

    @Test
    void helloRunsWithOnlyAJdk() {
        Finished hello = NbioContainers.runToExit(NbioContainers.nbio("hello"));

        assertEquals(0, hello.exitCode(), hello.output());
        assertEquals("Hello, world!", hello.stdout().strip(), hello.output());
    }

    @Test
    void versionNamesNbioAndTheMountedJdk() {
        Finished version = NbioContainers.runToExit(NbioContainers.nbio("--version"));

        assertEquals(0, version.exitCode(), version.output());
        assertTrue(version.stdout().lines().anyMatch(line -> line.matches("nbio \\d+\\.\\d+\\.\\d+.*")), version.output());
        assertTrue(version.stdout().lines().anyMatch(line -> line.startsWith("Java " + Runtime.version().feature())),
                "the JDK in the container is the one mounted:\n" + version.output());
    }
}
