// The thread beside each run: cores the stack uses over time, drops when the measured window opens, the progress line.
package io.flexnet.experiment;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs beside the generator during one run: every 50 ms it samples the CPU the stack's threads used
 * (the cores-in-use timeline), takes the drop counts and CPU total when the measured window opens and
 * closes, and rewrites the progress line every 250 ms. Its results are read after its thread was
 * joined, which publishes them.
 */
final class RunSampler implements Runnable {
    private static final long SAMPLE_NANOS = 50_000_000;

    private final DesignContext ctx;
    private final long start, from, to;
    private final Runner.Progress prog;
    private final PrintStream progress;
    private final CpuSampler cpu = new CpuSampler();
    private final List<double[]> points = new ArrayList<>();
    private volatile boolean running = true;
    volatile Map<String, Long> dropsAtWindow;
    private double windowCpu = -1, windowCpuEnd = -1;
    private long windowStartAt, windowEndAt;

    RunSampler(DesignContext ctx, long start, long from, long to, Runner.Progress prog, PrintStream progress) {
        this.ctx = ctx;
        this.progress = progress;
        this.start = start;
        this.from = from;
        this.to = to;
        this.prog = prog;
    }

    void stop() { running = false; }

    @Override
    public void run() {
        long lastT = ctx.runtime().nanoTime();
        long lastCpu = cpu.stackCpuNanos();
        long lastPrint = 0;
        while (running) {
            long now = ctx.runtime().nanoTime();
            long next = lastT + SAMPLE_NANOS;
            if (dropsAtWindow == null && now >= from) {
                dropsAtWindow = ctx.dropsByReason();
                windowCpu = cpu.stackCpuNanos();
                windowStartAt = ctx.runtime().nanoTime();
            }
            if (windowCpuEnd < 0 && now >= to) {
                windowCpuEnd = cpu.stackCpuNanos();
                windowEndAt = ctx.runtime().nanoTime();
            }
            if (now >= next) {
                long c = cpu.stackCpuNanos();
                long t = ctx.runtime().nanoTime();
                if (t > start) points.add(new double[] {(t - start) / 1e9, (double) (c - lastCpu) / (t - lastT)});
                lastT = t;
                lastCpu = c;
            }
            if (progress != null && now - lastPrint > 250_000_000L) {
                progress.print(prog.line(now, from, to));
                progress.flush();
                lastPrint = now;
            }
            long wake = Math.min(next, dropsAtWindow == null ? from : windowCpuEnd < 0 ? to : next);
            long sleep = Math.max(200_000, Math.min(wake - ctx.runtime().nanoTime(), 10_000_000));
            ctx.runtime().park(sleep);
        }
        if (dropsAtWindow == null) dropsAtWindow = ctx.dropsByReason();
        if (windowCpuEnd < 0) {
            windowCpuEnd = cpu.stackCpuNanos();
            windowEndAt = ctx.runtime().nanoTime();
        }
    }

    double coresMean() {
        if (windowCpu < 0 || windowEndAt <= windowStartAt) return Double.NaN;
        return (windowCpuEnd - windowCpu) / (windowEndAt - windowStartAt);
    }

    double[][] timeline() { return points.toArray(new double[0][]); }
}
