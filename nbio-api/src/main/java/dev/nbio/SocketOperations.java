package dev.nbio;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;

/**
 * Sockets: accept, dial, receive, send, poll and sendfile, plus close for any handle. Part
 * of {@link EventLoop}. Buffers follow NIO's conventions: a receive fills from
 * {@code position} and advances it; a send consumes from {@code position} to {@code limit}
 * and advances it. The buffer array is copied into the operation, but the buffers
 * themselves belong to the operation until its callback runs: do not touch them before.
 */
public interface SocketOperations extends TimerOperations {
    /**
     * Prepares an accept without executing it.
     *
     * @param socket   a bound, listening socket of this loop
     * @param timeout  fail with {@link AcceptError#TIMEOUT} after this long, or {@code null} for none
     * @param callback called with {@link Operation#accept()}
     * @return the prepared operation
     */
    Operation prepAccept(TcpSocket socket, Duration timeout, Callback callback);

    /**
     * Prepares a dial (a TCP connect on a new socket) without executing it.
     *
     * @param endpoint the address to connect to; IPv4 or IPv6
     * @param timeout  fail with {@link DialError#TIMEOUT} after this long, or {@code null} for none
     * @param callback called with {@link Operation#dial()}
     * @return the prepared operation
     * @throws IllegalArgumentException when the endpoint is unresolved
     */
    Operation prepDial(InetSocketAddress endpoint, Duration timeout, Callback callback);

    /**
     * Prepares a vectored receive without executing it.
     *
     * @param socket   a TCP or UDP socket of this loop
     * @param buffers  filled in order; together they must have space remaining
     * @param all      (TCP) keep receiving until every buffer is full or the peer closes
     * @param timeout  fail with {@link RecvError#TIMEOUT} after this long, or {@code null} for none
     * @param callback called with {@link Operation#recv()}; 0 bytes and no error means the peer closed
     * @return the prepared operation
     * @throws IllegalArgumentException when the buffers have no space or one is read-only
     */
    Operation prepRecv(SocketHandle socket, ByteBuffer[] buffers, boolean all, Duration timeout, Callback callback);

    /**
     * Prepares a receive into one buffer without executing it.
     *
     * @param socket   a TCP or UDP socket of this loop
     * @param buffer   filled from its position; must have space remaining
     * @param all      (TCP) keep receiving until the buffer is full or the peer closes
     * @param timeout  the timeout, or {@code null} for none
     * @param callback called with {@link Operation#recv()}
     * @return the prepared operation
     */
    Operation prepRecv(SocketHandle socket, ByteBuffer buffer, boolean all, Duration timeout, Callback callback);

    /**
     * Prepares a vectored send without executing it.
     *
     * @param socket      a TCP or UDP socket of this loop
     * @param buffers     sent in order, each from position to limit; together not empty
     * @param destination where a UDP datagram goes ({@code null} for TCP or a connected UDP socket)
     * @param all         (TCP) keep sending until everything was sent
     * @param timeout     fail with {@link SendError#TIMEOUT} after this long, or {@code null} for none
     * @param callback    called with {@link Operation#send()}
     * @return the prepared operation
     * @throws IllegalArgumentException when there is nothing to send
     */
    Operation prepSend(SocketHandle socket, ByteBuffer[] buffers, InetSocketAddress destination, boolean all,
                       Duration timeout, Callback callback);

    /**
     * Prepares a send of one buffer without executing it.
     *
     * @param socket      a TCP or UDP socket of this loop
     * @param buffer      sent from position to limit; must not be empty
     * @param destination where a UDP datagram goes ({@code null} for TCP or a connected UDP socket)
     * @param all         (TCP) keep sending until everything was sent
     * @param timeout     the timeout, or {@code null} for none
     * @param callback    called with {@link Operation#send()}
     * @return the prepared operation
     */
    Operation prepSend(SocketHandle socket, ByteBuffer buffer, InetSocketAddress destination, boolean all,
                       Duration timeout, Callback callback);

