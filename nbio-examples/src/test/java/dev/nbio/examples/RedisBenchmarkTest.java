package dev.nbio.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The ping server under Redis's own load generator, {@code redis-benchmark}, when it is
 * installed ({@code apt-get install redis-tools}); skipped, saying so, when it is not.
 */
class RedisBenchmarkTest {
    @Test
    void redisBenchmarkReportsRequestsPerSecondForInlineAndRespPing() throws Exception {
        Optional<Path> benchmark = onPath("redis-benchmark");
        assumeTrue(benchmark.isPresent(),
                "redis-benchmark is not on the PATH (apt-get install -y redis-tools); the raw-socket tests in PingServerTest still ran");

        PingServer server = PingServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), null);
        try {
            Process process = new ProcessBuilder(benchmark.get().toString(),
                    "-h", server.address().getAddress().getHostAddress(),
                    "-p", String.valueOf(server.address().getPort()),
                    "-t", "ping_inline,ping_mbulk", "-n", "2000", "-c", "4", "-q")
                    .redirectErrorStream(true)
                    .start();
            String report;
            try {
                process.getOutputStream().close();
                byte[] output = assertTimeoutPreemptively(EchoClients.LIMIT,
                        () -> process.getInputStream().readAllBytes(), "redis-benchmark did not finish");
                assertTrue(process.waitFor(EchoClients.LIMIT.toMillis(), TimeUnit.MILLISECONDS));
                report = new String(output, StandardCharsets.UTF_8);
            } finally {
                process.destroyForcibly();   // Only if it is still running after a failure.
            }

            // redis-benchmark finishes a test only once every request has had its reply.
            assertEquals(0, process.exitValue(), report);
            for (String test : new String[] {"PING_INLINE", "PING_MBULK"}) {
                assertTrue(Pattern.compile(test + ": [0-9.]+ requests per second").matcher(report).find(),
                        "no requests per second for " + test + " in: " + report);
            }
        } finally {
            ServerTestClients.stopAndAwait(server);
        }
    }

    private static Optional<Path> onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        return Stream.of(path.split(File.pathSeparator))
                .map(directory -> Path.of(directory, program))
                .filter(Files::isExecutable)
                .findFirst();
    }
}
