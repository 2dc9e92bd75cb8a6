// One tenant floods at nine times what it is served; the other's p99 and delivery stay as when alone.
package io.flexnet.experiment;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/**
 * Runs {@code examples/sim/tenant-flood.yaml} in virtual time (deterministic, so the bounds are on a
 * result, not on a timing): with a queue and a worker per tenant, the calm tenant's p99 at every load
 * is its p99 alone within 10%, and it gets every request answered, while the flood's excess is
 * dropped at its own bounded queue; with both tenants in one queue the same flood inflates calm's
 * p99 by orders of magnitude, so the test can tell the two apart; and in one queue where each tenant
 * may hold 8 entries, calm's p99 is bounded and every one of its requests answered.
 */
class TenantFloodSimTest {
    @Test
    void aFloodingTenantLeavesTheOthersLatencyAndDeliveryAlone() throws Exception {
        Results r = ExampleRuns.run("examples/sim/tenant-flood.yaml",
                "loads: [5000, 10000, 20000, 50000, 100000]", "loads: [10000, 100000]", "repetitions: 3", "repetitions: 1");
        Row alone = null;
        for (Row row : r.rows()) {
            Row.ClassRow calm = row.classRow("calm");
            assertNotNull(calm, row.design());
            assertEquals(0, row.health().faults(), row.design());
            assertEquals(0, row.health().leakedSlots(), row.design());
            switch (row.design()) {
                case "alone" -> alone = row;
                case "per-tenant" -> {
                    assertTrue(row.inflation() <= 1.10, "calm's p99 with the flood beside it: " + row.inflation() + "x alone");
                    assertTrue(calm.sent() > 0, "calm sent");
                    double calmOffered = 0.1 * row.offeredRps();
                    assertEquals(calmOffered, calm.achievedRps(), 0.03 * calmOffered, "calm answered at the rate it asked");
                    if (row.offeredRps() >= 100_000) {
                        assertTrue(row.drops().byReason().getOrDefault("queue-full", 0L) > 10_000,
                                "the flood's excess dropped at its queue: " + row.drops().text());
                    }
                }
                case "shared-capped" -> {
                    // A cap of 32 entries per tenant in the shared queue: a calm request waits behind at most
                    // 32 of the flood's 100 us requests and 32 of calm's 10 us ones on two workers, 1.76 ms,
                    // so its p99 is bounded (not unchanged: that takes a queue of its own), it is answered
                    // in full, and the flood's excess is refused under its own reason.
                    double calmOffered = 0.1 * row.offeredRps();
                    assertEquals(calmOffered, calm.achievedRps(), 0.03 * calmOffered, "calm answered at the rate it asked");
                    if (row.offeredRps() >= 100_000) {
                        assertTrue(calm.latency().p99Us() < 1.25 * 1760, "capped shared queue: calm p99 " + calm.latency().p99Us() + " us");
                        assertTrue(row.drops().byReason().getOrDefault("queue-over-limit", 0L) > 10_000,
                                "the flood's excess refused at its share: " + row.drops().text());
                        assertEquals(0L, row.drops().byReason().getOrDefault("queue-full", 0L), row.drops().text());
                    }
                }
                case "shared" -> {
                    if (row.offeredRps() >= 100_000) assertTrue(row.inflation() > 100, "shared queue: " + row.inflation() + "x");
                }
                default -> fail("unexpected design " + row.design());
            }
        }
        assertNotNull(alone);
    }
}
