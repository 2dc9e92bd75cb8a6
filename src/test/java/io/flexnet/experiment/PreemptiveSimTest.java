// Shinjuku's point in virtual time: preemption takes the 10 ms SCANs out of the GETs' way.
package io.flexnet.experiment;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * {@code examples/sim/shinjuku.yaml} trimmed to one load: the preemptive designs run on the simulated
 * runtime (the quantum is kept in virtual time, no timer thread), cut the GETs' p99 by two orders of
 * magnitude against run to completion, and give the same results to the byte on a second run.
 */
class PreemptiveSimTest {
    @Test
    void processorSharingAndSrtfCutTheGetTailInVirtualTime() throws Exception {
        String text = Files.readString(Path.of("examples/sim/shinjuku.yaml"))
                .replace("loads: [4000, 8000, 9000]", "loads: [8000]").replace("duration: 2s", "duration: 1s");
        text = text.substring(0, text.indexOf("designs:")) + """
                designs:
                  - {name: run-to-completion, builtin: run-to-completion}
                  - {name: ps-10us, builtin: preemptive, params: {discipline: ps, quantum: 10us}}
                  - {name: srtf-10us, builtin: preemptive, params: {discipline: srtf, quantum: 10us}}
                """;
        Experiment x = ExperimentFile.parse("shinjuku.yaml", text);
        Results a = new Runner(null, null).run(x), b = new Runner(null, null).run(x);
        assertEquals(Report.csv(a), Report.csv(b), "the same run twice");
        double rtc = a.rows().get(0).classRow("get").latency().p99Us();
        double ps = a.rows().get(1).classRow("get").latency().p99Us();
        double srtf = a.rows().get(2).classRow("get").latency().p99Us();
        assertTrue(rtc > 10_000, "run to completion: GETs wait for SCANs, p99 " + rtc + " us");
        assertTrue(ps < rtc / 100, "processor sharing: GET p99 " + ps + " us against " + rtc);
        assertTrue(srtf < 50, "SRTF: GET p99 " + srtf + " us, a GET's 10 us and little more");
        for (Row r : a.rows()) {
            assertEquals(0, r.health().faults(), r.design());
            assertEquals(0, r.drops().total(), r.design());
        }
    }
}
