/**
 * JMH micro benchmarks, each nbio (the {@code uring} and {@code nio} backends) side by side
 * with a reference: timers and cross-thread wake-ups against Netty's event loops, positional
 * file reads against {@code FileChannel}, sendfile against {@code FileChannel.transferTo} and
 * Netty's {@code DefaultFileRegion}, and allocation per echo round trip against Netty.
 *
 * <p>Every benchmark has an {@code impl} parameter naming what it runs on; {@code
 * scripts/bench-micro.sh} runs each implementation in its own fork, pinned to one core, and
 * prints the medians and ratios ({@code MicroCommand}).
 */
package dev.nbio.bench.jmh;
