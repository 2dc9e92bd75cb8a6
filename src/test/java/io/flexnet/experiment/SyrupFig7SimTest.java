// Syrup Figure 7 in virtual time: token-based admission keeps the LS user's tail, round robin does not.
package io.flexnet.experiment;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Runs a short {@code examples/sim/syrup-fig7.yaml} (deterministic: bounds are on results, not on
 * timings). At 400,000 GETs a second, past what 6 threads serve, round robin lets queues build for
 * both users; token-based admission (350,000 tokens a second to LS, refilled every 100 us by the
 * agent, which runs as a timer in virtual time: the simulated runtime refuses the platform thread it
 * takes on the real one) keeps LS's p99 short, serves LS's load while it is under its tokens, gives
 * BE what LS leaves, and drops the rest as {@code policy-drop}.
 */
class SyrupFig7SimTest {
    @Test
    void tokensKeepTheLatencySensitiveUsersTailWhereRoundRobinLosesIt() throws Exception {
        String text = Files.readString(Path.of("examples/sim/syrup-fig7.yaml"))
                .replace("duration: 300ms", "duration: 100ms").replace("repetitions: 2", "repetitions: 1");
        StringBuilder kept = new StringBuilder();
        for (String line : text.split("\n")) {
            if (line.contains("-ls30") || line.contains("-ls50") || line.contains("-ls70") || line.contains("-ls85")) continue;
            kept.append(line).append('\n');
        }
        Results r = new Runner(null, null).run(ExperimentFile.parse("syrup-fig7.yaml", kept.toString()));
        Map<String, Row> by = new HashMap<>();
        for (Row row : r.rows()) {
            by.put(row.design(), row);
            assertEquals(0, row.health().faults(), row.design());
            assertEquals(0, row.health().leakedSlots(), row.design());
        }
        assertEquals(4, by.size(), by.keySet().toString());
        for (String ls : new String[] {"ls10", "ls95"}) {
            Row rr = by.get("rr-" + ls), tokens = by.get("tokens-" + ls);
            double rrP99 = rr.classRow("ls").latency().p99Us(), tokP99 = tokens.classRow("ls").latency().p99Us();
            assertTrue(tokP99 * 10 < rrP99, ls + ": LS p99 with tokens " + tokP99 + " us, round robin " + rrP99 + " us");
            assertTrue(tokens.drops().byReason().getOrDefault("policy-drop", 0L) > 0, tokens.drops().text());
        }
        // LS light (40 kRPS): all of it served, and BE gets the tokens LS left (most of its 360 kRPS).
        Row light = by.get("tokens-ls10");
        assertEquals(40_000, light.classRow("ls").achievedRps(), 0.05 * 40_000, "LS served in full under its tokens");
        double be = light.classRow("be").achievedRps();
        assertTrue(be > 0.75 * 360_000, "BE given LS's leftover tokens: " + be);
        // LS past its tokens (380 kRPS): LS capped near 350k, BE starved of leftovers.
        Row heavy = by.get("tokens-ls95");
        assertTrue(heavy.classRow("ls").achievedRps() < 352_000, "LS capped by its tokens: " + heavy.classRow("ls").achievedRps());
        assertTrue(heavy.classRow("be").achievedRps() < 0.5 * 20_000, "BE starved: " + heavy.classRow("be").achievedRps());
    }
}
