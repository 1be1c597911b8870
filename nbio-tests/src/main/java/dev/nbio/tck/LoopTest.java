package dev.nbio.tck;

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

    /** The backend under test, injected by JUnit. */
    @Parameter
    protected String backend;

    /** The loop of the test's thread, on {@link #backend}. */
    protected EventLoop loop;

    /**
     * Errors thrown by callbacks, collected by the loop's error handler; the test fails after
     * it ends unless this is empty, so an assertion made inside a callback counts. A test
     * that makes a callback throw on purpose clears it once it has checked what was thrown.
     */
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

    /** Fails the test when a callback threw, with the first error as the cause. */
    @AfterEach
    void noCallbackThrew() {
        if (!callbackErrors.isEmpty()) {
            AssertionError failure = new AssertionError("callbacks threw: " + callbackErrors, callbackErrors.get(0));
            callbackErrors.stream().skip(1).forEach(failure::addSuppressed);
            throw failure;
        }
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
        Ticking.tickUntil(loop, condition);
    }

    /**
     * Runs the loop until no operation is waiting; fails the test after {@link #LIMIT}.
     */
    protected void runToCompletion() {
        Ticking.runToCompletion(loop);
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