    /**
     * Prepares a poll without executing it. Prefer the other operations where you can:
     * poll exists for APIs that want readiness, not completion.
     *
     * @param socket   a socket of this loop
     * @param event    the readiness to wait for
     * @param timeout  fail with {@link PollError#TIMEOUT} after this long, or {@code null} for none
     * @param callback called with {@link Operation#poll()}
     * @return the prepared operation
     */
    Operation prepPoll(SocketHandle socket, PollEvent event, Duration timeout, Callback callback);

    /**
     * Prepares a sendfile without executing it: the file's bytes go to the socket without
     * passing through Java where the system allows (zero copy).
     *
     * @param socket          a connected TCP socket of this loop
     * @param file            the file to send, of this loop
     * @param offset          where in the file to start
     * @param length          how many bytes, or {@code -1} for everything from the offset to the end
     * @param progressUpdates call the callback after each chunk too, with {@link SendfileResult#done()} false
     * @param timeout         fail with {@link SendfileError#TIMEOUT} after this long, or {@code null} for none
     * @param callback        called with {@link Operation#sendfile()}
     * @return the prepared operation
     * @throws IllegalArgumentException when the offset is negative or the length below -1
     */
    Operation prepSendfile(TcpSocket socket, FileHandle file, long offset, long length, boolean progressUpdates,
                           Duration timeout, Callback callback);

    /**
     * Prepares a close without executing it. Closing a handle with operations pending ends
     * them with a {@code CLOSED} error; remove them first if their callbacks should not run.
     *
     * @param handle   the socket or file
     * @param callback called with {@link Operation#close()}
     * @return the prepared operation
     */
    Operation prepClose(IoHandle handle, Callback callback);

    /**
     * Accepts the next connection.
     *
     * @param socket   a listening socket
     * @param callback called with {@link Operation#accept()}
     * @return the running operation
     */
    default Operation accept(TcpSocket socket, Callback callback) {
        return exec(prepAccept(socket, null, callback));
    }

    /**
     * Accepts the next connection, with a timeout.
     *
     * @param socket   a listening socket
     * @param timeout  the timeout, or {@code null} for none
     * @param callback called with {@link Operation#accept()}
     * @return the running operation
     */
    default Operation accept(TcpSocket socket, Duration timeout, Callback callback) {
        return exec(prepAccept(socket, timeout, callback));
    }

    /**
     * Accepts the next connection, handing over an attachment.
     *
     * @param socket     a listening socket
     * @param attachment handed to the callback
     * @param callback   called with {@link Operation#accept()}
     * @param <T>        the attachment type
     * @return the running operation
     */
    default <T> Operation accept(TcpSocket socket, T attachment, AttachmentCallback<? super T> callback) {
        return exec(prepAccept(socket, null, Defaults.IGNORE).withAttachment(attachment, callback));
    }

    /**
     * Accepts the next connection, with a timeout and an attachment.
     *
     * @param socket     a listening socket
     * @param timeout    the timeout, or {@code null} for none
     * @param attachment handed to the callback
     * @param callback   called with {@link Operation#accept()}
     * @param <T>        the attachment type
     * @return the running operation
     */
    default <T> Operation accept(TcpSocket socket, Duration timeout, T attachment,
                                 AttachmentCallback<? super T> callback) {
        return exec(prepAccept(socket, timeout, Defaults.IGNORE).withAttachment(attachment, callback));
    }

    /**
     * Connects a new TCP socket to an endpoint.
     *
     * @param endpoint the address to connect to
     * @param callback called with {@link Operation#dial()}
     * @return the running operation
     */
    default Operation dial(InetSocketAddress endpoint, Callback callback) {
        return exec(prepDial(endpoint, null, callback));
    }

    /**
     * Connects a new TCP socket to an endpoint, with a timeout.
     *
     * @param endpoint the address to connect to
     * @param timeout  the timeout, or {@code null} for none
     * @param callback called with {@link Operation#dial()}
     * @return the running operation
     */
    default Operation dial(InetSocketAddress endpoint, Duration timeout, Callback callback) {
        return exec(prepDial(endpoint, timeout, callback));
    }

