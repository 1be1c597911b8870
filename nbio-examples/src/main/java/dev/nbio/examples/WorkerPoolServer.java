package dev.nbio.examples;

import dev.nbio.EventLoop;
import dev.nbio.Operation;
import dev.nbio.TcpSocket;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongUnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker-pool pattern: a TCP line server whose slow requests run on a pool of worker
 * threads, while the event loop keeps serving everyone else.
 *
 * <p>A client sends lines. {@code PING} is answered {@code PONG} by the loop's thread at
 * once. A number {@code n} from 1 to {@value #MAX_N} is handed to a worker, which computes
 * the n-th prime (CPU work, see {@link Primes}) and sends the reply itself: from the
 * worker's thread, {@code loop.send(...)} prepares the send and queues it to the loop with
 * {@code exec}, waking the loop, and the loop's thread starts it and runs its callback.
 * Anything else gets {@code ERR ...}. Each connection has one request in progress at a time,
 * so replies come in the order of the requests.
 *
 * <p><b>Stopping.</b> The listener and the idle connections close at once. The pool is shut
 * down with {@code shutdownNow}: a request still queued gets {@code ERR server shutting down}
 * from the loop, a running one is interrupted and its worker sends the same. The loop keeps
 * ticking until every reply handed to the workers has called back, then waits for the pool
 * to end.
 *
 * <p>Threads, listening and accepting: as described in {@link LoopServer} and {@link TcpServer}.
 */
public final class WorkerPoolServer extends TcpServer<WorkerPoolServer.Conn> {
    private static final Logger LOG = LoggerFactory.getLogger(WorkerPoolServer.class);

    /** The largest n the workers compute the n-th prime of. */
    public static final int MAX_N = 1_000_000;

    /** The longest request line, line end included. */
    static final int LINE_SIZE = 256;

    private static final byte[] PING = ascii("PING");
    private static final byte[] PONG = ascii("PONG\n");
    private static final byte[] BAD_REQUEST = ascii("ERR expected PING or a number from 1 to " + MAX_N + "\n");
    private static final byte[] LINE_TOO_LONG = ascii("ERR line too long\n");
    private static final byte[] SHUTTING_DOWN = ascii("ERR server shutting down\n");
    private static final byte[] INTERNAL_ERROR = ascii("ERR internal error\n");

    /** Room for the longest reply: a 19-digit number or an error line. */
    private static final int REPLY_SIZE = 64;

    private final ExecutorService workers;
    private final LongUnaryOperator work;
    /** Requests handed to the pool whose reply has not called back; changed on the loop's thread only. */
    private final AtomicInteger requestsAtWorkers = new AtomicInteger();

    private WorkerPoolServer(int workerCount, LongUnaryOperator work) {
        super("workers");
        if (workerCount < 1) {
            throw new IllegalArgumentException("a worker pool needs at least 1 worker, not " + workerCount);
        }
        this.work = Objects.requireNonNull(work, "work");
        // Daemon threads: a worker stuck in foreign code cannot keep the JVM alive after Ctrl-C.
        this.workers = Executors.newFixedThreadPool(workerCount,
                Thread.ofPlatform().name("nbio-worker-", 1).daemon(true).factory());
    }

    /**
     * Starts the server with {@code workerCount} workers computing n-th primes, and returns
     * once it listens.
     *
     * @param address     where to listen; port 0 picks a free port
     * @param backend     the nbio backend, or {@code null} for the one nbio selects
     * @param workerCount how many worker threads, at least 1
     * @return the running server
     * @throws IOException when the server cannot listen on the address; the message names it
     * @throws IllegalArgumentException when {@code workerCount} is below 1
     * @throws dev.nbio.BackendUnavailableException when the backend is missing or cannot start
     */
    public static WorkerPoolServer start(InetSocketAddress address, String backend, int workerCount)
            throws IOException {
        return start(address, backend, workerCount, Primes::nth);
    }

    /**
     * Starts the server with other work than primes: what tests use to hold workers busy.
     *
     * @param address     where to listen; port 0 picks a free port
     * @param backend     the nbio backend, or {@code null} for the one nbio selects
     * @param workerCount how many worker threads, at least 1
     * @param work        computes the reply to a request {@code n} on a worker thread; the
     *                    result must not be negative; a {@link CancellationException} means
     *                    the pool is shutting down
     * @return the running server
     * @throws IOException when the server cannot listen on the address
     */
    static WorkerPoolServer start(InetSocketAddress address, String backend, int workerCount,
                                  LongUnaryOperator work) throws IOException {
        return startOn(new WorkerPoolServer(workerCount, work), address, backend);
    }

    /**
     * How many requests the workers have: running or waiting in the pool's queue, with
     * replies that have not gone out yet.
     *
     * @return the count; safe to read from any thread
     */
    public int requestsAtWorkers() {
        return requestsAtWorkers.get();
    }

    /**
     * Whether every worker thread has ended: true once the server has stopped.
     *
     * @return true when the pool has terminated
     */
    public boolean workersTerminated() {
        return workers.isTerminated();
    }

    // ---- the loop's thread ------------------------------------------------------------------

    @Override
    protected Conn accepted(Operation accept, TcpSocket client) {
        return new Conn(this, client);
    }

    /** Also shuts the pool down: the queued requests are answered here, the running ones by their workers. */
    @Override
    protected void beginStop(EventLoop loop) {
        // Interrupts the running requests (their workers still reply) and hands back the queued ones.
        List<Runnable> neverStarted = workers.shutdownNow();
        for (Runnable queued : neverStarted) {
            Conn conn = (Conn) queued;
            requestsAtWorkers.decrementAndGet();
            conn.atWorker = false;
            reply(loop, conn, SHUTTING_DOWN);
        }
        super.beginStop(loop);
    }

    @Override
    protected boolean drained() {
        return requestsAtWorkers.get() == 0;
    }

    @Override
    protected void afterLoop() {
        workers.shutdownNow();   // Already done after a stop; needed when the start failed.
        try {
            // Every worker has queued its last send by now, so this is only the threads ending.
            if (!workers.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.warn("Worker threads still running 10 s after the server stopped");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void onRecv(Operation op, Conn conn) {
        if (op.failed() || op.recv().received() == 0) {
            conn.close();   // Reset, or the client closed its side.
            return;
        }
        nextRequest(op.loop(), conn);
    }

    /** Serves the next whole line of the input, or receives more. The input holds bytes {@code [0, position)}. */
    private static void nextRequest(EventLoop loop, Conn conn) {
        ByteBuffer in = conn.in;
        int received = in.position();
        int newline = Ascii.indexOf(in, 0, received, (byte) '\n');
        if (newline < 0) {
            if (in.hasRemaining()) {
                loop.recv(conn.socket, in, conn, WorkerPoolServer::onRecv);
            } else {
                conn.closeAfterReply = true;
                reply(loop, conn, LINE_TOO_LONG);
            }
            return;
        }
        int lineEnd = newline > 0 && in.get(newline - 1) == '\r' ? newline - 1 : newline;
        boolean ping = Ascii.equalsIgnoreCase(in, 0, lineEnd, PING);
        long n = Ascii.parseLong(in, 0, lineEnd);
        in.limit(received).position(newline + 1);
        in.compact();   // The next line, if any has arrived, now starts at 0.
        if (ping) {
            reply(loop, conn, PONG);   // Answered on the loop's thread, however busy the workers are.
        } else if (n >= 1 && n <= MAX_N) {
            conn.request = n;
            conn.atWorker = true;
            conn.server.requestsAtWorkers.incrementAndGet();
            conn.server.workers.execute(conn);
        } else {
            reply(loop, conn, BAD_REQUEST);
        }
    }

    /** Sends a reply made on the loop's thread. */
    private static void reply(EventLoop loop, Conn conn, byte[] text) {
        conn.out.clear();
        conn.out.put(text).flip();
        conn.sending = true;
        loop.send(conn.socket, conn.out, conn, WorkerPoolServer::onSent);
    }

    private static void onSent(Operation op, Conn conn) {
        conn.sending = false;
        if (op.failed() || conn.server.stopping()) {
            conn.close();
        } else if (conn.closeAfterReply) {
            conn.lingerThenClose(conn.in);
        } else {
            nextRequest(op.loop(), conn);
        }
    }

    /** Runs on the loop's thread for a reply that a worker sent. */
    private static void onWorkerReplySent(Operation op, Conn conn) {
        conn.server.requestsAtWorkers.decrementAndGet();
        conn.atWorker = false;
        if (op.failed() || conn.server.stopping()) {
            conn.close();
            return;
        }
        nextRequest(op.loop(), conn);
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * One client connection: the attachment of all of its operations, and the task a worker
     * runs for its request. The loop's thread owns it, except while {@link #atWorker}: then
     * the worker owns {@link #request} and {@link #out} until it has queued the send.
     */
    static final class Conn extends TcpConnection<WorkerPoolServer> implements Runnable {
        final EventLoop loop;
        final ByteBuffer in = ByteBuffer.allocateDirect(LINE_SIZE);
        final ByteBuffer out = ByteBuffer.allocateDirect(REPLY_SIZE);
        long request;
        boolean atWorker;
        boolean sending;
        boolean closeAfterReply;

        Conn(WorkerPoolServer server, TcpSocket socket) {
            super(server, socket);
            this.loop = socket.loop();
        }

        @Override
        void start() {
            loop.recv(socket, in, this, WorkerPoolServer::onRecv);
        }

        /** A connection with a reply on its way closes once the reply is out. */
        @Override
        void stop() {
            if (!atWorker && !sending) {
                close();
            }
        }

        /** On a worker thread: computes the reply and sends it through the loop. */
        @Override
        public void run() {
            out.clear();
            try {
                long result = server.work.applyAsLong(request);
                Ascii.putLong(out, result);
                out.put((byte) '\n');
            } catch (CancellationException e) {
                out.clear();
                out.put(SHUTTING_DOWN);
            } catch (RuntimeException e) {
                LOG.error("The work for request {} failed", request, e);
                out.clear();
                out.put(INTERNAL_ERROR);
            }
            out.flip();
            try {
                // Not the loop's thread: the send is prepared here and queued to the loop, which
                // is woken, starts it in its next tick and runs onWorkerReplySent on its own thread.
                loop.send(socket, out, this, WorkerPoolServer::onWorkerReplySent);
            } catch (IllegalStateException e) {
                // Only when the loop's thread failed and let its loop go: nobody is left to reply to.
                LOG.debug("Could not queue the reply to request {}: {}", request, e.getMessage());
            }
        }
    }
}
