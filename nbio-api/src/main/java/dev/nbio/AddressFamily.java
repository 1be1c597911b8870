package dev.nbio;

/** The IP version of a socket. */
public enum AddressFamily {
    /** IPv4. */
    IPV4,
    /** IPv6. */
    IPV6;

    /**
     * The family of an address.
     *
     * @param address an IP socket address
     * @return {@link #IPV6} for an IPv6 address, else {@link #IPV4}
     */
    public static AddressFamily of(java.net.InetSocketAddress address) {
        return address.getAddress() instanceof java.net.Inet6Address ? IPV6 : IPV4;
    }
}
