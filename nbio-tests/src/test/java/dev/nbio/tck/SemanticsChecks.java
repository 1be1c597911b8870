package dev.nbio.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import dev.nbio.EventLoop;
import dev.nbio.tck.SocketOutcomes.Received;
import dev.nbio.tck.SocketOutcomes.Sent;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Locale;
import org.junit.jupiter.api.function.Executable;

/**
 * Helpers shared by the loop-semantics tests (callbacks, removal, detach, threads, misuse,
 * lifecycle): message checks for misuse exceptions, and data left waiting in a socket.
 */
final class SemanticsChecks {
    private SemanticsChecks() {
    }

    /**
     * Asserts that {@code call} throws {@code type} and that the message names the problem:
     * it must contain at least one of {@code words}, ignoring case.
     *
     * @param type  the expected exception type
     * @param call  the misuse
     * @param words what the message may say; one is enough
     * @param <T>   the exception type
     * @return the exception
     */
    static <T extends Throwable> T assertThrowsMentioning(Class<T> type, Executable call, String... words) {
        return assertThrowsMentioning("the call", type, call, words);
    }

    /**
     * As {@link #assertThrowsMentioning(Class, Executable, String...)}, naming the misuse in
     * the failure message.
     *
     * @param what  the misuse, for the failure message
     * @param type  the expected exception type
     * @param call  the misuse
     * @param words what the message may say; one is enough
     * @param <T>   the exception type
     * @return the exception
     */
    static <T extends Throwable> T assertThrowsMentioning(String what, Class<T> type, Executable call,
                                                          String... words) {
        T thrown = assertThrows(type, call, () -> what + " should throw " + type.getSimpleName());
        String message = String.valueOf(thrown.getMessage()).toLowerCase(Locale.ROOT);
        for (String word : words) {
            if (message.contains(word.toLowerCase(Locale.ROOT))) {
                return thrown;
            }
        }
        return fail(what + ": the " + type.getSimpleName() + "'s message should mention one of "
                + Arrays.toString(words) + " but was: " + thrown.getMessage(), thrown);
    }

    /**
     * Leaves all but the first of {@code bytes} waiting in the server side's receive buffer:
     * the client sends them in one piece and the server receives exactly one byte, so the
     * rest has certainly arrived. A receive started afterwards has its data at hand at once.
     *
     * @param loop  the loop of the calling thread
     * @param pair  the connection
     * @param bytes at least two bytes
     */
    static void leaveBytesWaitingAtServer(EventLoop loop, SocketPair pair, byte[] bytes) {
        ByteBuffer first = ByteBuffer.allocate(1);
        Recorder<Sent> send = Recorder.sends();
        Recorder<Received> recv = Recorder.recvs();
        loop.send(pair.client(), ByteBuffer.wrap(bytes), send);
        loop.recv(pair.server(), first, recv);
        Ticking.tickUntil(loop, () -> send.called() && recv.called());
        assertEquals(new Sent(bytes.length, null), send.only());
        assertEquals(new Received(1, null, null), recv.only(), "a 1-byte buffer receives 1 byte");
        assertEquals(bytes[0], first.get(0));
    }
}
