// Syrup Figure 8 in virtual time: socket selection and thread scheduling each fail alone and hold together.
package io.flexnet.experiment;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Runs a short {@code examples/sim/syrup-fig8.yaml} (deterministic: the bounds are on results). GETs
 * of 10 us and SCANs of 1 ms, half and half, 36 socket threads on 6 cores. Thread scheduling alone
 * leaves GETs queued behind SCANs inside their sockets; SCAN-avoid alone keeps them out of such
 * sockets but, once the cores are busy with SCAN threads, a GET's thread waits for a core under CFS;
 * the two together (Syrup's thread-to-core hook through {@code CoreMatching}, preempting SCAN threads)
 * keep the GETs' p99 at tens of microseconds.
 */
class SyrupFig8SimTest {
    @Test
    void socketSelectionAndThreadSchedulingTogetherBeatEitherAlone() throws Exception {
        Results r = ExampleRuns.run("examples/sim/syrup-fig8.yaml",
                "loads: [2000, 4000, 6000, 7000, 8000, 9000]", "loads: [2000, 7000]",
                "duration: 1s", "duration: 300ms", "repetitions: 2", "repetitions: 1");
        Map<String, Row> by = ExampleRuns.byDesignAndLoad(r);
        for (Row row : r.rows()) {
            assertEquals(0, row.health().faults(), row.design());
            assertEquals(0, row.health().leakedSlots(), row.design());
        }
        assertEquals(8, by.size(), by.keySet().toString());
        for (int load : new int[] {2000, 7000}) {
            double both = getP99(by, "both", load);
            assertTrue(both < 100, "both at " + load + ": GET p99 " + both + " us");
            assertTrue(getP99(by, "thread-sched", load) > 5 * both, "thread scheduling alone at " + load + ": "
                    + getP99(by, "thread-sched", load) + " us, GETs behind SCANs in their sockets");
        }
        assertTrue(getP99(by, "scan-avoid", 2000) < 100, "SCAN-avoid alone is fine while cores are free");
        assertTrue(getP99(by, "scan-avoid", 7000) > 10 * getP99(by, "both", 7000),
                "SCAN-avoid alone at 7,000: " + getP99(by, "scan-avoid", 7000) + " us, GET threads wait for a core");
    }

    private static double getP99(Map<String, Row> by, String design, int load) {
        Row row = by.get(design + "@" + load);
        assertNotNull(row, design + "@" + load);
        return row.classRow("get").latency().p99Us();
    }
}
