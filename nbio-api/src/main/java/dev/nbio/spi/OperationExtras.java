package dev.nbio.spi;

import dev.nbio.FileFlag;
import dev.nbio.FileHandle;
import dev.nbio.FileType;
import dev.nbio.IoHandle;
import dev.nbio.PollEvent;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Set;

/**
 * The inputs and results that only some kinds of operation use, kept out of
 * {@link OperationRecord} so that the common record stays small: addresses, file positions,
 * the open, stat, poll and sendfile fields, a provided receive buffer, the details of a
 * failure and the user data. A record makes
 * it the first time an operation needs it ({@link OperationRecord#extras()}) and keeps it
 * through pooling, so a warm loop allocates none; a record that never needed it (a timeout,
 * a TCP receive) has none ({@link OperationRecord#extrasIfAny()} is {@code null}).
 *
 * <p>Confined to the loop's thread like the record, except that another thread may fill in
 * the inputs of a freshly prepared record before handing it over.
 */
public final class OperationExtras {
    /** Dial: where to connect; send: the UDP destination, or {@code null}. */
    public InetSocketAddress endpoint;
    /** Read, write, sendfile: the file offset. */
    public long offset;
    /** Sendfile: bytes to send, {@code -1} for the rest of the file. */
    public long length;
    /** Sendfile: the file to send. */
    public FileHandle file;
    /** Sendfile: report progress after every chunk. */
    public boolean progressUpdates;
    /** Poll: the readiness waited for. */
    public PollEvent pollEvent;
    /** Open: the path. */
    public Path path;
    /** Open: the directory a relative path starts from, or {@code null}. */
    public FileHandle directory;
    /** Open: the flags. */
    public Set<FileFlag> flags;
    /** Open: the mode of a created file. */
    public int permissions;

    /** Free-form user data ({@link dev.nbio.Operation#userData(Object)}). */
    Object userData;

    /** Recv into a provided buffer: the buffer holding the bytes, position 0 to limit; the backend takes it back. */
    public ByteBuffer provided;
    /** The backend's number for {@link #provided}, {@code -1} for none. */
    public int providedId = -1;
    /** Sendfile: the bytes the transfer covers. */
    public long total;
    /** Recv: the UDP source; accept: the client's address. */
    public InetSocketAddress address;
    /** Accept, dial, open: the new handle. */
    public IoHandle result;
    /** Stat: the file type. */
    public FileType fileType;
    /** Stat: the file size. */
    public long fileSize;
    /** The OS error code behind the failure, or 0. */
    int errno;
    /** The exception behind the failure, or {@code null}. */
    Throwable cause;

    OperationExtras() {
    }

    /** Clears the inputs and the results, for a record's reuse. */
    void clear() {
        endpoint = null;
        offset = length = 0;
        file = null;
        progressUpdates = false;
        pollEvent = null;
        path = null;
        directory = null;
        flags = null;
        permissions = 0;
        userData = null;
        provided = null;
        providedId = -1;
        clearResults();
    }

    /** Clears the results, before a (re-)execution. */
    void clearResults() {
        total = fileSize = 0;
        address = null;
        result = null;
        fileType = null;
        errno = 0;
        cause = null;
    }
}
