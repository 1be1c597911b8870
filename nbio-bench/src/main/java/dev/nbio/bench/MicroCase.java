package dev.nbio.bench;

import java.util.List;
import java.util.Map;

/**
 * One micro-benchmark comparison: a JMH benchmark method, the implementations it runs side
 * by side, which of them are the references the ratios are taken to, and what figure the
 * table shows.
 *
 * @param name        the short name {@code --only} matches
 * @param title       the table's heading
 * @param benchmark   {@code Class.method} under {@code dev.nbio.bench.jmh}
 * @param impls       the values of the benchmark's {@code impl} parameter, in table order
 * @param references  the implementations the ratios are to
 * @param metric      how a JMH score becomes the figure shown
 * @param allocation  when not null, JMH's GC profiler runs too and the table shows the bytes
 *                    allocated (by the whole JVM) per unit of work
 * @param quickParams parameters that make {@code --quick} runs short (smaller counts and files)
 */
record MicroCase(String name, String title, String benchmark, List<String> impls, List<String> references,
                 Metric metric, Allocation allocation, Map<String, String> quickParams) {

    /**
     * How the allocation column is labelled and computed.
     *
     * @param per      what one unit is ("round trip", "timer")
     * @param divideBy the benchmark parameter that says how many units one JMH operation holds
     *                 ({@code timers}), or null when one operation is one unit
     */
    record Allocation(String per, String divideBy) {
    }

    /** What the table shows and which way is better. */
    enum Metric {
        /** Single-shot time in ms; lower is faster. */
        MILLIS("ms", false),
        /** Operations per second; higher is faster. */
        RATE("per s", true),
        /** A single-shot time per file turned into GB/s with the {@code fileMiB} parameter; higher is faster. */
        GIGABYTES_PER_SECOND("GB/s", true),
        /** JMH's gc.alloc.rate.norm, bytes per operation; lower is better. */
        BYTES_PER_OP("B/op", false);

        final String unit;
        final boolean higherIsBetter;

        Metric(String unit, boolean higherIsBetter) {
            this.unit = unit;
            this.higherIsBetter = higherIsBetter;
        }
    }

    /** The comparisons {@code scripts/bench-micro.sh} runs, in order. */
    static List<MicroCase> all() {
        List<String> loops = List.of("nbio-uring", "nbio-nio", "netty-epoll", "netty-io_uring", "netty-nio");
        List<String> netty = List.of("netty-epoll", "netty-io_uring", "netty-nio");
        Map<String, String> fewTimers = Map.of("timers", "100000", "spreadMillis", "100");
        Allocation perTimer = new Allocation("timer", "timers");
        return List.of(
                new MicroCase("timers-add", "1 million timers: time to add them all (ms)",
                        "MillionTimers.add", loops, netty, Metric.MILLIS, perTimer, fewTimers),
                new MicroCase("timers-fire", "1 million timers (1-1000 ms): time until the last fired (ms)",
                        "MillionTimers.addAndFire", loops, netty, Metric.MILLIS, perTimer, fewTimers),
                new MicroCase("wakeups", "Cross-thread wake-ups: round trips per second between two loops",
                        "CrossThreadPingPong.roundTrips", loops, netty, Metric.RATE,
                        new Allocation("round trip", null), Map.of()),
                new MicroCase("reads", "4 KiB random positional reads, one at a time (reads per second)",
                        "FileReads.one", List.of("nbio-uring", "nbio-nio", "filechannel"), List.of("filechannel"),
                        Metric.RATE, new Allocation("read", null), Map.of("fileMiB", "64")),
                new MicroCase("reads-batch", "4 KiB random positional reads, 32 started together (reads per second)",
                        "FileReads.batch", List.of("nbio-uring", "nbio-nio", "filechannel"), List.of("filechannel"),
                        Metric.RATE, new Allocation("read", null), Map.of("fileMiB", "64")),
                new MicroCase("sendfile", "sendfile of a cached file to a loopback socket (GB/s)",
                        "Sendfile.file", List.of("nbio-uring", "nbio-nio", "transferTo", "netty-epoll", "netty-nio"),
                        List.of("transferTo", "netty-epoll", "netty-nio"), Metric.GIGABYTES_PER_SECOND, null,
                        Map.of("fileMiB", "256")),
                new MicroCase("alloc", "Allocation per 64-byte echo round trip, whole JVM (B/op)",
                        "EchoAllocation.roundTrip",
                        List.of("nbio-uring", "nbio-nio", "netty-epoll", "netty-io_uring", "netty-nio", "jdk-blocking"), netty,
                        Metric.BYTES_PER_OP, null, Map.of()));
    }
}
