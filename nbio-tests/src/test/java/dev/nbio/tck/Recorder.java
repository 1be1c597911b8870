package dev.nbio.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.nbio.AttachmentCallback;
import dev.nbio.Callback;
import dev.nbio.Operation;
import dev.nbio.tck.SocketOutcomes.Accepted;
import dev.nbio.tck.SocketOutcomes.Dialed;
import dev.nbio.tck.SocketOutcomes.Polled;
import dev.nbio.tck.SocketOutcomes.Received;
import dev.nbio.tck.SocketOutcomes.Sendfiled;
import dev.nbio.tck.SocketOutcomes.Sent;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * A callback that keeps a copy of what every call reported, taken inside the callback: the
 * loop recycles an operation once its callback returns, so a test must not read it
 * afterwards. The test counts the calls and inspects the copies on its own stack.
 *
 * @param <T> the copy's type
 */
final class Recorder<T> implements Callback {
    /** Makes the copy from the operation and the attachment the callback was handed ({@code null} if plain). */
    private final BiFunction<Operation, Object, T> copy;
    private final List<T> calls = new ArrayList<>();

    private Recorder(BiFunction<Operation, Object, T> copy) {
        this.copy = copy;
    }

    /**
     * A recorder keeping what {@code copy} takes from each call.
     *
     * @param copy what to keep of a call; runs inside the callback
     * @param <T>  the copy's type
     * @return the recorder
     */
    static <T> Recorder<T> of(Function<Operation, T> copy) {
        return new Recorder<>((op, handed) -> copy.apply(op));
    }

    /** @return a recorder of everything any kind of operation reports ({@link Outcome}) */
    static Recorder<Outcome> outcomes() {
        return new Recorder<>(Outcome::of);
    }

    /** @return a recorder of accept results */
    static Recorder<Accepted> accepts() {
        return of(Accepted::of);
    }

    /** @return a recorder of dial results */
    static Recorder<Dialed> dials() {
        return of(Dialed::of);
    }

    /** @return a recorder of receive results */
    static Recorder<Received> recvs() {
        return of(Received::of);
    }

    /** @return a recorder of send results */
    static Recorder<Sent> sends() {
        return of(Sent::of);
    }

    /** @return a recorder of poll results */
    static Recorder<Polled> polls() {
        return of(Polled::of);
    }

    /** @return a recorder of sendfile results, progress updates included */
    static Recorder<Sendfiled> sendfiles() {
        return of(Sendfiled::of);
    }

    @Override
    public void onComplete(Operation op) {
        calls.add(copy.apply(op, null));
    }

    /**
     * This recorder as an attachment-form callback, which also hands the copy the attachment
     * it was given.
     *
     * @param <A> the attachment type
     * @return the callback
     */
    <A> AttachmentCallback<A> attachmentCallback() {
        return (op, attachment) -> calls.add(copy.apply(op, attachment));
    }

    /** @return whether the callback ran at least once */
    boolean called() {
        return !calls.isEmpty();
    }

    /** @return how often the callback ran */
    int count() {
        return calls.size();
    }

    /** @return every call, oldest first */
    List<T> calls() {
        return calls;
    }

    /**
     * The one call there was.
     *
     * @return its copy
     */
    T only() {
        assertEquals(1, calls.size(), () -> "expected exactly one callback, got " + calls);
        return calls.get(0);
    }

    /** @return the latest call */
    T last() {
        return calls.get(calls.size() - 1);
    }
}