    /**
     * Connects a new TCP socket to an endpoint, handing over an attachment.
     *
     * @param endpoint   the address to connect to
     * @param attachment handed to the callback
     * @param callback   called with {@link Operation#dial()}
     * @param <T>        the attachment type
     * @return the running operation
     */
    default <T> Operation dial(InetSocketAddress endpoint, T attachment, AttachmentCallback<? super T> callback) {
        return exec(prepDial(endpoint, null, Defaults.IGNORE).withAttachment(attachment, callback));
    }

    /**
     * Connects a new TCP socket to an endpoint, with a timeout and an attachment.
     *
     * @param endpoint   the address to connect to
     * @param timeout    the timeout, or {@code null} for none
     * @param attachment handed to the callback
     * @param callback   called with {@link Operation#dial()}
     * @param <T>        the attachment type
     * @return the running operation
     */
    default <T> Operation dial(InetSocketAddress endpoint, Duration timeout, T attachment,
                               AttachmentCallback<? super T> callback) {
        return exec(prepDial(endpoint, timeout, Defaults.IGNORE).withAttachment(attachment, callback));
    }

    /**
     * Prepares a receive into a buffer the loop provides, without executing it. Nothing of
     * the caller's is held while the socket is idle: the loop picks a buffer from its pool only
     * when data arrives (on {@code uring}, the kernel picks it from a provided buffer ring), so
     * a server with many idle connections needs memory only for those that are sending. The
     * bytes are in {@link RecvResult#buffer()}, valid until the callback returns; the loop then
     * takes the buffer back. The pool's size is set with the system properties
     * {@code nbio.recv.buffers} (default 256) and {@code nbio.recv.bufferSize} (default 16384);
     * when every buffer is in use, the receive fails with
     * {@link RecvError#INSUFFICIENT_RESOURCES}.
     *
     * @param socket   a connected TCP socket or a UDP socket
     * @param timeout  the timeout, or {@code null} for none
     * @param callback called with {@link Operation#recv()}
     * @return the prepared operation
     * @throws IllegalArgumentException when the socket is a listener or belongs to another loop
     */
    Operation prepRecvProvided(SocketHandle socket, Duration timeout, Callback callback);

    /**
     * Receives into a buffer the loop provides; see {@link #prepRecvProvided}.
     *
     * @param socket   a connected TCP socket or a UDP socket
     * @param callback called with {@link Operation#recv()}, the bytes in {@link RecvResult#buffer()}
     * @return the running operation
     */
    default Operation recvProvided(SocketHandle socket, Callback callback) {
        return exec(prepRecvProvided(socket, null, callback));
    }

    /**
     * Receives into a buffer the loop provides, with a timeout and an attachment; see
     * {@link #prepRecvProvided}.
     *
     * @param socket     a connected TCP socket or a UDP socket
     * @param timeout    the timeout, or {@code null} for none
     * @param attachment handed to the callback
     * @param callback   called with {@link Operation#recv()}, the bytes in {@link RecvResult#buffer()}
     * @param <T>        the attachment type
     * @return the running operation
     */
    default <T> Operation recvProvided(SocketHandle socket, Duration timeout, T attachment,
                                       AttachmentCallback<? super T> callback) {
        return exec(prepRecvProvided(socket, timeout, Defaults.IGNORE).withAttachment(attachment, callback));
    }

    /**
     * Receives whatever is there into one buffer (not {@code all}).
     *
     * @param socket   the socket
     * @param buffer   filled from its position
     * @param callback called with {@link Operation#recv()}
     * @return the running operation
     */
    default Operation recv(SocketHandle socket, ByteBuffer buffer, Callback callback) {
        return exec(prepRecv(socket, buffer, false, null, callback));
    }

    /**
     * Receives whatever is there into one buffer, handing over an attachment.
     *
     * @param socket     the socket
     * @param buffer     filled from its position
     * @param attachment handed to the callback
     * @param callback   called with {@link Operation#recv()}
     * @param <T>        the attachment type
     * @return the running operation
     */
    default <T> Operation recv(SocketHandle socket, ByteBuffer buffer, T attachment,
                               AttachmentCallback<? super T> callback) {
        return exec(prepRecv(socket, buffer, false, null, Defaults.IGNORE).withAttachment(attachment, callback));
    }

