package dev.nbio.uring;

import static dev.nbio.uring.IoUringAbi.SHUT_RDWR;
import static dev.nbio.uring.IoUringAbi.SOCKADDR_STORAGE_SIZE;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import dev.nbio.spi.Handle;
import dev.nbio.spi.OperationRecord;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.net.SocketOption;
import java.net.StandardSocketOptions;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Path;

/**
 * A socket or file on the io_uring backend: a file descriptor and what kind of thing it is.
 * The synchronous socket calls (bind, listen, options, addresses) are plain system calls.
 */
final class UringHandle implements Handle {
    /** What the descriptor is. */
    enum Kind {
        /** A TCP socket made to listen (or made by createSocket, which can only listen). */
        LISTENER,
        /** A connected TCP socket. */
        STREAM,
        /** A UDP socket. */
        DATAGRAM,
        /** A file or directory. */
        FILE
    }

    private static final int SOL_SOCKET = 1;
    private static final int IPPROTO_IP = 0;
    private static final int IPPROTO_TCP = 6;
    private static final int IPPROTO_IPV6 = 41;

    final int fd;
    final Kind kind;
    final boolean ipv6;
    private final Path path;
    private boolean closed;
    /** The socket's index in its notifier's table of multishot requests, or -1. */
    int multishotIndex = -1;
    /** Whether a multishot accept is in the kernel for this listener. */
    boolean multishotArmed;
    /** Whether a multishot accept ever delivered a connection (so EINVAL later is not "unsupported"). */
    boolean everAccepted;
    /** No end of stream or error is held. */
    static final int NO_END = 1;
    /** Whether a multishot receive is in the kernel for this stream, and whether it is being cancelled. */
    boolean recvArmed;
    boolean recvCancelling;
    /** Whether a multishot receive ever delivered data (so EINVAL later is not "unsupported"). */
    boolean everReceived;
    /** After the held data: 0 when the peer closed, -errno when the stream failed, else {@link #NO_END}. */
    int heldEnd = NO_END;
    /** The notifier holding ring buffers for this stream; told when the stream closes. */
    ProvidedReceives owner;
    /** Ring buffers the multishot receive filled before anyone asked: id, offset and length each. */
    private int[] held = new int[0];
    private int heldHead;
    private int heldSize;

    void hold(int id, int length) {
        if (heldSize * 3 == held.length) {
            int[] grown = new int[Math.max(12, held.length * 2)];
            for (int i = 0; i < heldSize * 3; i++) {
                grown[i] = held[(heldHead * 3 + i) % held.length];
            }
            held = grown;
            heldHead = 0;
        }
        int at = ((heldHead + heldSize) * 3) % held.length;
        held[at] = id;
        held[at + 1] = 0;
        held[at + 2] = length;
        heldSize++;
    }

    int heldCount() {
        return heldSize;
    }

    int heldId() {
        return held[heldHead * 3];
    }

    int heldOffset() {
        return held[heldHead * 3 + 1];
    }

    int heldLength() {
        return held[heldHead * 3 + 2];
    }

    /** Takes {@code bytes} from the oldest held buffer; true when it is used up. */
    boolean consumeHeld(int bytes) {
        held[heldHead * 3 + 1] += bytes;
        held[heldHead * 3 + 2] -= bytes;
        return held[heldHead * 3 + 2] == 0;
    }

    void dropHeld() {
        heldHead = (heldHead + 1) % (held.length / 3);
        heldSize--;
    }

    /** Connections the multishot accept delivered before any accept operation asked for them. */
    private int[] accepted = new int[0];
    private int acceptedHead;
    private int acceptedSize;
    /** Receives, and sends (with sendfiles), wait their turn here: a stream keeps their order. */
    private OperationRecord readHead;
    private OperationRecord readTail;
    private OperationRecord writeHead;
    private OperationRecord writeTail;

    UringHandle(int fd, Kind kind, boolean ipv6, Path path) {
        this.fd = fd;
        this.kind = kind;
        this.ipv6 = ipv6;
        this.path = path;
    }

    /**
     * Queues an operation behind those of its direction.
     *
     * @return true when it is first and can start now
     */
    boolean enqueue(boolean read, OperationRecord op) {
        op.next = null;
        OperationRecord tail = read ? readTail : writeTail;
        if (tail == null) {
            if (read) {
                readHead = readTail = op;
            } else {
                writeHead = writeTail = op;
            }
            return true;
        }
        tail.next = op;
        if (read) {
            readTail = op;
        } else {
            writeTail = op;
        }
        return false;
    }

