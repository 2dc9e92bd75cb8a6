package io.flexnet.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flexnet.bench.PipelineBenchmark.Handoff;
import io.flexnet.bench.PipelineBenchmark.Row;
import java.util.List;
import org.junit.jupiter.api.Test;

/** `flexnet bench pipeline`'s table: every figure as a multiple of its baseline in the same run, goals judged. */
class BenchTableTest {
    private static final List<Row> ROWS = List.of(new Row("fused", 20, 0, 20, 1.0), new Row("0", 20.2, 0, 20, 1.01),
            new Row("1", 24, 0, 20, 1.2), new Row("2", 30, 0, 20, 1.5), new Row("4", 33, 0, 20, 1.65), new Row("0i", 60, 0, 20, 3.0),
            new Row("1i", 70, 0, 20, 3.5), new Row("4i", 120, 0, 20, 6.0), new Row("fusedv", 16, 0, 20, 0.8), new Row("1v", 20, 0, 20, 1.0));

    private static Handoff handoff(double p50, double floorP50) {
        return new Handoff(p50, 400, 900, 1000, 20, 0, 1, true, floorP50, 300);
    }

    @Test
    void ratiosAgainstTheFusedPathAndTheGoals() {
        String t = BenchCommand.table(ROWS, handoff(130, 100), 2).replaceAll(" +", " ");
        assertTrue(t.contains("1 suspension point 24.0 1.20x <=1.25 ok"), t);
        assertTrue(t.contains("2 suspension points 30.0 1.50x <=1.45 MISSED"), t);
        assertTrue(t.contains("4 suspension points 33.0 1.65x <=1.85 ok"), t);
        assertTrue(t.contains("each extra point (1 -> 4) 3.0 0.15x <=0.20 ok"), t);
        assertTrue(t.contains("hand-fused, NIC vouched 16.0 0.80x"), t);
        assertTrue(t.contains("median 1.30x the floor <=1.30 ok"), t);
        String missed = BenchCommand.table(ROWS, handoff(132, 100), 2);
        assertTrue(missed.contains("median 1.32x the floor <=1.30 MISSED"), missed);
    }

    @Test
    void jsonCarriesTheRatios() {
        String j = BenchCommand.json(ROWS, handoff(130, 100));
        assertTrue(j.contains("{\"shape\":\"1\",\"ns_per_packet\":24.00,\"vs_fused\":1.200,"), j);
        assertTrue(j.contains("\"floor_p50_ns\":100,\"floor_p99_ns\":300,\"p50_vs_floor\":1.300"), j);
    }
}
