// Syrup Figure 6's round-robin gain depends on the boot: Linux's reuseport hash secret decides the spread.
package io.flexnet.experiment;

import static org.junit.jupiter.api.Assertions.*;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A short {@code examples/sim/syrup-fig6-boots.yaml} at 250,000 requests a second: round robin and the
 * best boot's hash (9 of 50 flows on the busiest socket) serve it all; the boot that puts 19 flows on
 * one socket overflows that socket's queue, as the paper's vanilla did.
 */
class SyrupFig6BootsSimTest {
    @Test
    void theUnluckyBootOverflowsItsBusiestSocketWhereRoundRobinDoesNot() throws Exception {
        Results r = ExampleRuns.run("examples/sim/syrup-fig6-boots.yaml",
                "loads: [100000, 150000, 200000, 250000, 300000, 350000, 400000]", "loads: [250000]",
                "duration: 300ms", "duration: 150ms", "repetitions: 2", "repetitions: 1");
        Map<String, Row> by = new HashMap<>();
        for (Row row : r.rows()) by.put(row.design(), row);
        assertEquals(0L, full(by.get("round-robin")), by.get("round-robin").drops().text());
        assertEquals(0L, full(by.get("vanilla-9")), by.get("vanilla-9").drops().text());
        assertTrue(full(by.get("vanilla-19")) > 1000, "19 flows on one socket: " + by.get("vanilla-19").drops().text());
    }

    private static long full(Row row) { return row.drops().byReason().getOrDefault("socket-full", 0L); }
}
