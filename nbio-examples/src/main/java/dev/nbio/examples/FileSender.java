package dev.nbio.examples;

import dev.nbio.EventLoop;
import dev.nbio.FileFlag;
import dev.nbio.FileHandle;
import dev.nbio.OpError;
import dev.nbio.Operation;
import dev.nbio.Permissions;
import dev.nbio.SendfileResult;
import dev.nbio.TcpSocket;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Objects;

/**
 * Sends (part of) a file to a TCP server with {@code sendfile}, reporting progress as it goes.
 *
 * <p>Everything runs on the caller's loop, one step starting the next from its callback:
 * open the file, dial the server, {@code sendfile} with progress updates, then close the
 * socket and the file. {@link #send} ticks the loop until all of that is over and returns
 * the {@link Outcome}: how many bytes went out and, when a step failed, which step and its
 * named error.
 */
final class FileSender {
    /** What to send and where. */
    record Request(InetSocketAddress server, Path file, long offset, long length, Duration connectTimeout) {
        Request {
            Objects.requireNonNull(server, "server");
            Objects.requireNonNull(file, "file");
            if (offset < 0 || length < -1) {
                throw new IllegalArgumentException("offset must be >= 0 and length >= -1, got " + offset + " and " + length);
            }
        }
    }

    /** Hears about the transfer while it runs, on the loop's thread. */
    interface Listener {
        /** The connection is up and {@code sendfile} starts now. */
        void started(InetSocketAddress local, long nowNanos);

        /** A progress update: {@code sent} of {@code total} bytes are on their way. */
        void progress(long sent, long total, long nowNanos);
    }

    /** The step a transfer was at when it ended. */
    enum Step { OPEN, DIAL, SENDFILE }

    /**
     * How a transfer ended.
     *
     * @param step         the last step reached; {@link Step#SENDFILE} when it succeeded
     * @param error        the step's named error, or {@code null} on success
     * @param sent         bytes sent
     * @param total        bytes the transfer covered (0 when it never started)
     * @param startNanos   when {@code sendfile} started, on the loop's clock
     * @param endNanos     when it ended, on the loop's clock
     */
    record Outcome(Step step, OpError error, long sent, long total, long startNanos, long endNanos) {
        boolean succeeded() {
            return error == null;
        }

        /** The error as the tool prints it: {@code SendfileError.CONNECTION_RESET}. */
        String errorName() {
            return error == null ? null : ErrorNames.of(error);
        }
    }

    private final Request request;
    private final Listener listener;
    private FileHandle file;
    private TcpSocket socket;
    private Outcome outcome;

    private FileSender(Request request, Listener listener) {
        this.request = request;
        this.listener = listener;
    }

    /**
     * Runs one transfer on {@code loop}, which must be the calling thread's.
     *
     * @return how it ended
     */
    static Outcome send(EventLoop loop, Request request, Listener listener) {
        FileSender sender = new FileSender(request, Objects.requireNonNull(listener, "listener"));
        loop.open(null, request.file(), EnumSet.of(FileFlag.READ), Permissions.DEFAULT_FILE, sender, FileSender::onOpened);
        // Every step starts the next from its callback, and the last closes: run() returns when all is over.
        loop.run();
        return sender.outcome;
    }

    private static void onOpened(Operation op, FileSender sender) {
        if (op.failed()) {
            sender.end(Step.OPEN, op.open().error(), 0, 0, op.loop().nanoTime());
            return;
        }
        sender.file = op.open().file();
        op.loop().dial(sender.request.server(), sender.request.connectTimeout(), sender, FileSender::onDialed);
    }

    private static void onDialed(Operation op, FileSender sender) {
        if (op.failed()) {
            sender.end(Step.DIAL, op.dial().error(), 0, 0, op.loop().nanoTime());
            return;
        }
        sender.socket = op.dial().socket();
        long now = op.loop().nanoTime();
        sender.listener.started(localAddressOf(sender.socket), now);
        sender.outcome = new Outcome(Step.SENDFILE, null, 0, 0, now, now);
        Request request = sender.request;
        op.loop().sendfile(sender.socket, sender.file, request.offset(), request.length(), true, null,
                sender, FileSender::onSendfile);
    }

    private static void onSendfile(Operation op, FileSender sender) {
        SendfileResult result = op.sendfile();
        long now = op.loop().nanoTime();
        if (!result.done()) {
            sender.listener.progress(result.sent(), result.total(), now);
            return;
        }
        sender.end(Step.SENDFILE, result.error(), result.sent(), result.total(), now);
    }

    /** Records the outcome and closes what was opened; run() ends once the closes are done. */
    private void end(Step step, OpError error, long sent, long total, long nowNanos) {
        long start = outcome == null ? nowNanos : outcome.startNanos();
        outcome = new Outcome(step, error, sent, total, start, nowNanos);
        if (socket != null) {
            socket.loop().close(socket);
        }
        if (file != null) {
            file.loop().close(file);
        }
    }

    private static InetSocketAddress localAddressOf(TcpSocket socket) {
        try {
            return socket.localAddress();
        } catch (IOException e) {
            return null;   // Only shown to the user; the transfer does not need it.
        }
    }
}