    /**
     * Receives into one buffer, with every option.
     *
     * @param socket   the socket
     * @param buffer   filled from its position
     * @param all      keep receiving until the buffer is full or the peer closes
     * @param timeout  the timeout, or {@code null} for none
     * @param callback called with {@link Operation#recv()}
     * @return the running operation
     */
    default Operation recv(SocketHandle socket, ByteBuffer buffer, boolean all, Duration timeout, Callback callback) {
        return exec(prepRecv(socket, buffer, all, timeout, callback));
    }

    /**
     * Receives into one buffer, with every option and an attachment.
     *
     * @param socket     the socket
     * @param buffer     filled from its position
     * @param all        keep receiving until the buffer is full or the peer closes
     * @param timeout    the timeout, or {@code null} for none
     * @param attachment handed to the callback
     * @param callback   called with {@link Operation#recv()}
     * @param <T>        the attachment type
     * @return the running operation
     */
    default <T> Operation recv(SocketHandle socket, ByteBuffer buffer, boolean all, Duration timeout,
                               T attachment, AttachmentCallback<? super T> callback) {
        return exec(prepRecv(socket, buffer, all, timeout, Defaults.IGNORE).withAttachment(attachment, callback));
    }

    /**
     * Receives into several buffers (scatter), with every option.
     *
     * @param socket   the socket
     * @param buffers  filled in order
     * @param all      keep receiving until every buffer is full or the peer closes
     * @param timeout  the timeout, or {@code null} for none
     * @param callback called with {@link Operation#recv()}
     * @return the running operation
     */
    default Operation recv(SocketHandle socket, ByteBuffer[] buffers, boolean all, Duration timeout,
                           Callback callback) {
        return exec(prepRecv(socket, buffers, all, timeout, callback));
    }

    /**
     * Receives into several buffers (scatter), with every option and an attachment.
     *
     * @param socket     the socket
     * @param buffers    filled in order
     * @param all        keep receiving until every buffer is full or the peer closes
     * @param timeout    the timeout, or {@code null} for none
     * @param attachment handed to the callback
     * @param callback   called with {@link Operation#recv()}
     * @param <T>        the attachment type
     * @return the running operation
     */
    default <T> Operation recv(SocketHandle socket, ByteBuffer[] buffers, boolean all, Duration timeout,
                               T attachment, AttachmentCallback<? super T> callback) {
        return exec(prepRecv(socket, buffers, all, timeout, Defaults.IGNORE).withAttachment(attachment, callback));
    }

    /**
     * Sends a whole buffer on a TCP socket or a connected UDP socket ({@code all}).
     *
     * @param socket   the socket
     * @param buffer   sent from position to limit
     * @param callback called with {@link Operation#send()}
     * @return the running operation
     */
    default Operation send(SocketHandle socket, ByteBuffer buffer, Callback callback) {
        return exec(prepSend(socket, buffer, null, true, null, callback));
    }

    /**
     * Sends a whole buffer, handing over an attachment.
     *
     * @param socket     the socket
     * @param buffer     sent from position to limit
     * @param attachment handed to the callback
     * @param callback   called with {@link Operation#send()}
     * @param <T>        the attachment type
     * @return the running operation
     */
    default <T> Operation send(SocketHandle socket, ByteBuffer buffer, T attachment,
                               AttachmentCallback<? super T> callback) {
        return exec(prepSend(socket, buffer, null, true, null, Defaults.IGNORE).withAttachment(attachment, callback));
    }

    /**
     * Sends one buffer, with every option.
     *
     * @param socket   the socket
     * @param buffer   sent from position to limit
     * @param all      keep sending until everything was sent
     * @param timeout  the timeout, or {@code null} for none
     * @param callback called with {@link Operation#send()}
     * @return the running operation
     */
    default Operation send(SocketHandle socket, ByteBuffer buffer, boolean all, Duration timeout, Callback callback) {
        return exec(prepSend(socket, buffer, null, all, timeout, callback));
    }

