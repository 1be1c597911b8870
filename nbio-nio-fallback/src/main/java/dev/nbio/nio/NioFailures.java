package dev.nbio.nio;

import dev.nbio.spi.Failure;
import dev.nbio.spi.OperationRecord;
import java.net.BindException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.PortUnreachableException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NonReadableChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.NotYetConnectedException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.channels.UnsupportedAddressTypeException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.Locale;

/**
 * Names the failure behind a JDK exception. NIO hands out exceptions, not errno values, so
 * the exception type decides where it can and the OS's message (the {@code strerror} text
 * the JDK copies) where it cannot; the exception itself is kept as the operation's cause.
 */
final class NioFailures {
    private NioFailures() {
    }

    static void fail(OperationRecord op, Throwable error) {
        op.fail(classify(error), 0, error);
    }

    static Failure classify(Throwable error) {
        Failure byType = byType(error);
        return byType != null ? byType : byMessage(error.getMessage());
    }

    private static Failure byType(Throwable error) {
        return switch (error) {
            case ClosedChannelException e -> Failure.CLOSED;
            case NoSuchFileException e -> Failure.NOT_FOUND;
            case AccessDeniedException e -> Failure.PERMISSION_DENIED;
            case FileAlreadyExistsException e -> Failure.ALREADY_EXISTS;
            case NotDirectoryException e -> Failure.NOT_DIRECTORY;
            case FileSystemException e -> byMessage(e.getReason());
            case NonReadableChannelException e -> Failure.PERMISSION_DENIED;
            case NonWritableChannelException e -> Failure.PERMISSION_DENIED;
            case NotYetConnectedException e -> Failure.NOT_CONNECTED;
            case PortUnreachableException e -> Failure.CONNECTION_REFUSED;
            case NoRouteToHostException e -> Failure.HOST_UNREACHABLE;
            case UnsupportedAddressTypeException e -> Failure.UNSUPPORTED;
            case UnresolvedAddressException e -> Failure.INVALID_ARGUMENT;
            case IllegalArgumentException e -> Failure.INVALID_ARGUMENT;
            case UnsupportedOperationException e -> Failure.UNSUPPORTED;
            case ConnectException e when e.getMessage() == null -> Failure.CONNECTION_REFUSED;
            case BindException e when e.getMessage() == null -> Failure.ADDRESS_IN_USE;
            default -> null;
        };
    }

    private static Failure byMessage(String message) {
        if (message == null) {
            return Failure.UNEXPECTED;
        }
        String text = message.toLowerCase(Locale.ROOT);
        if (text.contains("refused")) {
            return Failure.CONNECTION_REFUSED;
        }
        if (text.contains("reset") || text.contains("broken pipe")) {
            return Failure.CONNECTION_RESET;
        }
        if (text.contains("aborted")) {
            return Failure.CONNECTION_ABORTED;
        }
        if (text.contains("network is unreachable")) {
            return Failure.NETWORK_UNREACHABLE;
        }
        if (text.contains("no route to host") || text.contains("host is unreachable")) {
            return Failure.HOST_UNREACHABLE;
        }
        if (text.contains("address already in use")) {
            return Failure.ADDRESS_IN_USE;
        }
        if (text.contains("cannot assign requested address")) {
            return Failure.ADDRESS_NOT_AVAILABLE;
        }
        if (text.contains("message too long")) {
            return Failure.MESSAGE_TOO_LONG;
        }
        if (text.contains("not connected")) {
            return Failure.NOT_CONNECTED;
        }
        if (text.contains("is a directory")) {
            return Failure.IS_DIRECTORY;
        }
        if (text.contains("not a directory")) {
            return Failure.NOT_DIRECTORY;
        }
        if (text.contains("no space left") || text.contains("quota") || text.contains("file too large")) {
            return Failure.NO_SPACE;
        }
        if (text.contains("too many open files") || text.contains("no buffer space") || text.contains("cannot allocate")) {
            return Failure.INSUFFICIENT_RESOURCES;
        }
        if (text.contains("permission denied") || text.contains("not permitted")) {
            return Failure.PERMISSION_DENIED;
        }
        if (text.contains("no such file")) {
            return Failure.NOT_FOUND;
        }
        if (text.contains("protocol family unavailable") || text.contains("not supported")) {
            return Failure.UNSUPPORTED;
        }
        if (text.contains("invalid argument")) {
            return Failure.INVALID_ARGUMENT;
        }
        return Failure.UNEXPECTED;
    }
}
