package dev.nbio.tck;

import static org.junit.jupiter.api.Assertions.fail;

import dev.nbio.BackendInfo;
import dev.nbio.EventLoop;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.Parameter;

/**
 * The base of every conformance test class. Subclasses carry {@code @ParameterizedClass}
 * and {@code @MethodSource("dev.nbio.tck.Backends#names")}, so each test runs once per
 * backend; this class acquires that backend's loop on the test's thread before each test
 * and releases it after. A backend that cannot start here aborts (skips) its tests with the
 * cause in the message.
 */
public abstract class LoopTest {
    /** How long a test may tick before it is declared stuck. */
    protected static final Duration LIMIT = Duration.ofSeconds(10);
    /** The longest a single tick of {@link #tickUntil} blocks; a constant, so ticking allocates nothing. */
    private static final Duration TICK = Duration.ofMillis(50);

    /** The backend under test, injected by JUnit. */
    @Parameter
    protected String backend;

    /** The loop of the test's thread, on {@link #backend}. */
    protected EventLoop loop;

    /** Errors thrown by callbacks, collected by the loop's error handler. */
    protected final List<Throwable> callbackErrors = new ArrayList<>();

    /** For subclasses. */
    protected LoopTest() {
    }

    /** Acquires the loop, or skips when the backend cannot run here. */
    @BeforeEach
    void acquireLoop() {
        BackendInfo info = Backends.info(backend);
        Assumptions.assumeTrue(info.available(), () -> "backend " + backend + " is unavailable here: " + info.cause());
        loop = EventLoop.acquire(backend);
        loop.errorHandler((op, error) -> callbackErrors.add(error));
    }

    /** Releases the loop completely, so every test starts with a fresh one. */
    @AfterEach
    void releaseLoop() {
        if (loop == null) {
            return;
        }
        boolean open = true;
        while (open) {
            loop.release();
            try {
                EventLoop.current();
            } catch (IllegalStateException released) {
                open = false;
            }
        }
    }

    /**
     * Ticks until the condition holds; fails the test after {@link #LIMIT}.
     *
     * @param condition what to wait for
     */
    protected void tickUntil(BooleanSupplier condition) {
        long deadline = System.nanoTime() + LIMIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail("condition not reached within " + LIMIT + " on backend " + backend
                        + " (" + loop.numWaiting() + " operations waiting)");
            }
            loop.tick(TICK);
        }
    }

    /**
     * Runs the loop until no operation is waiting; fails the test after {@link #LIMIT}.
     */
    protected void runToCompletion() {
        tickUntil(() -> loop.numWaiting() == 0);
    }

    /**
     * An IPv4 loopback address with port 0 (any free port).
     *
     * @return the address
     */
    protected static InetSocketAddress loopback() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    }

    /**
     * The local address of a bound socket, unchecked.
     *
     * @param socket the socket
     * @return its address
     */
    protected static InetSocketAddress addressOf(dev.nbio.SocketHandle socket) {
        try {
            return socket.localAddress();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
