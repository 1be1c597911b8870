package dev.nbio.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.nbio.AcceptError;
import dev.nbio.DialError;
import dev.nbio.Operation;
import dev.nbio.PollError;
import dev.nbio.PollEvent;
import dev.nbio.RecvError;
import dev.nbio.SendError;
import dev.nbio.SendfileError;
import dev.nbio.TcpSocket;
import java.net.InetSocketAddress;

/**
 * Copies of socket operation results, one record per kind, kept by a {@link Recorder}: a
 * test compares them whole ({@code assertEquals(new Received(3, null, null), recv.only())}).
 * Each copy also checks that the generic {@link Operation#error()} and
 * {@link Operation#failed()} agree with the typed view; a mismatch is thrown in the callback
 * and fails the test through the loop's error handler.
 */
final class SocketOutcomes {
    private SocketOutcomes() {
    }

    /** What an accept reported. */
    record Accepted(TcpSocket client, InetSocketAddress clientAddress, AcceptError error) {
        static Accepted of(Operation op) {
            checkGenericError(op, op.accept().error());
            return new Accepted(op.accept().client(), op.accept().clientAddress(), op.accept().error());
        }
    }

    /** What a dial reported. */
    record Dialed(TcpSocket socket, DialError error) {
        static Dialed of(Operation op) {
            checkGenericError(op, op.dial().error());
            return new Dialed(op.dial().socket(), op.dial().error());
        }
    }

    /** What a receive reported. */
    record Received(int received, InetSocketAddress source, RecvError error) {
        static Received of(Operation op) {
            checkGenericError(op, op.recv().error());
            return new Received(op.recv().received(), op.recv().source(), op.recv().error());
        }
    }

    /** What a send reported. */
    record Sent(int sent, SendError error) {
        static Sent of(Operation op) {
            checkGenericError(op, op.send().error());
            return new Sent(op.send().sent(), op.send().error());
        }
    }

    /** What a poll reported. */
    record Polled(PollEvent event, PollError error) {
        static Polled of(Operation op) {
            checkGenericError(op, op.poll().error());
            return new Polled(op.poll().event(), op.poll().error());
        }
    }

    /** What one sendfile callback (progress or final) reported. */
    record Sendfiled(long sent, long total, boolean done, SendfileError error) {
        static Sendfiled of(Operation op) {
            checkGenericError(op, op.sendfile().error());
            return new Sendfiled(op.sendfile().sent(), op.sendfile().total(), op.sendfile().done(),
                    op.sendfile().error());
        }
    }

    private static void checkGenericError(Operation op, Object typedError) {
        assertEquals(typedError, op.error(), "Operation.error() disagrees with the typed view of " + op.kind());
        assertEquals(typedError != null, op.failed(), "Operation.failed() disagrees with the error of " + op.kind());
    }
}
