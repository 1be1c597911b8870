package dev.nbio.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nbio.AttachmentCallback;
import dev.nbio.Callback;
import dev.nbio.FileHandle;
import dev.nbio.FileType;
import dev.nbio.OpError;
import dev.nbio.Operation;
import dev.nbio.OperationKind;
import dev.nbio.TcpSocket;
import java.net.InetSocketAddress;

/**
 * What one operation's callback saw, copied out inside the callback because the operation
 * is recycled once the callback returns. Assertions are made afterwards on the test's own
 * stack: an assertion thrown inside a callback would only reach the loop's error handler.
 * Used by the file, removal and close tests.
 */
final class FileSuiteOutcome {
    int calls;
    OperationKind kind;
    boolean failed;
    /** The error as {@link Operation#error()} reports it. */
    OpError error;
    /** The error as the typed result view ({@code op.read().error()}, ...) reports it. */
    OpError viewError;
    int errno;
    Throwable cause;
    /** Bytes read, written, received or sent. */
    long bytes;
    FileHandle file;
    TcpSocket socket;
    /** Where a received datagram came from. */
    InetSocketAddress source;
    FileType type;
    long size;
    /** What {@link Operation#attachment()} returned. */
    Object attachment;
    /** What the attachment callback was handed as its second argument. */
    Object handedAttachment;

    /**
     * A plain callback that records into this outcome.
     *
     * @return the callback
     */
    Callback callback() {
        return this::record;
    }

    /**
     * An attachment callback that records into this outcome, including the attachment it was handed.
     *
     * @param <T> the attachment type
     * @return the callback
     */
    <T> AttachmentCallback<T> attachmentCallback() {
        return (op, given) -> {
            handedAttachment = given;
            record(op);
        };
    }

    /**
     * Whether the callback has run at least once.
     *
     * @return true once called
     */
    boolean done() {
        return calls > 0;
    }

    private void record(Operation op) {
        calls++;
        kind = op.kind();
        failed = op.failed();
        error = op.error();
        errno = op.errno();
        cause = op.cause();
        attachment = op.attachment();
        switch (kind) {
            case OPEN -> {
                file = op.open().file();
                viewError = op.open().error();
            }
            case READ -> {
                bytes = op.read().read();
                viewError = op.read().error();
            }
            case WRITE -> {
                bytes = op.write().written();
                viewError = op.write().error();
            }
            case STAT -> {
                type = op.stat().type();
                size = op.stat().size();
                viewError = op.stat().error();
            }
            case CLOSE -> viewError = op.close().error();
            case RECV -> {
                bytes = op.recv().received();
                source = op.recv().source();
                viewError = op.recv().error();
            }
            case SEND -> {
                bytes = op.send().sent();
                viewError = op.send().error();
            }
            case ACCEPT -> {
                socket = op.accept().client();
                viewError = op.accept().error();
            }
            case DIAL -> {
                socket = op.dial().socket();
                viewError = op.dial().error();
            }
            default -> viewError = op.error();
        }
    }

    /**
     * Asserts the callback ran exactly once, for an operation of the given kind, without error.
     *
     * @param expectedKind the operation kind
     */
    void assertSucceeded(OperationKind expectedKind) {
        assertEquals(1, calls, "the callback must run exactly once");
        assertEquals(expectedKind, kind);
        assertNull(error, this::describe);
        assertNull(viewError, this::describe);
        assertFalse(failed, this::describe);
    }

    /**
     * Asserts the callback ran exactly once and the operation failed with the named error,
     * reported alike by {@link Operation#error()}, {@link Operation#failed()} and the typed view.
     *
     * @param expected the named error
     */
    void assertFailedWith(OpError expected) {
        assertEquals(1, calls, "the callback must run exactly once");
        assertEquals(expected, error, this::describe);
        assertEquals(expected, viewError, "the typed result view must report the same error as Operation.error()");
        assertTrue(failed, "Operation.failed() must be true when error() is " + error);
    }

    /**
     * Describes the outcome for failure messages.
     *
     * @return a one-line description
     */
    String describe() {
        return kind + " called " + calls + " time(s): error " + error + " (view: " + viewError + "), errno " + errno
                + ", cause " + cause + ", bytes " + bytes;
    }
}
