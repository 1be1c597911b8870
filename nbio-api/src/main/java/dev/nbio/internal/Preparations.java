package dev.nbio.internal;

import dev.nbio.Callback;
import dev.nbio.EntireFileCallback;
import dev.nbio.EventLoop;
import dev.nbio.FileFlag;
import dev.nbio.FileHandle;
import dev.nbio.IoHandle;
import dev.nbio.Operation;
import dev.nbio.OperationKind;
import dev.nbio.Permissions;
import dev.nbio.PollEvent;
import dev.nbio.SocketHandle;
import dev.nbio.TcpSocket;
import dev.nbio.UdpSocket;
import dev.nbio.spi.OperationExtras;
import dev.nbio.spi.OperationRecord;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * The {@code prep*} half of the event loop: checks every argument, then fills an operation
 * record. Every check runs before a record is taken, so a misuse throws without costing the
 * pool a record. {@link Loop} adds the running half.
 */
abstract sealed class Preparations implements EventLoop permits Loop {

    /**
     * Takes a record for a new operation, in state {@code PREPARED}.
     *
     * @param kind         the operation
     * @param callback     its callback, checked for null
     * @param timeoutNanos its timeout, or -1
     * @return the record
     */
    abstract OperationRecord prepare(OperationKind kind, Callback callback, long timeoutNanos);

    /** Checks that a handle belongs to this loop. */
    final <H extends IoHandle> H mine(H handle, String what) {
        Objects.requireNonNull(handle, what);
        if (handle.loop() != this) {
            throw new IllegalArgumentException("the " + what + " belongs to the event loop of thread "
                    + handle.loop().thread().getName() + ", not this one (" + thread().getName() + ")");
        }
        return handle;
    }

    /** Checks that a socket can carry data: a listening TCP socket only accepts. */
    private <H extends SocketHandle> H carrier(H socket, String what) {
        mine(socket, "socket");
        if (socket.handle().isListener()) {
            throw new IllegalArgumentException(what + " needs a connected socket, but " + socket
                    + " is a listening (or unconnected) TCP socket; accept a connection and " + what + " on that");
        }
        return socket;
    }

    @Override
    public final Operation prepTimeout(Duration duration, Callback callback) {
        return prepare(OperationKind.TIMEOUT, callback, Checks.timeoutNanos(Objects.requireNonNull(duration, "duration")));
    }

    @Override
    public final Operation prepNextTick(Callback callback) {
        return prepare(OperationKind.NEXT_TICK, callback, -1);
    }

    @Override
    public final Operation prepAccept(TcpSocket socket, Duration timeout, Callback callback) {
        mine(socket, "socket");
        if (!socket.handle().isListener()) {
            throw new IllegalArgumentException("accept needs a listening socket (from listenTcp or createTcpSocket), but "
                    + socket + " is a connection");
        }
        OperationRecord op = prepare(OperationKind.ACCEPT, callback, Checks.timeoutNanos(timeout));
        op.handle = socket;
        return op;
    }

    @Override
    public final Operation prepDial(InetSocketAddress endpoint, Duration timeout, Callback callback) {
        Objects.requireNonNull(endpoint, "endpoint");
        if (endpoint.isUnresolved()) {
            throw new IllegalArgumentException("dial needs a resolved address, got unresolved " + endpoint);
        }
        OperationRecord op = prepare(OperationKind.DIAL, callback, Checks.timeoutNanos(timeout));
        op.extras().endpoint = endpoint;
        return op;
    }

    @Override
    public final Operation prepRecv(SocketHandle socket, ByteBuffer[] buffers, boolean all, Duration timeout,
                                    Callback callback) {
        ByteBuffer[] copy = Checks.receiveBuffers(buffers, "recv").clone();
        OperationRecord op = recv(socket, all, timeout, callback);
        op.buffers = copy;
        return op;
    }

    @Override
    public final Operation prepRecv(SocketHandle socket, ByteBuffer buffer, boolean all, Duration timeout,
                                    Callback callback) {
        Checks.receiveBuffer(buffer, "recv");
        OperationRecord op = recv(socket, all, timeout, callback);
        op.useSingleBuffer(buffer);
        return op;
    }

    private OperationRecord recv(SocketHandle socket, boolean all, Duration timeout, Callback callback) {
        carrier(socket, "recv");
        OperationRecord op = prepare(OperationKind.RECV, callback, Checks.timeoutNanos(timeout));
        op.handle = socket;
        op.all = all && socket instanceof TcpSocket;
        return op;
    }

    @Override
    public final Operation prepRecvProvided(SocketHandle socket, Duration timeout, Callback callback) {
        OperationRecord op = recv(socket, false, timeout, callback);
        op.provideBuffer = true;
        op.extras(); // made now, where allocating is expected, not when the buffer arrives
        return op;
    }

    @Override
    public final Operation prepSend(SocketHandle socket, ByteBuffer[] buffers, InetSocketAddress destination,
                                    boolean all, Duration timeout, Callback callback) {
        ByteBuffer[] copy = Checks.sendBuffers(buffers, "send").clone();
        OperationRecord op = send(socket, destination, all, timeout, callback);
        op.buffers = copy;
        return op;
    }

    @Override
    public final Operation prepSend(SocketHandle socket, ByteBuffer buffer, InetSocketAddress destination,
                                    boolean all, Duration timeout, Callback callback) {
        Checks.sendBuffer(buffer, "send");
        OperationRecord op = send(socket, destination, all, timeout, callback);
        op.useSingleBuffer(buffer);
        return op;
    }

