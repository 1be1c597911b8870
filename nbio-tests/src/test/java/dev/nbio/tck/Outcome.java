package dev.nbio.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nbio.FileHandle;
import dev.nbio.FileType;
import dev.nbio.OpError;
import dev.nbio.Operation;
import dev.nbio.OperationKind;
import dev.nbio.TcpSocket;
import java.net.InetSocketAddress;

/**
 * What one callback of any kind of operation saw, kept by {@link Recorder#outcomes()}: the
 * generic view ({@link Operation#error()}, ...) and the typed one side by side, so a test can
 * check that they agree. Fields a kind does not report stay {@code null} or 0.
 *
 * @param kind             the operation's kind
 * @param failed           what {@link Operation#failed()} said
 * @param error            the error as {@link Operation#error()} reports it
 * @param viewError        the error as the typed result view ({@code op.read().error()}, ...) reports it
 * @param errno            the system's error number
 * @param cause            the exception behind the error
 * @param bytes            bytes read, written, received or sent
 * @param file             the file an open handed out
 * @param socket           the socket an accept or dial handed out
 * @param source           where a received datagram came from
 * @param type             the file type a stat reported
 * @param size             the file size a stat reported
 * @param attachment       what {@link Operation#attachment()} returned
 * @param handedAttachment what an attachment-form callback was handed as its second argument
 */
record Outcome(OperationKind kind, boolean failed, OpError error, OpError viewError, int errno, Throwable cause,
               long bytes, FileHandle file, TcpSocket socket, InetSocketAddress source, FileType type, long size,
               Object attachment, Object handedAttachment) {

    /**
     * Copies what a callback sees; runs inside it.
     *
     * @param op               the operation
     * @param handedAttachment the attachment the callback was handed, or {@code null}
     * @return the copy
     */
    static Outcome of(Operation op, Object handedAttachment) {
        OpError viewError;
        long bytes = 0;
        FileHandle file = null;
        TcpSocket socket = null;
        InetSocketAddress source = null;
        FileType type = null;
        long size = 0;
        switch (op.kind()) {
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
        return new Outcome(op.kind(), op.failed(), op.error(), viewError, op.errno(), op.cause(), bytes, file, socket,
                source, type, size, op.attachment(), handedAttachment);
    }

    /**
     * Asserts the operation was of the given kind and succeeded.
     *
     * @param expectedKind the operation kind
     */
    void assertSucceeded(OperationKind expectedKind) {
        assertEquals(expectedKind, kind);
        assertNull(error, this::describe);
        assertNull(viewError, this::describe);
        assertFalse(failed, this::describe);
    }

    /**
     * Asserts the operation failed with the named error, reported alike by
     * {@link Operation#error()}, {@link Operation#failed()} and the typed view.
     *
     * @param expected the named error
     */
    void assertFailedWith(OpError expected) {
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
        return kind + ": error " + error + " (view: " + viewError + "), errno " + errno + ", cause " + cause
                + ", bytes " + bytes;
    }
}
