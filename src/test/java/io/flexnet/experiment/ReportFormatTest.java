// The report's three outputs byte for byte, so a change to how rows are held cannot change a file.
package io.flexnet.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.flexnet.workload.LatencyMeter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/**
 * results.csv, results.json and the printed table of a fixed set of runs, compared with the files
 * beside this class ({@code report.csv}, {@code report.json}, {@code report.txt}). The runs set every
 * figure a row carries to something other than its default (a scheduler's grants, faults, leaked
 * slots, more unanswered than dropped, two repetitions with different p99s), so each column and
 * each suffix of the table is pinned.
 */
class ReportFormatTest {
    private static final Machine MACHINE = new Machine(2, "25.0.1+8-LTS", "Linux 6.1 amd64", "Some CPU", 0.25);

    /** A run in which {@code lc} requests took {@code lcMicros} and {@code bulk} ones {@code bulkMicros}. */
    private static RunResult run(String design, double load, int rep, long lcMicros, long bulkMicros,
                                 Map<String, Long> drops, long unanswered, double granted, long faults, long leaked) {
        Histogram lc = new Histogram(1, LatencyMeter.MAX_LATENCY_NANOS, 3);
        Histogram bulk = new Histogram(1, LatencyMeter.MAX_LATENCY_NANOS, 3);
        lc.recordValueWithCount(lcMicros * 1000, 900);
        lc.recordValueWithCount(lcMicros * 3000, 10);
        bulk.recordValueWithCount(bulkMicros * 1000, 100);
        Histogram late = new Histogram(1, LatencyMeter.MAX_LATENCY_NANOS, 2);
        late.recordValue(3000 + 1000L * rep);
        return new RunResult(design, load, rep, List.of("lc", "bulk"), new Histogram[] {lc, bulk},
                new long[] {910, 110}, 1_000_000_000L, drops, unanswered, 0.5 + 0.25 * rep, granted, late,
                0.125, faults, leaked, new double[][] {{0.1, 0.4}}, new double[0][]);
    }

    static Results results() throws Exception {
        Experiment x = ExperimentFile.parse("report.yaml", ReportTest.FILE);
        List<List<RunResult>> points = List.of(
                List.of(run("a", 1000, 0, 20, 40, Map.of(), 0, Double.NaN, 0, 0),
                        run("a", 1000, 1, 25, 45, Map.of("queue-full", 1L), 1, Double.NaN, 0, 0)),
                List.of(run("a", 2000, 0, 30, 60, Map.of("queue-full", 10L), 12, Double.NaN, 0, 0)),
                List.of(run("b", 1000, 0, 10, 40, Map.of(), 0, 1.5, 2, 0)),
                List.of(run("b", 2000, 0, 15, 60, Map.of("socket-full", 6L, "queue-full", 4L), 10, 2.0, 0, 3)));
        List<Row> rows = new ArrayList<>();
        List<RunResult> runs = new ArrayList<>();
        for (List<RunResult> reps : points) {
            rows.add(Runner.merge(reps));
            runs.addAll(reps);
        }
        return new Results(x, MACHINE, Runner.inflate(rows, x), runs, 3_000_000_000L);
    }

    private static String expected(String name) throws IOException {
        try (InputStream in = ReportFormatTest.class.getResourceAsStream(name)) {
            if (in == null) throw new IOException(name + " is missing beside " + ReportFormatTest.class.getName());
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void csvIsByteForByteAsBefore() throws Exception {
        assertEquals(expected("report.csv"), Report.csv(results()));
    }

    @Test
    void jsonIsByteForByteAsBefore() throws Exception {
        assertEquals(expected("report.json"), Report.json(results()));
    }

    @Test
    void tableIsByteForByteAsBefore() throws Exception {
        assertEquals(expected("report.txt"), Report.table(results()));
    }
}
