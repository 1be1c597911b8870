package dev.nbio.it;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.AccessMode;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.Volume;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.output.OutputFrame.OutputType;

/**
 * What every container test needs: an engine that answers, the base image, the built jar and a
 * JDK to mount; and containers that run {@code java -jar /nbio/nbio.jar ...} in that image.
 *
 * <p>The image holds no JDK of its own. The JDK that runs the tests (a JDK 25, as the build
 * needs) is bind-mounted read-only at {@code /opt/jdk} and the jar at {@code /nbio/nbio.jar}.
 */
final class NbioContainers {
    /** The image {@code scripts/it-image.sh} builds: Debian bookworm's minbase, nothing more. */
    static final String IMAGE = System.getProperty("nbio.it.image", "nbio-it-base:bookworm");

    /** How long a container may take to start its JVM and finish or log what is awaited. */
    static final Duration STARTUP_LIMIT = Duration.ofSeconds(60);

    private static final String HOW_TO_GET_DOCKER = "install and start an engine (as root: "
            + "apt-get install -y docker.io debootstrap; dockerd >/tmp/dockerd.log 2>&1 &), then run "
            + "scripts/it-image.sh, or run .ci/run, which does both";

    private NbioContainers() {}

    /**
     * Skips the calling test, with the cause and the remedy, unless a Docker engine answers and
     * the base image exists; checks that the jar and the JDK to mount are there. Call it from
     * {@code @BeforeEach}, so that each test is reported as skipped with the reason.
     */
    static void assumeReady() {
        assumeTrue(Readiness.REASON_TO_SKIP == null, Readiness.REASON_TO_SKIP);
        assertTrue(Files.isRegularFile(jar()), "the shaded jar " + jar() + " is missing: build nbio-examples "
                + "first (./mvnw -pl nbio-it -am verify does)");
        assertTrue(Files.isExecutable(jdk().resolve("bin/java")), "no java under " + jdk());
    }

    /** Asks the engine once per run (a missing engine takes Testcontainers a while to rule out). */
    private static final class Readiness {
        static final String REASON_TO_SKIP = reasonToSkip();

        private static String reasonToSkip() {
            if (!DockerClientFactory.instance().isDockerAvailable()) {
                return "container test skipped: no Docker engine answers (DOCKER_HOST="
                        + System.getenv("DOCKER_HOST") + ", and none on /var/run/docker.sock); to run it, "
                        + HOW_TO_GET_DOCKER;
            }
            if (!imageExists(IMAGE)) {
                return "container test skipped: the Docker engine answers but has no image " + IMAGE
                        + "; build it with scripts/it-image.sh (needs root and debootstrap; .ci/run calls it)";
            }
            return null;
        }
    }

    /**
     * A container that runs {@code java [jvmOptions] -jar /nbio/nbio.jar args} in the base image
     * with the JDK and the jar mounted. Not started; the caller adds what its situation needs.
     */
    static GenericContainer<?> nbio(List<String> jvmOptions, String... args) {
        List<String> command = new ArrayList<>();
        command.add("/opt/jdk/bin/java");
        command.addAll(jvmOptions);
        command.add("-jar");
        command.add("/nbio/nbio.jar");
        command.addAll(List.of(args));
        // The binds go straight into the create command: withFileSystemBind would first check
        // that files can be mounted by starting Testcontainers' alpine image, which no registry
        // here can give (two minutes of retries, then only a warning).
        Bind jdk = new Bind(jdk().toString(), new Volume("/opt/jdk"), AccessMode.ro);
        Bind jar = new Bind(jar().toString(), new Volume("/nbio/nbio.jar"), AccessMode.ro);
        return new GenericContainer<>(IMAGE)
                .withCreateContainerCmdModifier(create -> create.getHostConfig().withBinds(jdk, jar))
                .withCommand(command.toArray(String[]::new));
    }

    /** {@link #nbio(List, String...)} without JVM options. */
    static GenericContainer<?> nbio(String... args) {
        return nbio(List.of(), args);
    }

    /**
     * Starts a container whose command ends by itself, waits for it to exit and removes it.
     *
     * @return its exit code and output
     */
    static Finished runToExit(GenericContainer<?> container) {
        try (container) {
            container.withStartupCheckStrategy(new ExitedStartupCheck().withTimeout(STARTUP_LIMIT));
            container.start();
            Long exitCode = container.getCurrentContainerInfo().getState().getExitCodeLong();
            return new Finished(exitCode == null ? -1 : exitCode.intValue(),
                    container.getLogs(OutputType.STDOUT), container.getLogs(OutputType.STDERR));
        }
    }

    /** The engine's version, e.g. {@code 20.10.24+dfsg1}. */
    static String engineVersion() {
        return DockerClientFactory.instance().client().versionCmd().exec().getVersion();
    }

    private static boolean imageExists(String image) {
        DockerClient client = DockerClientFactory.instance().client();
        try {
            client.inspectImageCmd(image).exec();
            return true;
        } catch (NotFoundException e) {
            return false;
        }
    }

    static Path jar() {
        return Path.of(System.getProperty("nbio.it.jar", "../nbio-examples/target/nbio.jar")).toAbsolutePath().normalize();
    }

    /** The JDK to mount: {@code -Dnbio.it.jdk}, or the one running the tests (links resolved). */
    private static Path jdk() {
        Path home = Path.of(System.getProperty("nbio.it.jdk", System.getProperty("java.home")));
        try {
            return home.toRealPath();
        } catch (IOException e) {
            return home.toAbsolutePath();
        }
    }

    /**
     * A container's end: exit code, standard output and standard error.
     *
     * @param exitCode the process's exit status
     * @param stdout   what it printed on standard output
     * @param stderr   what it printed on standard error (the log lines)
     */
    record Finished(int exitCode, String stdout, String stderr) {
        /** Both streams, for assertions that do not care which, and for failure messages. */
        String output() {
            return "--- stdout ---\n" + stdout + "--- stderr ---\n" + stderr;
        }
    }
}
