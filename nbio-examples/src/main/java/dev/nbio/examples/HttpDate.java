package dev.nbio.examples;

import dev.nbio.EventLoop;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * The value of the {@code Date} response header (RFC 9110 5.6.7, e.g. {@code Sun, 06 Nov
 * 1994 08:49:37 GMT}), formatted at most once a second. Every response needs it, and
 * formatting a date allocates; a cache per loop thread, checked against the loop's cached
 * monotonic clock, keeps the other responses of that second free of both.
 */
final class HttpDate {
    private static final DateTimeFormatter IMF_FIXDATE =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final byte[] value = new byte[29];
    private boolean formatted;
    private long nextSecondNanos;

    /**
     * Brings the value up to date with the loop's clock; cheap when the second has not
     * changed. Call on the loop's thread.
     *
     * @param loop the calling thread's loop
     */
    void refresh(EventLoop loop) {
        long nanos = loop.nanoTime();
        if (formatted && nanos - nextSecondNanos < 0) {
            return;
        }
        Instant now = loop.now();
        byte[] text = IMF_FIXDATE.format(now).getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(text, 0, value, 0, value.length);
        formatted = true;
        nextSecondNanos = nanos + NANOS_PER_SECOND - now.getNano();
    }

    /** The 29 ASCII bytes of the date as last refreshed; shared, do not modify. */
    byte[] bytes() {
        return value;
    }
}
