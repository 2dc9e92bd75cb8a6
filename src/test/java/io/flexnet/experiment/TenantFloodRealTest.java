// The tenant flood on real threads: with a queue of its own, or a capped share, calm is answered in full.
package io.flexnet.experiment;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/**
 * Runs {@code examples/tenant-flood.yaml} on the real runtime at 10,000 requests a second, where the
 * flood asks 1.8 cores of its one worker. Only delivery is checked (latency on this shared machine is
 * reported by the example, not asserted): with a queue and worker of its own, or a share of 32 entries
 * in the shared queue, every one of calm's requests is answered and the flood's excess is dropped
 * under its own reason; in the plain shared queue the same flood costs calm requests, so the test can
 * tell the designs apart.
 */
class TenantFloodRealTest {
    @Test
    void onRealThreadsTheCalmTenantIsAnsweredInFullBesideAFlood() throws Exception {
        Results r = ExampleRuns.run("examples/tenant-flood.yaml", "loads: [2000, 10000, 20000]", "loads: [10000]",
                "repetitions: 3", "repetitions: 1", "duration: 1500ms", "duration: 800ms");
        int checked = 0;
        for (Row row : r.rows()) {
            Row.ClassRow calm = row.classRow("calm");
            assertNotNull(calm, row.design());
            assertEquals(0, row.health().faults(), row.design());
            assertEquals(0, row.health().leakedSlots(), row.design());
            double calmSent = calm.sent();
            switch (row.design()) {
                case "per-tenant", "shared-capped" -> {
                    checked++;
                    double answered = calm.achievedRps() / (0.1 * row.offeredRps());
                    assertTrue(answered > 0.97, row.design() + ": calm answered " + answered + " of its rate");
                    String reason = row.design().equals("per-tenant") ? "queue-full" : "queue-over-limit";
                    assertTrue(row.drops().byReason().getOrDefault(reason, 0L) > 0,
                            row.design() + ": the flood's excess dropped as " + reason + ": " + row.drops().text());
                }
                case "shared" -> {
                    checked++;
                    double answered = calm.achievedRps() / (0.1 * row.offeredRps());
                    assertTrue(answered < 0.95, "shared: the flood should cost calm requests, answered " + answered);
                }
                case "alone" -> assertTrue(calmSent > 0);
                default -> fail("unexpected design " + row.design());
            }
        }
        assertEquals(3, checked);
    }
}
