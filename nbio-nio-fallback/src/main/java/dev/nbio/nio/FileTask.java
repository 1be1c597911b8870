package dev.nbio.nio;

import dev.nbio.spi.OperationRecord;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One file operation handed to the worker pool. The loop can take it back while it still
 * waits in the pool's queue; once a worker has started it, the blocking call runs to its end
 * and the loop learns of it through the notifier's queue of finished operations.
 */
final class FileTask implements Runnable {
    private static final int WAITING = 0;
    private static final int RUNNING = 1;
    private static final int WITHDRAWN = 2;

    private final OperationRecord op;
    private final NioNotifier notifier;
    private final AtomicInteger state = new AtomicInteger(WAITING);

    FileTask(OperationRecord op, NioNotifier notifier) {
        this.op = op;
        this.notifier = notifier;
    }

    @Override
    public void run() {
        // A withdrawn task's record may already serve another operation: touch nothing.
        if (state.compareAndSet(WAITING, RUNNING)) {
            NioFiles.run(op);
            notifier.fileFinished(op);
        }
    }

    /**
     * Takes the task back if no worker has started it.
     *
     * @return true when withdrawn (the worker will never touch the record); false when it runs
     */
    boolean withdraw() {
        return state.compareAndSet(WAITING, WITHDRAWN);
    }
}