    /**
     * Sends one buffer, with every option and an attachment.
     *
     * @param socket     the socket
     * @param buffer     sent from position to limit
     * @param all        keep sending until everything was sent
     * @param timeout    the timeout, or {@code null} for none
     * @param attachment handed to the callback
     * @param callback   called with {@link Operation#send()}
     * @param <T>        the attachment type
     * @return the running operation
     */
    default <T> Operation send(SocketHandle socket, ByteBuffer buffer, boolean all, Duration timeout,
                               T attachment, AttachmentCallback<? super T> callback) {
        return exec(prepSend(socket, buffer, null, all, timeout, Defaults.IGNORE).withAttachment(attachment, callback));
    }

    /**
     * Sends several buffers (gather), with every option.
     *
     * @param socket   the socket
     * @param buffers  sent in order
     * @param all      keep sending until everything was sent
     * @param timeout  the timeout, or {@code null} for none
     * @param callback called with {@link Operation#send()}
     * @return the running operation
     */
    default Operation send(SocketHandle socket, ByteBuffer[] buffers, boolean all, Duration timeout,
                           Callback callback) {
        return exec(prepSend(socket, buffers, null, all, timeout, callback));
    }

    /**
     * Sends several buffers (gather), with every option and an attachment.
     *
     * @param socket     the socket
     * @param buffers    sent in order
     * @param all        keep sending until everything was sent
     * @param timeout    the timeout, or {@code null} for none
     * @param attachment handed to the callback
     * @param callback   called with {@link Operation#send()}
     * @param <T>        the attachment type
     * @return the running operation
     */
    default <T> Operation send(SocketHandle socket, ByteBuffer[] buffers, boolean all, Duration timeout,
                               T attachment, AttachmentCallback<? super T> callback) {
        return exec(prepSend(socket, buffers, null, all, timeout, Defaults.IGNORE).withAttachment(attachment, callback));
    }

    /**
     * Sends one datagram to a destination.
     *
     * @param socket      a UDP socket
     * @param buffer      the datagram, from position to limit
     * @param destination where it goes
     * @param callback    called with {@link Operation#send()}
     * @return the running operation
     */
    default Operation sendTo(UdpSocket socket, ByteBuffer buffer, InetSocketAddress destination, Callback callback) {
        return exec(prepSend(socket, buffer, destination, true, null, callback));
    }

    /**
     * Sends one datagram to a destination, handing over an attachment.
     *
     * @param socket      a UDP socket
     * @param buffer      the datagram, from position to limit
     * @param destination where it goes
     * @param attachment  handed to the callback
     * @param callback    called with {@link Operation#send()}
     * @param <T>         the attachment type
     * @return the running operation
     */
    default <T> Operation sendTo(UdpSocket socket, ByteBuffer buffer, InetSocketAddress destination, T attachment,
                                 AttachmentCallback<? super T> callback) {
        return exec(prepSend(socket, buffer, destination, true, null, Defaults.IGNORE)
                .withAttachment(attachment, callback));
    }

    /**
     * Sends one datagram gathered from several buffers to a destination.
     *
     * @param socket      a UDP socket
     * @param buffers     the datagram's parts, in order
     * @param destination where it goes
     * @param timeout     the timeout, or {@code null} for none
     * @param callback    called with {@link Operation#send()}
     * @return the running operation
     */
    default Operation sendTo(UdpSocket socket, ByteBuffer[] buffers, InetSocketAddress destination, Duration timeout,
                             Callback callback) {
        return exec(prepSend(socket, buffers, destination, true, timeout, callback));
    }

    /**
     * Waits until a socket is readable or writable.
     *
     * @param socket   the socket
     * @param event    the readiness to wait for
     * @param callback called with {@link Operation#poll()}
     * @return the running operation
     */
    default Operation poll(SocketHandle socket, PollEvent event, Callback callback) {
        return exec(prepPoll(socket, event, null, callback));
    }

