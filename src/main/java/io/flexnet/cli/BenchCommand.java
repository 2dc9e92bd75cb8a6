package io.flexnet.cli;

import io.flexnet.bench.PipelineBenchmark;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code flexnet bench pipeline}: the coroutine machinery's cost, as a table or JSON. */
@Command(name = "bench", mixinStandardHelpOptions = true, versionProvider = VersionCommand.Provider.class,
        description = "Measure the stack. Targets: pipeline.")
public final class BenchCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "TARGET", description = "What to measure: pipeline.")
    String target;

    @Option(names = "--json", description = "Print JSON instead of a table.")
    boolean json;

    @Option(names = "--ops", defaultValue = "2000000", description = "Packets per timed round (default ${DEFAULT-VALUE}).")
    long ops;

    @Option(names = "--rounds", defaultValue = "7", description = "Timed rounds per shape; the median is reported (default ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--handoffs", defaultValue = "200000", description = "Measured cross-core hand-offs (default ${DEFAULT-VALUE}).")
    int handoffs;

    @Option(names = "--passes", defaultValue = "2",
            description = "Passes over the shapes, forward then backward, each shape in a JVM of its own; the median"
                    + " per shape is reported (default ${DEFAULT-VALUE}).")
    int passes;

    /** Goals, as multiples of the hand-fused path (DESIGN §7 restated as ratios) and of the cache-line floor. */
    static final double ONE_POINT_GOAL = 1.25, EXTRA_POINT_GOAL = 0.20, HANDOFF_GOAL = 1.3;

    @Override
    public Integer call() throws Exception {
        if (!target.equals("pipeline")) {
            System.err.println("flexnet bench: unknown target '" + target + "'; known: pipeline");
            return 2;
        }
        if (ops < 1000 || rounds < 1 || handoffs < 1000 || passes < 1) {
            System.err.println("flexnet bench: --ops must be >= 1000, --rounds >= 1, --handoffs >= 1000, --passes >= 1");
            return 2;
        }
        PipelineBenchmark b = new PipelineBenchmark(ops, rounds);
        if (!json) {
            System.err.println("measuring the receive path in " + io.flexnet.bench.PipelineRig.SHAPES.length
                    + " shapes, each in a JVM of its own, " + passes + (passes == 1 ? " pass" : " passes")
                    + "; then the hand-off and the cache-line ping-pong, taking turns...");
        }
        List<PipelineBenchmark.Row> rows = b.measureShapes(passes, json ? null
                : r -> System.err.printf(Locale.ROOT, "  %-8s %8.1f ns, fused %6.1f ns in the same JVM: %.2fx%n",
                        r.shape(), r.nsPerPacket(), r.fusedNs(), r.vsFused()));
        PipelineBenchmark.Handoff h = b.measureHandoff(Math.max(20_000, handoffs / 10), handoffs);
        System.out.println(json ? json(rows, h) : table(rows, h, passes));
        return 0;
    }

    static String table(List<PipelineBenchmark.Row> rows, PipelineBenchmark.Handoff h, int passes) {
        StringBuilder sb = new StringBuilder();
        
        sb.append("Receive path eth_rcv > ip_rcv > udp_rcv > socket_rcv, one core, 64-byte payload;\n");
        sb.append("each shape in a JVM of its own, median of ").append(passes).append(passes == 1 ? " pass" : " passes")
                .append(", ratios against the hand-fused path of the same run\n");
        sb.append("(x fused: the shape against the hand-fused path timed in the same JVM, rounds alternating)\n");
        sb.append(String.format(Locale.ROOT, "%-36s %10s %9s  %-13s %14s %10s%n", "shape", "ns/packet", "x fused", "goal",
                "heap B/packet", "fused ns"));
        for (PipelineBenchmark.Row r : rows) {
            double ratio = r.vsFused();
            String goal = switch (r.shape()) {
                case "1" -> verdict(ratio, ONE_POINT_GOAL);
                case "2" -> verdict(ratio, ONE_POINT_GOAL + EXTRA_POINT_GOAL);
                case "4" -> verdict(ratio, ONE_POINT_GOAL + 3 * EXTRA_POINT_GOAL);
                default -> "";
            };
            sb.append(String.format(Locale.ROOT, "%-36s %10.1f %8.2fx  %-13s %14.2f %10.1f%n", shapeName(r.shape()),
                    r.nsPerPacket(), ratio, goal, r.bytesPerPacket(), r.fusedNs()));
        }
        double perExtra = (ratio(rows, "4") - ratio(rows, "1")) / 3;
        sb.append(String.format(Locale.ROOT, "%-36s %10.1f %8.2fx  %s%n", "each extra point (1 -> 4)",
                (ns(rows, "4") - ns(rows, "1")) / 3, perExtra, verdict(perExtra, EXTRA_POINT_GOAL)));
        sb.append(String.format(Locale.ROOT,
                "%nHand-off to a worker on another core (cores %d -> %d%s), %d samples, against a bare cache-line%n"
                        + "ping-pong between the same cores, taking turns in the same run:%n"
                        + "  hand-off  p50 %.0f ns, p99 %.0f ns, p99.9 %.0f ns%n"
                        + "  floor     p50 %.0f ns, p99 %.0f ns%n"
                        + "  median %.2fx the floor %s (each figure includes one clock read, %.1f ns here)%n",
                h.producerCore(), h.workerCore(), h.pinned() ? ", pinned" : ", unpinned", h.count(),
                h.p50(), h.p99(), h.p999(), h.floorP50(), h.floorP99(), h.p50() / h.floorP50(),
                verdict(h.p50() / h.floorP50(), HANDOFF_GOAL), h.clockNanos()));
        return sb.toString();
    }

    /** "<= goal ok" or "<= goal MISSED". */
    private static String verdict(double ratio, double goal) {
        return String.format(Locale.ROOT, "<=%.2f %s", goal, ratio <= goal ? "ok" : "MISSED");
    }

    static String shapeName(String shape) {
        if (shape.endsWith("v")) return shapeName(shape.substring(0, shape.length() - 1)) + ", NIC vouched";
        if (shape.equals("fused")) return "hand-fused";
        boolean interpreted = shape.endsWith("i");
        String k = interpreted ? shape.substring(0, shape.length() - 1) : shape;
        return k + " suspension point" + (k.equals("1") ? "" : "s") + (interpreted ? ", interpreted" : "");
    }

    private static double ratio(List<PipelineBenchmark.Row> rows, String shape) {
        for (PipelineBenchmark.Row r : rows) if (r.shape().equals(shape)) return r.vsFused();
        throw new IllegalArgumentException(shape);
    }

    private static double ns(List<PipelineBenchmark.Row> rows, String shape) {
        for (PipelineBenchmark.Row r : rows) if (r.shape().equals(shape)) return r.nsPerPacket();
        throw new IllegalArgumentException(shape);
    }

    static String json(List<PipelineBenchmark.Row> rows, PipelineBenchmark.Handoff h) {
        StringBuilder sb = new StringBuilder("{\"rx_path\":[");
        for (int i = 0; i < rows.size(); i++) {
            PipelineBenchmark.Row r = rows.get(i);
            sb.append(i == 0 ? "" : ",").append(String.format(Locale.ROOT,
                    "{\"shape\":\"%s\",\"ns_per_packet\":%.2f,\"vs_fused\":%.3f,\"bytes_per_packet\":%.3f}",
                    r.shape(), r.nsPerPacket(), r.vsFused(), r.bytesPerPacket()));
        }
        sb.append(String.format(Locale.ROOT,
                "],\"handoff\":{\"p50_ns\":%.0f,\"p99_ns\":%.0f,\"p999_ns\":%.0f,\"samples\":%d,"
                        + "\"clock_read_ns\":%.1f,\"producer_core\":%d,\"worker_core\":%d,\"pinned\":%b,"
                        + "\"floor_p50_ns\":%.0f,\"floor_p99_ns\":%.0f,\"p50_vs_floor\":%.3f}}",
                h.p50(), h.p99(), h.p999(), h.count(), h.clockNanos(), h.producerCore(), h.workerCore(), h.pinned(),
                h.floorP50(), h.floorP99(), h.p50() / h.floorP50()));
        return sb.toString();
    }
}
