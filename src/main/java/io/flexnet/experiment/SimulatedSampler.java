// Beside a simulated run: cores used over virtual time, drops when the window opens, the progress line.
package io.flexnet.experiment;

import io.flexnet.runtime.sim.SimRuntime;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What {@link RunSampler} does for a real run, as timers of the simulation: the cores the stack's
 * threads held every 50 ms of virtual time, the drop counts when the measured window opens, and the
 * virtual cores used over the window, read from the simulated cores' own accounting instead of the
 * threads' CPU clocks.
 */
final class SimulatedSampler {
    private static final long SAMPLE_NANOS = 50_000_000;

    private final SimRuntime sim;
    private final List<double[]> points = new ArrayList<>();
    Map<String, Long> dropsAtWindow;
    private long usedAtFrom = -1, usedAtTo = -1;
    private final long from, to;

    SimulatedSampler(DesignContext ctx, SimRuntime sim, long start, long from, long to, Runner.Progress prog,
                     PrintStream progress) {
        this.sim = sim;
        this.from = from;
        this.to = to;
        sim.timer(t -> {
            dropsAtWindow = ctx.dropsByReason();
            usedAtFrom = sim.usedNanos();
        }).at(from);
        sim.timer(t -> usedAtTo = sim.usedNanos()).at(to);
        long[] last = {start, -1};
        sim.every(SAMPLE_NANOS, start, t -> {
            long used = sim.usedNanos();
            if (last[1] >= 0) points.add(new double[] {(t - start) / 1e9, (double) (used - last[1]) / (t - last[0])});
            last[0] = t;
            last[1] = used;
            if (progress != null) {
                progress.print(prog.line(t, from, to));
                progress.flush();
            }
        });
    }

    /** Virtual cores the stack's threads held, on average over the measured window. */
    double coresMean() {
        if (usedAtFrom < 0 || usedAtTo < 0) return Double.NaN;
        return (double) (usedAtTo - usedAtFrom) / (to - from);
    }

    double[][] timeline() { return points.toArray(new double[0][]); }
}
