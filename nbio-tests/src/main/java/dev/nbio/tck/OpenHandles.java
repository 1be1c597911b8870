package dev.nbio.tck;

import dev.nbio.IoHandle;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Closing handles outside the loop when a test is done with them: a list of the handles a
 * test opened, closed after it so that no descriptor outlives the test, and
 * {@link #closeNow}, the quiet close of a single handle.
 *
 * <p>Registered on a test class's field with {@code @RegisterExtension}, the list closes
 * itself as soon as each test method returns, before any {@code @AfterEach} method (and so
 * before {@link LoopTest} releases the loop).
 */
public final class OpenHandles implements AfterTestExecutionCallback {
    private final List<IoHandle> handles = new ArrayList<>();

    /** An empty list. */
    public OpenHandles() {
    }

    /**
     * Adds a handle to close after the test.
     *
     * @param handle the handle, or {@code null} (a failed open hands out none)
     * @param <H>    the handle's type
     * @return the handle
     */
    public <H extends IoHandle> H track(H handle) {
        if (handle != null) {
            handles.add(handle);
        }
        return handle;
    }

    /**
     * Closes every handle added that is still open, synchronously, and forgets them all.
     *
     * @throws IOException the first close that failed, after the others were tried
     */
    public void closeAll() throws IOException {
        IOException failure = null;
        for (IoHandle handle : handles) {
            if (!handle.isOpen()) {
                continue;
            }
            try {
                handle.handle().close();
            } catch (IOException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        handles.clear();
        if (failure != null) {
            throw failure;
        }
    }

    /**
     * Closes the handles when the test method has returned, whether it passed or not.
     *
     * @param context the test
     * @throws IOException the first close that failed
     */
    @Override
    public void afterTestExecution(ExtensionContext context) throws IOException {
        closeAll();
    }

    /**
     * Closes a handle at once, outside the loop, ignoring failures: for cleaning up after a test.
     *
     * @param handle the handle, or {@code null}
     */
    public static void closeNow(IoHandle handle) {
        if (handle == null) {
            return;
        }
        try {
            handle.handle().close();
        } catch (IOException | RuntimeException ignored) {
            // cleanup only: a handle that is already closed or fails to close changes nothing
        }
    }
}
