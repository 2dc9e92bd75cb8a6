package io.flexnet.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * The project's own runner for the pipeline measurements (JMH's {@code PipelineBench} measures the
 * same rigs): ns and heap bytes per packet for each {@link PipelineRig} shape, and the cross-core
 * hand-off latency beside the bare cache-line ping-pong between the same two cores.
 *
 * <p>Each shape runs in a fresh JVM of its own ({@link #main}), as JMH forks: in one JVM the shapes
 * share {@code Pipeline.run}'s call site, whose profile turns megamorphic after the second shape, and
 * every shape after the first then pays a dispatch the first did not (the 0-point pipeline read 1.33×
 * the fused path that way; forked, they are equal). Its JVM also times the hand-fused path (which
 * calls the layers directly and never reaches that call site), in rounds alternating with the shape's,
 * so each ratio compares two paths measured moments apart on the same machine: on a shared VM whose
 * speed swings by half between minutes, ratios across JVMs would measure the swing. The shapes run in
 * {@code passes} passes, forward then backward, and a shape's figures are the medians over passes.
 * Within a JVM both paths are warmed up, then timed over several rounds; medians are reported, so
 * one descheduled round does not decide a figure.
 */
public final class PipelineBenchmark {
    /**
     * One measured shape: its median ns per packet, heap bytes per packet, and its ratio to the
     * hand-fused path timed in the same JVM in alternating rounds (the median of the rounds' ratios).
     */
    public record Row(String shape, double nsPerPacket, double bytesPerPacket, double fusedNs, double vsFused) {}

    /**
     * The cross-core hand-off: latency percentiles in ns, the cost of the clock read included, and the
     * floor measured in the same run on the same cores ({@link PingPongRig}).
     */
    public record Handoff(double p50, double p99, double p999, long count, double clockNanos,
                          int producerCore, int workerCore, boolean pinned, double floorP50, double floorP99) {}

    /** Hand-off and ping-pong take turns this many times, each with a fresh rig. */
    private static final int HANDOFF_TURNS = 3;

    private final long opsPerRound;
    private final int rounds;

    public PipelineBenchmark(long opsPerRound, int rounds) {
        this.opsPerRound = opsPerRound;
        this.rounds = rounds;
    }

    /** Every shape, each in a JVM of its own, {@code passes} times; the median per shape. */
    public List<Row> measureShapes(int passes, java.util.function.Consumer<Row> progress)
            throws IOException, InterruptedException {
        Map<String, List<Row>> runs = new LinkedHashMap<>();
        for (String shape : PipelineRig.SHAPES) runs.put(shape, new ArrayList<>());
        for (int pass = 0; pass < passes; pass++) {
            List<String> order = new ArrayList<>(runs.keySet());
            if (pass % 2 == 1) java.util.Collections.reverse(order);
            for (String shape : order) {
                Row r = forked(shape);
                runs.get(shape).add(r);
                if (progress != null) progress.accept(r);
            }
        }
        List<Row> rows = new ArrayList<>();
        for (Map.Entry<String, List<Row>> e : runs.entrySet()) {
            List<Row> rs = e.getValue();
            double bytes = rs.stream().mapToDouble(Row::bytesPerPacket).max().orElse(0);
            rows.add(new Row(e.getKey(), median(rs.stream().mapToDouble(Row::nsPerPacket).toArray()), bytes,
                    median(rs.stream().mapToDouble(Row::fusedNs).toArray()),
                    median(rs.stream().mapToDouble(Row::vsFused).toArray())));
        }
        return rows;
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }

    /** One shape in a fresh JVM with this one's options and class path. */
    private Row forked(String shape) throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> cmd = new ArrayList<>(List.of(java));
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (!a.startsWith("-agentlib") && !a.startsWith("-javaagent")) cmd.add(a);
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), PipelineBenchmark.class.getName(),
                shape, Long.toString(opsPerRound), Integer.toString(rounds)));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        StringBuilder out = new StringBuilder();
        String result = null;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                if (line.startsWith("row ")) result = line;
                else out.append(line).append('\n');
            }
        }
        int status = p.waitFor();
        if (status != 0 || result == null) {
            throw new IllegalStateException("shape " + shape + ": the measuring JVM exited " + status + ": " + out);
        }
        String[] f = result.split(" ");
        return new Row(f[1], Double.parseDouble(f[2]), Double.parseDouble(f[3]), Double.parseDouble(f[4]),
                Double.parseDouble(f[5]));
    }

    /** The child JVM: {@code SHAPE OPS ROUNDS}; prints {@code row SHAPE NS BYTES FUSED_NS RATIO}. */
    public static void main(String[] args) {
        Row r = new PipelineBenchmark(Long.parseLong(args[1]), Integer.parseInt(args[2])).measure(args[0]);
        System.out.printf(Locale.ROOT, "row %s %.4f %.4f %.4f %.5f%n", r.shape(), r.nsPerPacket(), r.bytesPerPacket(),
                r.fusedNs(), r.vsFused());
    }

    /** One shape in this JVM, its rounds alternating with the hand-fused path's. */
    public Row measure(String shape) {
        PipelineRig rig = new PipelineRig(shape);
        PipelineRig fused = new PipelineRig("fused");
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long sink = 0;
        for (int w = 0; w < 3; w++) sink += loop(fused, opsPerRound) + loop(rig, opsPerRound);
        double[] ns = new double[rounds], base = new double[rounds], ratio = new double[rounds];
        long bytes = 0;
        for (int r = 0; r < rounds; r++) {
            // Which goes first alternates, so neither always follows the other's cache and branch state.
            if (r % 2 == 0) base[r] = timed(fused);
            long bytes0 = mx.getCurrentThreadAllocatedBytes();
            ns[r] = timed(rig);
            bytes += mx.getCurrentThreadAllocatedBytes() - bytes0;
            if (r % 2 == 1) base[r] = timed(fused);
            ratio[r] = ns[r] / base[r];
        }
        rig.check((3L + rounds) * opsPerRound);
        fused.check((3L + rounds) * opsPerRound);
        rig.close();
        fused.close();
        if (sink == 42) System.out.print("");
        return new Row(shape, median(ns), bytes / (double) (rounds * opsPerRound), median(base), median(ratio));
    }

    private double timed(PipelineRig rig) {
        long t0 = System.nanoTime();
        long s = loop(rig, opsPerRound);
        double ns = (System.nanoTime() - t0) / (double) opsPerRound;
        return s == 42 ? -ns : ns;
    }

    private static long loop(PipelineRig rig, long n) {
        long s = 0;
        for (long i = 0; i < n; i++) s += rig.once();
        return s;
    }

    /**
     * The hand-off and its floor, taking turns {@value #HANDOFF_TURNS} times (fresh rigs, one spinning
     * thread on the far core at a time), so both see the same machine.
     */
    public Handoff measureHandoff(int warmup, int count) {
        Histogram hand = new Histogram(10_000_000L, 3), floor = new Histogram(10_000_000L, 3);
        int per = Math.max(1, count / HANDOFF_TURNS);
        warmup = Math.max(1, warmup / HANDOFF_TURNS);
        HandoffRig rig = null;
        int[] cores = null;
        for (int t = 0; t < HANDOFF_TURNS; t++) {
            rig = new HandoffRig(cores);
            cores = new int[] {rig.producerCore(), rig.workerCore()};
            floor.add(new PingPongRig(rig.affinity(), rig.producerCore(), rig.workerCore()).run(warmup, per));
            hand.add(rig.run(warmup, per));
        }
        return new Handoff(hand.getValueAtPercentile(50), hand.getValueAtPercentile(99),
                hand.getValueAtPercentile(99.9), hand.getTotalCount(), HandoffRig.clockNanos(), rig.producerCore(),
                rig.workerCore(), rig.pinned(), floor.getValueAtPercentile(50), floor.getValueAtPercentile(99));
    }
}
