package dev.nbio.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.nbio.it.NbioContainers.Finished;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code nbio doctor} under the engine's own default seccomp profile. Docker's default profile
 * allowed the io_uring system calls until Docker 25.0, which removed them (moby PR 46762):
 * on an older engine, such as Debian bookworm's docker.io 20.10, uring runs in the container;
 * on 25 and newer it is refused with EPERM, exactly as under {@link SeccompBlocksUringTest}'s
 * profile. The test reads the engine's version and asserts what that version does.
 */
class DefaultSeccompProfileTest {
    /** The first Docker release whose default seccomp profile leaves io_uring out. */
    static final int FIRST_DOCKER_WITHOUT_URING = 25;

    @BeforeEach
    void engineAndImage() throws IOException {
        NbioContainers.assumeReady();
        // The container shares the host's kernel: uring can only run there if it runs here.
        Path disabled = Path.of("/proc/sys/kernel/io_uring_disabled");
        assumeTrue(!Files.exists(disabled) || Files.readString(disabled).strip().equals("0"),
                "the host's kernel.io_uring_disabled is set, so no container can use io_uring whatever its profile");
    }

    @Test
    void doctorReportsWhatTheEnginesDefaultProfileAllows() {
        String version = NbioContainers.engineVersion();
        Finished doctor = NbioContainers.runToExit(NbioContainers.nbio("doctor"));

        assertEquals(0, doctor.exitCode(), doctor.output());
        // Every Docker version installs its default profile: the doctor sees a filter.
        assertTrue(doctor.stdout().lines().anyMatch(line -> line.matches("\\s*seccomp\\s+2: a seccomp filter is active.*")),
                "the seccomp row shows Docker's default filter:\n" + doctor.output());
        if (majorOf(version) >= FIRST_DOCKER_WITHOUT_URING) {
            assertTrue(hasRow(doctor, "backend uring\\s+unavailable: io_uring_setup failed with EPERM: .*"),
                    "Docker " + version + "'s default profile refuses io_uring:\n" + doctor.output());
            assertTrue(hasRow(doctor, "auto-selection\\s+nio"), doctor.output());
        } else {
            assertTrue(hasRow(doctor, "backend uring\\s+available, a loop on it starts .*"),
                    "Docker " + version + "'s default profile still allows io_uring:\n" + doctor.output());
            assertTrue(hasRow(doctor, "auto-selection\\s+uring"), doctor.output());
        }
    }

    private static boolean hasRow(Finished doctor, String row) {
        return doctor.stdout().lines().anyMatch(line -> line.matches("\\s*" + row + "\\s*"));
    }

    /** The major version of an engine version such as {@code 20.10.24+dfsg1} or {@code 28.2.2}. */
    private static int majorOf(String version) {
        return Integer.parseInt(version.replaceFirst("^(\\d+).*$", "$1"));
    }
}
