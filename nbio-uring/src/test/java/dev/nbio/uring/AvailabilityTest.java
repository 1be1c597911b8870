package dev.nbio.uring;

import static dev.nbio.uring.IoUringAbi.IORING_SETUP_COOP_TASKRUN;
import static dev.nbio.uring.IoUringAbi.IORING_SETUP_DEFER_TASKRUN;
import static dev.nbio.uring.IoUringAbi.IORING_SETUP_SINGLE_ISSUER;
import static dev.nbio.uring.IoUringAbi.IORING_SETUP_SUBMIT_ALL;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nbio.BackendInfo;
import dev.nbio.EventLoop;
import dev.nbio.spi.Availability;
import java.lang.foreign.Arena;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The availability check and its explanations, and the setup flag sets the backend tries:
 * io_uring is usable on this machine, each errno that stops io_uring_setup is explained in
 * words a user can act on, and the system properties switch the flags off.
 */
class AvailabilityTest {
    private static final String[] PROPERTIES = {
        "nbio.uring.singleIssuer", "nbio.uring.deferTaskrun", "nbio.uring.coopTaskrun"};
    private final Map<String, String> saved = new HashMap<>();

    /** Sets a property for one test, remembering what to restore. */
    private void set(String name, String value) {
        saved.putIfAbsent(name, System.getProperty(name));
        System.setProperty(name, value);
    }

    @AfterEach
    void restoreProperties() {
        saved.forEach((name, value) -> {
            if (value == null) {
                System.clearProperty(name);
            } else {
                System.setProperty(name, value);
            }
        });
    }

    @Test
    void theProviderIsAvailableOnThisMachine() {
        UringNotifierProvider provider = new UringNotifierProvider();
        Availability availability = provider.availability();
        assertTrue(availability.available(), () -> "io_uring should work here: " + availability.cause());
        assertNull(availability.cause());
        assertEquals("uring", provider.name());
        assertTrue(provider.isNative());
        BackendInfo info = EventLoop.backends().stream().filter(b -> b.name().equals("uring")).findFirst()
                .orElseThrow(() -> new AssertionError("the service loader does not list uring: " + EventLoop.backends()));
        assertTrue(info.available(), () -> "listed as unavailable: " + info.cause());
    }

    @Test
    void aLoopCanBeAcquiredOnUring() {
        EventLoop loop = EventLoop.acquire("uring");
        try {
            assertEquals("uring", loop.backend());
            assertEquals(Thread.currentThread(), loop.thread());
        } finally {
            UringLoopTest.releaseCompletely();
        }
    }

    @Test
    void enosysSaysTheKernelHasNoIoUring() {
        String text = UringNotifierProvider.explain(UringErrors.ENOSYS).toLowerCase(Locale.ROOT);
        assertTrue(text.contains("enosys"), text);
        assertTrue(text.contains("kernel") && text.contains("config_io_uring"), text);
    }

    @Test
    void epermNamesSeccompAndTheSysctl() {
        String text = UringNotifierProvider.explain(UringErrors.EPERM).toLowerCase(Locale.ROOT);
        assertTrue(text.contains("eperm"), text);
        assertTrue(text.contains("seccomp"), text);
        assertTrue(text.contains("io_uring_disabled"), text);
    }

    @Test
    void enomemNamesTheLockedMemoryLimit() {
        String text = UringNotifierProvider.explain(UringErrors.ENOMEM).toLowerCase(Locale.ROOT);
        assertTrue(text.contains("enomem"), text);
        assertTrue(text.contains("memlock"), text);
        assertTrue(text.contains("ulimit -l"), text);
    }

    @Test
    void einvalSaysTheKernelIsTooOld() {
        String text = UringNotifierProvider.explain(UringErrors.EINVAL).toLowerCase(Locale.ROOT);
        assertTrue(text.contains("einval") && text.contains("too old"), text);
    }

    @Test
    void anyOtherErrnoIsNamedWithItsMessageAndNumber() {
        String text = UringNotifierProvider.explain(5);
        assertTrue(text.contains("Input/output error"), text);
        assertTrue(text.contains("errno 5"), text);
    }

