package dev.nbio.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nbio.it.NbioContainers.Finished;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.GenericContainer;

/**
 * io_uring forbidden by the container's seccomp profile, as Docker 25+'s default profile and
 * Kubernetes' RuntimeDefault do: auto-selection falls back to NIO and says why, a forced
 * {@code uring} fails with that cause, and the doctor reports it.
 */
class SeccompBlocksUringTest {
    /**
     * Allows every system call except the three of io_uring, which fail with EPERM (errno 1):
     * what {@code io_uring_setup} meets under a profile that leaves io_uring out.
     */
    static final String NO_URING_PROFILE = """
            {"defaultAction": "SCMP_ACT_ALLOW",
             "syscalls": [{"names": ["io_uring_setup", "io_uring_enter", "io_uring_register"],
                           "action": "SCMP_ACT_ERRNO", "errnoRet": 1}]}""";

    /** The cause nbio gives for that EPERM (UringNotifierProvider.explain). */
    static final String EPERM_CAUSE = "io_uring_setup failed with EPERM: io_uring is forbidden here, "
            + "by a seccomp filter";

    @BeforeEach
    void engineAndImage() {
        NbioContainers.assumeReady();
    }

    @Test
    void doctorReportsUringUnavailableWithEpermAndSelectsNio() {
        Finished doctor = NbioContainers.runToExit(withoutUring(NbioContainers.nbio("doctor")));

        assertEquals(0, doctor.exitCode(), doctor.output());
        assertTrue(doctor.stdout().lines().anyMatch(line -> line.matches("\\s*backend uring\\s+unavailable: "
                + "io_uring_setup failed with EPERM: io_uring is forbidden here, by a seccomp filter.*")),
                "the uring row names the EPERM cause:\n" + doctor.output());
        assertTrue(doctor.stdout().lines().anyMatch(line -> line.matches("\\s*auto-selection\\s+nio\\s*")),
                "auto-selection falls back to nio:\n" + doctor.output());
        assertTrue(doctor.stdout().lines().anyMatch(line -> line.matches("\\s*seccomp\\s+2: a seccomp filter is active.*")),
                "the seccomp row shows the filter:\n" + doctor.output());
    }

    @Test
    void forcedUringFailsWithTheEpermCause() {
        Finished hello = NbioContainers.runToExit(withoutUring(
                NbioContainers.nbio(List.of("-Dnbio.backend=uring"), "hello")));

        assertNotEquals(0, hello.exitCode(), hello.output());
        assertTrue(hello.output().contains("nbio hello: backend 'uring' asked for by "
                + "-Dnbio.backend is unavailable: " + EPERM_CAUSE), hello.output());
        assertTrue(!hello.output().contains("\tat dev.nbio"), "the reason, not a stack trace:\n" + hello.output());
        assertTrue(!hello.stdout().contains("Hello, world!"), "no greeting without its backend:\n" + hello.output());
    }

    @Test
    void helloFallsBackToNioAndSaysWhy() {
        Finished hello = NbioContainers.runToExit(withoutUring(NbioContainers.nbio("hello")));

        assertEquals(0, hello.exitCode(), hello.output());
        assertTrue(hello.stdout().contains("Hello, world!"), hello.output());
        assertTrue(hello.output().contains("nbio backend skipped: uring: " + EPERM_CAUSE), hello.output());
        assertTrue(hello.output().contains("nbio runs on the 'nio' backend"), hello.output());
    }

    private static GenericContainer<?> withoutUring(GenericContainer<?> container) {
        return container.withCreateContainerCmdModifier(create -> create.getHostConfig()
                .withSecurityOpts(List.of("seccomp=" + NO_URING_PROFILE)));
    }
}
