package dev.nbio.uring;

import static dev.nbio.uring.IoUringAbi.AF_INET;
import static dev.nbio.uring.IoUringAbi.AF_INET6;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteOrder;

/** Writes and reads {@code sockaddr_in} / {@code sockaddr_in6} in native memory. */
final class SocketAddresses {
    static final int IPV4_LENGTH = 16;
    static final int IPV6_LENGTH = 28;
    /** The port is in network byte order. */
    private static final ValueLayout.OfShort PORT = JAVA_SHORT.withOrder(ByteOrder.BIG_ENDIAN);

    private SocketAddresses() {
    }

    /**
     * Writes an address.
     *
     * @return its length in bytes
     */
    static int write(InetSocketAddress address, MemorySegment segment, long offset) {
        InetAddress ip = address.getAddress();
        if (ip instanceof Inet4Address v4) {
            segment.asSlice(offset, IPV4_LENGTH).fill((byte) 0);
            segment.set(JAVA_SHORT, offset, (short) AF_INET);
            segment.set(PORT, offset + 2, (short) address.getPort());
            MemorySegment.copy(MemorySegment.ofArray(v4.getAddress()), 0, segment, offset + 4, 4);
            return IPV4_LENGTH;
        }
        Inet6Address v6 = (Inet6Address) ip;
        segment.asSlice(offset, IPV6_LENGTH).fill((byte) 0);
        segment.set(JAVA_SHORT, offset, (short) AF_INET6);
        segment.set(PORT, offset + 2, (short) address.getPort());
        MemorySegment.copy(MemorySegment.ofArray(v6.getAddress()), 0, segment, offset + 8, 16);
        segment.set(JAVA_INT, offset + 24, v6.getScopeId());
        return IPV6_LENGTH;
    }

    /**
     * Reads an address the kernel wrote.
     *
     * @return the address, or null when the family is neither IPv4 nor IPv6
     */
    static InetSocketAddress read(MemorySegment segment, long offset) {
        int family = Short.toUnsignedInt(segment.get(JAVA_SHORT, offset));
        try {
            if (family == AF_INET) {
                byte[] ip = new byte[4];
                MemorySegment.copy(segment, JAVA_BYTE, offset + 4, ip, 0, 4);
                return new InetSocketAddress(InetAddress.getByAddress(ip), Short.toUnsignedInt(segment.get(PORT, offset + 2)));
            }
            if (family == AF_INET6) {
                byte[] ip = new byte[16];
                MemorySegment.copy(segment, JAVA_BYTE, offset + 8, ip, 0, 16);
                int scope = segment.get(JAVA_INT, offset + 24);
                InetAddress address = scope != 0 ? Inet6Address.getByAddress(null, ip, scope) : InetAddress.getByAddress(ip);
                return new InetSocketAddress(address, Short.toUnsignedInt(segment.get(PORT, offset + 2)));
            }
        } catch (UnknownHostException impossible) {
            throw new IllegalStateException("a 4- or 16-byte address was refused", impossible);
        }
        return null;
    }
}