    /**
     * Waits until a socket is readable or writable, with a timeout.
     *
     * @param socket   the socket
     * @param event    the readiness to wait for
     * @param timeout  the timeout, or {@code null} for none
     * @param callback called with {@link Operation#poll()}
     * @return the running operation
     */
    default Operation poll(SocketHandle socket, PollEvent event, Duration timeout, Callback callback) {
        return exec(prepPoll(socket, event, timeout, callback));
    }

    /**
     * Waits until a socket is readable or writable, with a timeout and an attachment.
     *
     * @param socket     the socket
     * @param event      the readiness to wait for
     * @param timeout    the timeout, or {@code null} for none
     * @param attachment handed to the callback
     * @param callback   called with {@link Operation#poll()}
     * @param <T>        the attachment type
     * @return the running operation
     */
    default <T> Operation poll(SocketHandle socket, PollEvent event, Duration timeout, T attachment,
                               AttachmentCallback<? super T> callback) {
        return exec(prepPoll(socket, event, timeout, Defaults.IGNORE).withAttachment(attachment, callback));
    }

    /**
     * Sends a whole file over a TCP socket.
     *
     * @param socket   a connected TCP socket
     * @param file     the file
     * @param callback called with {@link Operation#sendfile()}
     * @return the running operation
     */
    default Operation sendfile(TcpSocket socket, FileHandle file, Callback callback) {
        return exec(prepSendfile(socket, file, 0, -1, false, null, callback));
    }

    /**
     * Sends (part of) a file over a TCP socket, with every option.
     *
     * @param socket          a connected TCP socket
     * @param file            the file
     * @param offset          where in the file to start
     * @param length          how many bytes, or {@code -1} for the rest of the file
     * @param progressUpdates call back after each chunk too
     * @param timeout         the timeout, or {@code null} for none
     * @param callback        called with {@link Operation#sendfile()}
     * @return the running operation
     */
    default Operation sendfile(TcpSocket socket, FileHandle file, long offset, long length, boolean progressUpdates,
                               Duration timeout, Callback callback) {
        return exec(prepSendfile(socket, file, offset, length, progressUpdates, timeout, callback));
    }

    /**
     * Sends (part of) a file over a TCP socket, with every option and an attachment.
     *
     * @param socket          a connected TCP socket
     * @param file            the file
     * @param offset          where in the file to start
     * @param length          how many bytes, or {@code -1} for the rest of the file
     * @param progressUpdates call back after each chunk too
     * @param timeout         the timeout, or {@code null} for none
     * @param attachment      handed to the callback
     * @param callback        called with {@link Operation#sendfile()}
     * @param <T>             the attachment type
     * @return the running operation
     */
    default <T> Operation sendfile(TcpSocket socket, FileHandle file, long offset, long length,
                                   boolean progressUpdates, Duration timeout, T attachment,
                                   AttachmentCallback<? super T> callback) {
        return exec(prepSendfile(socket, file, offset, length, progressUpdates, timeout, Defaults.IGNORE)
                .withAttachment(attachment, callback));
    }

    /**
     * Closes a socket or file, without a callback.
     *
     * @param handle the socket or file
     * @return the running operation
     */
    default Operation close(IoHandle handle) {
        return exec(prepClose(handle, Defaults.IGNORE));
    }

    /**
     * Closes a socket or file.
     *
     * @param handle   the socket or file
     * @param callback called with {@link Operation#close()}
     * @return the running operation
     */
    default Operation close(IoHandle handle, Callback callback) {
        return exec(prepClose(handle, callback));
    }

    /**
     * Closes a socket or file, handing over an attachment.
     *
     * @param handle     the socket or file
     * @param attachment handed to the callback
     * @param callback   called with {@link Operation#close()}
     * @param <T>        the attachment type
     * @return the running operation
     */
    default <T> Operation close(IoHandle handle, T attachment, AttachmentCallback<? super T> callback) {
        return exec(prepClose(handle, Defaults.IGNORE).withAttachment(attachment, callback));
    }
}
