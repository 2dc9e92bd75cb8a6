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

    @Override
    public Integer call() {
        if (!target.equals("pipeline")) {
            System.err.println("flexnet bench: unknown target '" + target + "'; known: pipeline");
            return 2;
        }
        if (ops < 1000 || rounds < 1 || handoffs < 1000) {
            System.err.println("flexnet bench: --ops must be >= 1000, --rounds >= 1, --handoffs >= 1000");
            return 2;
        }
        PipelineBenchmark b = new PipelineBenchmark(ops, rounds);
        if (!json) System.err.println("measuring the receive path in 5 shapes, then the hand-off...");
        List<PipelineBenchmark.Row> rows = b.measureShapes();
        PipelineBenchmark.Handoff h = b.measureHandoff(Math.max(20_000, handoffs / 10), handoffs);
        System.out.println(json ? json(rows, h) : table(rows, h));
        return 0;
    }

    static String table(List<PipelineBenchmark.Row> rows, PipelineBenchmark.Handoff h) {
        StringBuilder sb = new StringBuilder();
        double fused = rows.getFirst().nsPerPacket();
        sb.append("Receive path eth_rcv > ip_rcv > udp_rcv > socket_rcv, one core, 64-byte payload\n");
        sb.append(String.format(Locale.ROOT, "%-36s %12s %10s %16s%n", "shape", "ns/packet", "vs fused", "heap B/packet"));
        for (PipelineBenchmark.Row r : rows) {
            String name = shapeName(r.shape());
            sb.append(String.format(Locale.ROOT, "%-36s %12.1f %9.2fx %16.2f%n", name, r.nsPerPacket(),
                    r.nsPerPacket() / fused, r.bytesPerPacket()));
        }
        double perExtra = (ns(rows, "4") - ns(rows, "1")) / 3;
        sb.append(String.format(Locale.ROOT, "each extra suspension point (1 -> 4): %.1f ns%n", perExtra));
        sb.append(String.format(Locale.ROOT,
                "%nHand-off to a worker on another core (cores %d -> %d%s), %d samples:%n"
                        + "  p50 %.0f ns, p99 %.0f ns, p99.9 %.0f ns (each includes one clock read, %.1f ns here)%n",
                h.producerCore(), h.workerCore(), h.pinned() ? ", pinned" : ", unpinned", h.count(),
                h.p50(), h.p99(), h.p999(), h.clockNanos()));
        return sb.toString();
    }

    static String shapeName(String shape) {
        if (shape.equals("fused")) return "hand-fused";
        boolean interpreted = shape.endsWith("i");
        String k = interpreted ? shape.substring(0, shape.length() - 1) : shape;
        return k + " suspension point" + (k.equals("1") ? "" : "s") + (interpreted ? ", interpreted" : "");
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
                    "{\"shape\":\"%s\",\"ns_per_packet\":%.2f,\"bytes_per_packet\":%.3f}",
                    r.shape(), r.nsPerPacket(), r.bytesPerPacket()));
        }
        sb.append(String.format(Locale.ROOT,
                "],\"handoff\":{\"p50_ns\":%.0f,\"p99_ns\":%.0f,\"p999_ns\":%.0f,\"samples\":%d,"
                        + "\"clock_read_ns\":%.1f,\"producer_core\":%d,\"worker_core\":%d,\"pinned\":%b}}",
                h.p50(), h.p99(), h.p999(), h.count(), h.clockNanos(), h.producerCore(), h.workerCore(), h.pinned()));
        return sb.toString();
    }
}