    /**
     * Takes an operation out of its queue.
     *
     * @return the next operation to start when {@code op} was running at the head, else null
     */
    OperationRecord dequeue(boolean read, OperationRecord op) {
        OperationRecord previous = null;
        OperationRecord current = read ? readHead : writeHead;
        while (current != null && current != op) {
            previous = current;
            current = current.next;
        }
        if (current == null) {
            return null;
        }
        OperationRecord after = op.next;
        op.next = null;
        if (previous == null) {
            if (read) {
                readHead = after;
            } else {
                writeHead = after;
            }
        } else {
            previous.next = after;
        }
        if (after == null) {
            if (read) {
                readTail = previous;
            } else {
                writeTail = previous;
            }
        }
        return previous == null ? after : null;
    }

    /** The first queued operation of a direction that {@code test} accepts, or null. */
    OperationRecord firstWaiting(boolean read, java.util.function.Predicate<OperationRecord> test) {
        for (OperationRecord op = read ? readHead : writeHead; op != null; op = op.next) {
            if (test.test(op)) {
                return op;
            }
        }
        return null;
    }

    /** Keeps a connection accepted ahead of demand. */
    void keepAccepted(int fd) {
        if (acceptedSize == accepted.length) {
            int[] grown = new int[Math.max(8, accepted.length * 2)];
            for (int i = 0; i < acceptedSize; i++) {
                grown[i] = accepted[(acceptedHead + i) % accepted.length];
            }
            accepted = grown;
            acceptedHead = 0;
        }
        accepted[(acceptedHead + acceptedSize++) % accepted.length] = fd;
    }

    /** The oldest connection accepted ahead of demand, or -1. */
    int takeAccepted() {
        if (acceptedSize == 0) {
            return -1;
        }
        int fd = accepted[acceptedHead];
        acceptedHead = (acceptedHead + 1) % accepted.length;
        acceptedSize--;
        return fd;
    }

    int acceptedCount() {
        return acceptedSize;
    }

    /** Closes the connections nobody accepted (the listener is closing). */
    void closeAccepted() {
        int fd;
        while ((fd = takeAccepted()) >= 0) {
            Libc.close(fd);
        }
    }

    @Override
    public boolean isOpen() {
        return !closed;
    }

    /** Marks the handle closed so that new operations fail at once; the descriptor is closed by the caller. */
    void markClosed() {
        closed = true;
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        closeAccepted();
        if (owner != null) {
            owner.releaseHeld(this);
        }
        if (kind != Kind.FILE) {
            // io_uring holds its own reference to the socket: shutting it down is what ends
            // receives and accepts still in flight.
            Libc.shutdown(fd, SHUT_RDWR);
        }
        int result = Libc.close(fd);
        if (result < 0) {
            throw UringErrors.exception("close", result);
        }
    }

    @Override
    public boolean isListener() {
        return kind == Kind.LISTENER;
    }

    @Override
    public Path path() {
        return path;
    }

    private void checkOpen() throws IOException {
        if (closed) {
            throw new ClosedChannelException();
        }
    }

    private void checkSocket(String what) {
        if (kind == Kind.FILE) {
            throw new UnsupportedOperationException("a file has no " + what);
        }
    }

    @Override
    public InetSocketAddress localAddress() throws IOException {
        checkSocket("socket address");
        return address(false);
    }

    @Override
    public InetSocketAddress remoteAddress() throws IOException {
        checkSocket("socket address");
        return kind == Kind.LISTENER ? null : address(true);
    }