    @Test
    void byDefaultTheBestSetIsSingleIssuerWithDeferredTaskRunning() {
        for (String name : PROPERTIES) {
            saved.putIfAbsent(name, System.getProperty(name));
            System.clearProperty(name);
        }
        assertArrayEquals(new int[] {
            IORING_SETUP_SUBMIT_ALL | IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN,
            IORING_SETUP_SUBMIT_ALL | IORING_SETUP_COOP_TASKRUN,
            0}, SetupFlags.candidates());
    }

    @Test
    void deferTaskrunFalseFallsBackToCooperativeTaskRunning() {
        set("nbio.uring.deferTaskrun", "false");
        int best = SetupFlags.candidates()[0];
        assertEquals(IORING_SETUP_SUBMIT_ALL | IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_COOP_TASKRUN, best);
    }

    @Test
    void singleIssuerFalseAlsoDropsDeferredTaskRunning() {
        // DEFER_TASKRUN needs SINGLE_ISSUER: the kernel refuses it alone.
        set("nbio.uring.singleIssuer", "false");
        int[] sets = SetupFlags.candidates();
        assertEquals(IORING_SETUP_SUBMIT_ALL | IORING_SETUP_COOP_TASKRUN, sets[0]);
        assertEquals(0, sets[0] & (IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN));
    }

    @Test
    void coopTaskrunFalseLeavesItOutOfEverySet() {
        set("nbio.uring.coopTaskrun", "false");
        set("nbio.uring.deferTaskrun", "false");
        int[] sets = SetupFlags.candidates();
        assertEquals(IORING_SETUP_SUBMIT_ALL | IORING_SETUP_SINGLE_ISSUER, sets[0]);
        assertEquals(IORING_SETUP_SUBMIT_ALL, sets[1]);
        assertEquals(0, sets[2]);
    }

    @Test
    void theLastResortIsAlwaysNoFlags() {
        set("nbio.uring.singleIssuer", "false");
        set("nbio.uring.coopTaskrun", "false");
        int[] sets = SetupFlags.candidates();
        assertEquals(0, sets[sets.length - 1]);
        assertEquals(IORING_SETUP_SUBMIT_ALL, sets[0]);
    }

    /** Every set the backend may end up with is accepted by this kernel, and the ring keeps it. */
    @Test
    void thisKernelAcceptsEveryCandidateSet() throws Exception {
        int[] all = {
            IORING_SETUP_SUBMIT_ALL | IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN,
            IORING_SETUP_SUBMIT_ALL | IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_COOP_TASKRUN,
            IORING_SETUP_SUBMIT_ALL | IORING_SETUP_COOP_TASKRUN,
            IORING_SETUP_SUBMIT_ALL,
            0};
        try (Arena arena = Arena.ofConfined()) {
            for (int flags : all) {
                Ring ring = Ring.open(8, new int[] {flags}, arena);
                try {
                    assertEquals(flags, ring.setupFlags);
                } finally {
                    ring.close();
                }
            }
        }
    }

    /** A set the kernel refuses with EINVAL makes Ring.open try the next one. */
    @Test
    void aRefusedSetFallsBackToTheNext() throws Exception {
        // DEFER_TASKRUN without SINGLE_ISSUER is refused with EINVAL by every kernel that knows it.
        int refused = IORING_SETUP_DEFER_TASKRUN;
        try (Arena arena = Arena.ofConfined()) {
            Ring ring = Ring.open(8, new int[] {refused, IORING_SETUP_SUBMIT_ALL}, arena);
            try {
                assertEquals(IORING_SETUP_SUBMIT_ALL, ring.setupFlags);
            } finally {
                ring.close();
            }
            Ring.RingSetupException failure = assertThrows(Ring.RingSetupException.class,
                    () -> Ring.open(8, new int[] {refused}, arena));
            assertEquals(UringErrors.EINVAL, failure.errno);
            assertTrue(UringNotifierProvider.explain(failure.errno).contains("EINVAL"));
        }
    }
}
