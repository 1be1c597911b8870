package dev.nbio.bench;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.IterationType;
import org.openjdk.jmh.runner.format.OutputFormat;

/**
 * JMH's console output, passed through, plus a look at the machine around every iteration:
 * JMH tells the host VM when each iteration of the forked benchmark VM starts and ends, and
 * at both moments this reads {@code /proc} — the busy time of cores 0 and 1, the fork's CPU
 * time and this VM's — so each measured iteration carries how much of a core other
 * processes used meanwhile. The runner keeps only the iterations nobody else disturbed.
 */
final class LoadWatchingFormat implements OutputFormat {

    /**
     * One measured iteration as the host saw it.
     *
     * @param score     JMH's primary score
     * @param allocNorm {@code gc.alloc.rate.norm} when the GC profiler ran, else NaN
     * @param seconds   the iteration's wall time as the host saw it (fixtures included)
     * @param otherLoad the CPU other processes used on cores 0 and 1 meanwhile, in cores
     */
    record Sample(double score, double allocNorm, double seconds, double otherLoad) {
    }

    private final OutputFormat out;
    private final List<Sample> samples = new ArrayList<>();
    private final long self = ProcessHandle.current().pid();
    private BenchmarkParams params;
    private long fork = -1;
    private long startNanos;
    private double startBusy;
    private double startFork;
    private double startSelf;

    LoadWatchingFormat(OutputFormat out) {
        this.out = out;
    }

    /**
     * A parameter of the last run's benchmark.
     *
     * @param name the {@code @Param} field's name
     * @return its value, or null when the benchmark has none such
     */
    String param(String name) {
        return params == null ? null : params.getParam(name);
    }

    /** The measured iterations of the last run, in order. */
    List<Sample> samples() {
        return samples;
    }

    @Override
    public void startBenchmark(BenchmarkParams params) {
        samples.clear();
        this.params = params;
        fork = -1;
        out.startBenchmark(params);
    }

    @Override
    public void iteration(BenchmarkParams benchmarkParams, IterationParams params, int iteration) {
        out.iteration(benchmarkParams, params, iteration);
        if (fork < 0) {
            Optional<ProcessHandle> child = ProcessHandle.current().children().findFirst();
            fork = child.map(ProcessHandle::pid).orElse(-1L);
        }
        startNanos = System.nanoTime();
        startBusy = busyBothCores();
        startFork = cpu(fork);
        startSelf = cpu(self);
    }

    @Override
    public void iterationResult(BenchmarkParams benchmarkParams, IterationParams params, int iteration,
                                IterationResult data) {
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        double other = (busyBothCores() - startBusy) - (cpu(fork) - startFork) - (cpu(self) - startSelf);
        out.iterationResult(benchmarkParams, params, iteration, data);
        if (params.getType() != IterationType.MEASUREMENT) {
            return;
        }
        Result<?> alloc = data.getSecondaryResults().get("gc.alloc.rate.norm");
        samples.add(new Sample(data.getPrimaryResult().getScore(), alloc == null ? Double.NaN : alloc.getScore(),
                seconds, seconds > 0 ? Math.max(0, other) / seconds : Double.NaN));
    }

    private static double busyBothCores() {
        return CpuTimes.core(0).busy() + CpuTimes.core(1).busy();
    }

    private static double cpu(long pid) {
        return pid < 0 ? 0 : CpuTimes.process(pid).total();
    }

    @Override
    public void endBenchmark(BenchmarkResult result) {
        out.endBenchmark(result);
    }

    @Override
    public void startRun() {
        out.startRun();
    }

    @Override
    public void endRun(Collection<RunResult> result) {
        out.endRun(result);
    }

    @Override
    public void print(String s) {
        out.print(s);
    }

    @Override
    public void println(String s) {
        out.println(s);
    }

    @Override
    public void flush() {
        out.flush();
    }

    @Override
    public void close() {
        out.flush();   // the console is not ours to close
    }

    @Override
    public void verbosePrintln(String s) {
        out.verbosePrintln(s);
    }

    @Override
    public void write(int b) {
        out.write(b);
    }

    @Override
    public void write(byte[] b) throws IOException {
        out.write(b);
    }
}