    private OperationRecord send(SocketHandle socket, InetSocketAddress destination, boolean all, Duration timeout,
                                 Callback callback) {
        carrier(socket, "send");
        if (destination != null && !(socket instanceof UdpSocket)) {
            throw new IllegalArgumentException("a destination is for UDP sockets; a TCP socket sends to its peer");
        }
        if (destination != null && destination.isUnresolved()) {
            throw new IllegalArgumentException("send needs a resolved destination, got unresolved " + destination);
        }
        OperationRecord op = prepare(OperationKind.SEND, callback, Checks.timeoutNanos(timeout));
        op.handle = socket;
        if (destination != null) {
            op.extras().endpoint = destination; // a TCP send needs no extras
        }
        op.all = all && socket instanceof TcpSocket;
        return op;
    }

    @Override
    public final Operation prepPoll(SocketHandle socket, PollEvent event, Duration timeout, Callback callback) {
        mine(socket, "socket");
        Objects.requireNonNull(event, "event");
        if (event == PollEvent.WRITABLE && socket.handle().isListener()) {
            throw new IllegalArgumentException("a listening socket is never writable; poll it READABLE to wait for a "
                    + "connection (" + socket + ")");
        }
        OperationRecord op = prepare(OperationKind.POLL, callback, Checks.timeoutNanos(timeout));
        op.handle = socket;
        op.extras().pollEvent = event;
        return op;
    }

    @Override
    public final Operation prepSendfile(TcpSocket socket, FileHandle file, long offset, long length,
                                        boolean progressUpdates, Duration timeout, Callback callback) {
        carrier(socket, "sendfile");
        mine(file, "file");
        Checks.offset(offset);
        if (length < -1) {
            throw new IllegalArgumentException("length must be -1 (the rest of the file) or at least 0, got " + length);
        }
        OperationRecord op = prepare(OperationKind.SENDFILE, callback, Checks.timeoutNanos(timeout));
        op.handle = socket;
        OperationExtras extras = op.extras();
        extras.file = file;
        extras.offset = offset;
        extras.length = length;
        extras.progressUpdates = progressUpdates;
        return op;
    }

    @Override
    public final Operation prepClose(IoHandle handle, Callback callback) {
        mine(handle, "handle");
        OperationRecord op = prepare(OperationKind.CLOSE, callback, -1);
        op.handle = handle;
        return op;
    }

    @Override
    public final Operation prepOpen(FileHandle dir, Path path, Set<FileFlag> flags, int permissions,
                                    Callback callback) {
        Objects.requireNonNull(path, "path");
        Permissions.checkMode(permissions);
        if (dir != null) {
            mine(dir, "directory");
        }
        Set<FileFlag> checked = flags(flags);
        OperationRecord op = prepare(OperationKind.OPEN, callback, -1);
        OperationExtras extras = op.extras();
        extras.directory = dir;
        extras.path = path;
        extras.flags = checked;
        extras.permissions = permissions;
        return op;
    }

    /** Checks the flags and fills in {@code READ} when neither {@code WRITE} nor {@code APPEND} is asked for. */
    static Set<FileFlag> flags(Set<FileFlag> flags) {
        Objects.requireNonNull(flags, "flags");
        EnumSet<FileFlag> copy = flags.isEmpty() ? EnumSet.noneOf(FileFlag.class) : EnumSet.copyOf(flags);
        if (copy.contains(FileFlag.EXCLUSIVE) && !copy.contains(FileFlag.CREATE)) {
            throw new IllegalArgumentException("FileFlag.EXCLUSIVE needs FileFlag.CREATE");
        }
        if (!copy.contains(FileFlag.WRITE) && !copy.contains(FileFlag.APPEND)) {
            copy.add(FileFlag.READ);
        }
        return copy;
    }

    @Override
    public final Operation prepRead(FileHandle file, long offset, ByteBuffer buffer, boolean all, Duration timeout,
                                    Callback callback) {
        Checks.receiveBuffer(buffer, "read");
        return fileTransfer(OperationKind.READ, file, offset, buffer, all, timeout, callback);
    }

    @Override
    public final Operation prepWrite(FileHandle file, long offset, ByteBuffer buffer, boolean all, Duration timeout,
                                     Callback callback) {
        Checks.sendBuffer(buffer, "write");
        return fileTransfer(OperationKind.WRITE, file, offset, buffer, all, timeout, callback);
    }

    private OperationRecord fileTransfer(OperationKind kind, FileHandle file, long offset, ByteBuffer buffer,
                                         boolean all, Duration timeout, Callback callback) {
        mine(file, "file");
        Checks.offset(offset);
        OperationRecord op = prepare(kind, callback, Checks.timeoutNanos(timeout));
        op.handle = file;
        op.extras().offset = offset;
        op.all = all;
        op.useSingleBuffer(buffer);
        return op;
    }

    @Override
    public final Operation prepStat(FileHandle file, Callback callback) {
        mine(file, "file");
        OperationRecord op = prepare(OperationKind.STAT, callback, -1);
        op.handle = file;
        return op;
    }

    @Override
    public final <T> void readEntireFile(FileHandle dir, Path path, T attachment,
                                         EntireFileCallback<? super T> callback) {
        if (dir != null) {
            mine(dir, "directory");
        }
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(callback, "callback");
        new EntireFileRead<T>(this, attachment, callback).start(dir, path);
    }
}
