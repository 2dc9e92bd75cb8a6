package io.flexnet.bench;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.HdrHistogram.Histogram;

/**
 * The project's own runner for the pipeline measurements (JMH's {@code PipelineBench} measures the
 * same rigs): ns and heap bytes per packet for each {@link PipelineRig} shape, and the cross-core
 * hand-off latency. Each shape is warmed up, then timed over several rounds; the median round is
 * reported, so one descheduled round on a shared machine does not decide the figure.
 */
public final class PipelineBenchmark {
    /** One measured shape. */
    public record Row(String shape, double nsPerPacket, double bytesPerPacket) {}

    /** The cross-core hand-off: latency percentiles in ns, and the cost of the clock read included. */
    public record Handoff(double p50, double p99, double p999, long count, double clockNanos,
                          int producerCore, int workerCore, boolean pinned) {}

    private final long opsPerRound;
    private final int rounds;

    public PipelineBenchmark(long opsPerRound, int rounds) {
        this.opsPerRound = opsPerRound;
        this.rounds = rounds;
    }

    public List<Row> measureShapes() {
        List<Row> rows = new ArrayList<>();
        for (String shape : PipelineRig.SHAPES) rows.add(measure(shape));
        return rows;
    }

    public Row measure(String shape) {
        PipelineRig rig = new PipelineRig(shape);
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long sink = 0;
        for (int w = 0; w < 3; w++) sink += loop(rig, opsPerRound);
        double[] ns = new double[rounds];
        long bytes0 = mx.getCurrentThreadAllocatedBytes();
        for (int r = 0; r < rounds; r++) {
            long t0 = System.nanoTime();
            sink += loop(rig, opsPerRound);
            ns[r] = (System.nanoTime() - t0) / (double) opsPerRound;
        }
        long bytes = mx.getCurrentThreadAllocatedBytes() - bytes0;
        rig.check((3L + rounds) * opsPerRound);
        rig.close();
        Arrays.sort(ns);
        if (sink == 42) System.out.print("");
        return new Row(shape, ns[rounds / 2], bytes / (double) (rounds * opsPerRound));
    }

    private static long loop(PipelineRig rig, long n) {
        long s = 0;
        for (long i = 0; i < n; i++) s += rig.once();
        return s;
    }

    public Handoff measureHandoff(int warmup, int count) {
        HandoffRig rig = new HandoffRig();
        Histogram h = rig.run(warmup, count);
        return new Handoff(h.getValueAtPercentile(50), h.getValueAtPercentile(99), h.getValueAtPercentile(99.9),
                h.getTotalCount(), HandoffRig.clockNanos(), rig.producerCore(), rig.workerCore(), rig.pinned());
    }
}
