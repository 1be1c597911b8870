package dev.nbio.uring;

import dev.nbio.EventLoop;
import java.lang.reflect.Field;
import java.lang.reflect.Method;

/**
 * Reads the uring backend's private state behind a loop, for tests that must see what the
 * public API hides: slots still held (a leak), the ring's setup flags, completions sitting in
 * the completion queue. Reflection, because the loop core keeps its notifier private and the
 * backend's bookkeeping fields are private too; the tests run on the class path, where that
 * is allowed.
 */
final class UringInternals {
    private UringInternals() {
    }

    static UringNotifier notifier(EventLoop loop) {
        return (UringNotifier) read(loop, "notifier");
    }

    static Ring ring(EventLoop loop) {
        return (Ring) read(notifier(loop), "ring");
    }

    /** Slots taken and not given back: operations the backend still considers in flight. */
    static int slotsInUse(EventLoop loop) {
        return notifier(loop).slots.inUse();
    }

    /** Operations that hold a slot but wait their turn behind another on their socket. */
    static int waitingTheirTurn(EventLoop loop) {
        return notifier(loop).slots.waitingCount();
    }

    /** Whether the completion queue holds completions the loop has not reaped yet. */
    static boolean completionsWaiting(EventLoop loop) {
        try {
            Method ready = Ring.class.getDeclaredMethod("completionsReady");
            ready.setAccessible(true);
            return (boolean) ready.invoke(ring(loop));
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("Ring.completionsReady() is gone; update the test helper", e);
        }
    }

    /** Submission queue entries written but not yet consumed by the kernel. */
    static int pendingSubmissions(EventLoop loop) {
        try {
            Method pending = Ring.class.getDeclaredMethod("pending");
            pending.setAccessible(true);
            return (int) pending.invoke(ring(loop));
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("Ring.pending() is gone; update the test helper", e);
        }
    }

    private static Object read(Object owner, String name) {
        for (Class<?> type = owner.getClass(); type != null; type = type.getSuperclass()) {
            try {
                Field field = type.getDeclaredField(name);
                field.setAccessible(true);
                return field.get(owner);
            } catch (NoSuchFieldException e) {
                // look in the superclass
            } catch (IllegalAccessException e) {
                throw new AssertionError(e);
            }
        }
        throw new AssertionError(owner.getClass().getName() + " has no field " + name + "; update the test helper");
    }
}
