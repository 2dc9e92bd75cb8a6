// The report files: results.csv starts with the promised columns, one row per design and load, in microseconds.
package io.flexnet.experiment;

import static org.junit.jupiter.api.Assertions.*;

import io.flexnet.sched.CoreTimeline;
import io.flexnet.workload.LatencyMeter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class ReportTest {
    static final String FILE = """
            name: report
            workload:
              classes:
                - {name: lc, port: 9000}
                - {name: bulk, port: 9001}
              service: {GET: fixed 10us}
            loads: [1000, 2000]
            duration: 1s
            designs:
              - {name: a, builtin: run-to-completion}
              - {name: b, builtin: port-queues}
            report: {baseline: a, class: lc}
            """;

    /** A run whose lc requests all took {@code lcMicros} and bulk ones {@code bulkMicros}. */
    static RunResult run(String design, double load, long lcMicros, long bulkMicros, Map<String, Long> drops) {
        Histogram lc = new Histogram(1, LatencyMeter.MAX_LATENCY_NANOS, 3);
        Histogram bulk = new Histogram(1, LatencyMeter.MAX_LATENCY_NANOS, 3);
        lc.recordValueWithCount(lcMicros * 1000, 900);
        bulk.recordValueWithCount(bulkMicros * 1000, 100);
        Histogram late = new Histogram(1, LatencyMeter.MAX_LATENCY_NANOS, 2);
        late.recordValue(3000);
        return new RunResult(design, load, 0, List.of("lc", "bulk"), new Histogram[] {lc, bulk}, new long[] {900, 110},
                1_000_000_000L, drops, 10, 0.5, Double.NaN, late, 0.25, 0, 0, new double[][] {{0.1, 0.4}}, new double[0][]);
    }

    static Results results() throws Exception {
        Experiment x = ExperimentFile.parse("report.yaml", FILE);
        List<RunResult> runs = List.of(
                run("a", 1000, 20, 40, Map.of()),
                run("a", 2000, 30, 60, Map.of("queue-full", 10L)),
                run("b", 1000, 10, 40, Map.of()),
                run("b", 2000, 15, 60, Map.of("queue-full", 4L, "socket-full", 6L)));
        List<Row> rows = new ArrayList<>();
        for (RunResult r : runs) rows.add(Runner.merge(List.of(r)));
        return new Results(x, Machine.current(), Runner.inflate(rows, x), runs, 1_000_000_000L);
    }

    /** Splits one CSV line, honouring quotes. */
    static List<String> fields(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '"') quoted = !quoted;
            else if (c == ',' && !quoted) {
                out.add(cur.toString());
                cur.setLength(0);
            } else cur.append(c);
        }
        out.add(cur.toString());
        return out;
    }

    @Test
    void csvStartsWithThePromisedColumnsAndHasOneRowPerDesignAndLoad() throws Exception {
        String[] lines = Report.csv(results()).split("\n");
        assertTrue(lines[0].startsWith("design,offered_rps,achieved_rps,p50_us,p99_us,p999_us,dropped,cores_mean"), lines[0]);
        List<String> header = fields(lines[0]);
        assertEquals(5, lines.length, "header and 2 designs x 2 loads");
        for (int i = 1; i < lines.length; i++) assertEquals(header.size(), fields(lines[i]).size(), lines[i]);

        List<String> a2000 = fields(lines[2]);
        assertEquals("a", a2000.get(0));
        assertEquals(2000.0, Double.parseDouble(a2000.get(1)));
        assertEquals(1000.0, Double.parseDouble(a2000.get(2)), 1e-9, "1000 replies in 1 s");
        // 900 at 30 us and 100 at 60 us: the median is 30, p99 60 (three significant digits).
        assertEquals(30.0, Double.parseDouble(a2000.get(3)), 0.05);
        assertEquals(60.0, Double.parseDouble(a2000.get(4)), 0.1);
        assertEquals(10, Long.parseLong(a2000.get(6)), "dropped");
        assertEquals(0.5, Double.parseDouble(a2000.get(7)), 1e-9, "cores_mean");
        assertEquals("queue-full:10", a2000.get(header.indexOf("drops")));
        assertEquals("", a2000.get(header.indexOf("cores_granted_mean")), "no scheduler: left empty");
        assertEquals(30.0, Double.parseDouble(a2000.get(header.indexOf("lc_p99_us"))), 0.05);
        assertEquals(60.0, Double.parseDouble(a2000.get(header.indexOf("bulk_p50_us"))), 0.1);
        assertEquals(900, Long.parseLong(a2000.get(header.indexOf("lc_sent"))));

        List<String> b2000 = fields(lines[4]);
        assertEquals(0.5, Double.parseDouble(b2000.get(header.indexOf("p99_inflation"))), 0.01, "15 us against a's 30 us");
        assertEquals("queue-full:4 socket-full:6", b2000.get(header.indexOf("drops")));
    }

    @Test
    void jsonAndTableCarryTheSameRows() throws Exception {
        Results r = results();
        String json = Report.json(r);
        assertTrue(json.contains("\"generator_shares_machine\": true"));
        assertEquals(4, json.split("\"design\": ").length - 1);
        assertTrue(json.contains("\"drops\": {\"queue-full\": 4, \"socket-full\": 6}"), json);
        String table = Report.table(r);
        assertEquals(4 + 2, table.split("\n").length, table);
        assertTrue(table.contains("queue-full:4 socket-full:6"));
        assertTrue(Report.header(r).contains("shares these cores"), "the header says the generator shares the machine");
    }

    @Test
    void meanGrantedWeighsEachLevelByHowLongItHeld() {
        // 1 core from before the window until 0.25 of it, then 2 cores until 0.75, then 1 again.
        CoreTimeline.Snapshot s = new CoreTimeline.Snapshot(new long[] {0, 1250, 1750}, new int[] {1, 2, 1}, new int[] {1, 2, 1});
        assertEquals(1.5, Runner.meanGranted(s, 1000, 2000), 1e-9);
        assertEquals(2.0, Runner.meanGranted(s, 1300, 1700), 1e-9);
    }
}