    private InetSocketAddress address(boolean peer) throws IOException {
        checkOpen();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment address = arena.allocate(SOCKADDR_STORAGE_SIZE);
            MemorySegment length = arena.allocate(JAVA_INT);
            length.set(JAVA_INT, 0, (int) SOCKADDR_STORAGE_SIZE);
            int result = peer ? Libc.getpeername(fd, address, length) : Libc.getsockname(fd, address, length);
            if (result < 0) {
                if (peer && -result == UringErrors.ENOTCONN) {
                    return null;
                }
                throw UringErrors.exception(peer ? "getpeername" : "getsockname", result);
            }
            InetSocketAddress decoded = SocketAddresses.read(address, 0);
            return decoded == null || (!peer && decoded.getPort() == 0 && decoded.getAddress().isAnyLocalAddress())
                    ? null : decoded;
        }
    }

    @Override
    public void bind(InetSocketAddress address) throws IOException {
        checkSocket("socket address");
        checkOpen();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment native_ = arena.allocate(SOCKADDR_STORAGE_SIZE);
            int length = SocketAddresses.write(address, native_, 0);
            int result = Libc.bind(fd, native_, length);
            if (result < 0) {
                throw UringErrors.exception("bind to " + address, result);
            }
        }
    }

    @Override
    public void listen(int backlog) throws IOException {
        if (kind != Kind.LISTENER) {
            throw new IOException("only a socket made by createTcpSocket or listenTcp can listen");
        }
        checkOpen();
        int result = Libc.listen(fd, backlog);
        if (result < 0) {
            throw UringErrors.exception("listen", result);
        }
    }

    @Override
    public <T> void setOption(SocketOption<T> option, T value) throws IOException {
        checkSocket("socket options");
        checkOpen();
        int[] where = option(option);
        int number;
        if (option == StandardSocketOptions.SO_LINGER) {
            Integer seconds = (Integer) value;
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment linger = arena.allocate(8);
                linger.set(JAVA_INT, 0, seconds != null && seconds >= 0 ? 1 : 0);
                linger.set(JAVA_INT, 4, seconds != null && seconds >= 0 ? seconds : 0);
                check(Libc.setsockopt(fd, where[0], where[1], linger, 8), option);
            }
            return;
        }
        number = value instanceof Boolean flag ? (flag ? 1 : 0) : (Integer) value;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment native_ = arena.allocate(JAVA_INT);
            native_.set(JAVA_INT, 0, number);
            check(Libc.setsockopt(fd, where[0], where[1], native_, 4), option);
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T getOption(SocketOption<T> option) throws IOException {
        checkSocket("socket options");
        checkOpen();
        int[] where = option(option);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment native_ = arena.allocate(8);
            MemorySegment length = arena.allocate(JAVA_INT);
            length.set(JAVA_INT, 0, 8);
            check(Libc.getsockopt(fd, where[0], where[1], native_, length), option);
            if (option == StandardSocketOptions.SO_LINGER) {
                return (T) Integer.valueOf(native_.get(JAVA_INT, 0) != 0 ? native_.get(JAVA_INT, 4) : -1);
            }
            int number = native_.get(JAVA_INT, 0);
            return option.type() == Boolean.class ? (T) Boolean.valueOf(number != 0) : (T) Integer.valueOf(number);
        }
    }

    private static void check(int result, SocketOption<?> option) throws IOException {
        if (result < 0) {
            throw UringErrors.exception("setting or reading " + option.name(), result);
        }
    }

    /** The level and name of a standard option. */
    private int[] option(SocketOption<?> option) {
        if (option == StandardSocketOptions.SO_REUSEADDR) {
            return new int[] {SOL_SOCKET, 2};
        } else if (option == StandardSocketOptions.SO_REUSEPORT) {
            return new int[] {SOL_SOCKET, 15};
        } else if (option == StandardSocketOptions.SO_KEEPALIVE) {
            return new int[] {SOL_SOCKET, 9};
        } else if (option == StandardSocketOptions.SO_SNDBUF) {
            return new int[] {SOL_SOCKET, 7};
        } else if (option == StandardSocketOptions.SO_RCVBUF) {
            return new int[] {SOL_SOCKET, 8};
        } else if (option == StandardSocketOptions.SO_BROADCAST) {
            return new int[] {SOL_SOCKET, 6};
        } else if (option == StandardSocketOptions.SO_LINGER) {
            return new int[] {SOL_SOCKET, 13};
        } else if (option == StandardSocketOptions.TCP_NODELAY) {
            return new int[] {IPPROTO_TCP, 1};
        } else if (option == StandardSocketOptions.IP_TOS) {
            return ipv6 ? new int[] {IPPROTO_IPV6, 67} : new int[] {IPPROTO_IP, 1};
        }
        throw new UnsupportedOperationException("the uring backend does not support the socket option "
                + option.name());
    }

    @Override
    public String toString() {
        return "uring " + kind.name().toLowerCase(java.util.Locale.ROOT) + " fd " + fd + (path != null ? " " + path : "")
                + (closed ? " (closed)" : "");
    }
}
