// Experiments on the simulated runtime: deterministic to the byte, the runtime named, queueing as theory says.
package io.flexnet.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SimulatedRunTest {
    static final String FILE = """
            name: sim
            workload:
              flows: 16
              seed: 3
              classes:
                - {name: lc, port: 9000, share: 3}
                - {name: batch, port: 9001, mix: {GET: 0.9, SCAN: 0.1}}
              service:
                GET: exponential 10us
                SCAN: fixed 100us
            loads: [20000, 40000]
            warmup: 20ms
            duration: 200ms
            runtime: {kind: simulated, cores: 4}
            designs:
              - {name: rtc, builtin: run-to-completion}
              - {name: iso, builtin: port-queues, params: {isolate: [9000]}}
              - {name: dedicated, builtin: snap, params: {mode: dedicated, cores: 1}}
              - {name: spreading, builtin: snap, params: {mode: spreading, cores: 3}}
              - {name: compacting, builtin: snap, params: {mode: compacting, cores: 3}}
              - {name: vanilla, builtin: socket-group, params: {threads: 3}}
              - {name: sita, builtin: socket-group, params: {policy: sita, threads: 2}}
              - {name: rr-poll, builtin: socket-group, params: {policy: round-robin, threads: 1, recv: busy-poll}}
              - {name: scan-avoid, builtin: socket-group, params: {policy: scan-avoid, threads: 3}}
            """;

    private static Results run(String text) throws Exception {
        return new Runner(null, null).run(ExperimentFile.parse("sim.yaml", text));
    }

    @Test
    void theSameFileAndSeedGiveTheSameResultsToTheByte() throws Exception {
        Results a = run(FILE), b = run(FILE);
        assertEquals(Report.csv(a), Report.csv(b));
        assertEquals(Report.table(a), Report.table(b));
        for (Row r : a.rows()) {
            assertEquals(0, r.health().faults(), r.design());
            assertEquals(0, r.health().leakedSlots(), r.design());
            assertEquals(0, r.drops().total(), r.design() + " " + r.drops().text());
            assertEquals(r.offeredRps(), r.achievedRps(), 0.1 * r.offeredRps(), r.design());
        }
    }

    /** Repetitions draw their own requests (seed + repetition): an interval, and still the same every time. */
    @Test
    void repetitionsDifferFromEachOtherButNotFromRunToRun() throws Exception {
        String file = FILE.substring(0, FILE.indexOf("designs:")).replace("loads: [20000, 40000]", "loads: [40000]")
                + "repetitions: 3\ndesigns:\n  - {name: rtc, builtin: run-to-completion}\n";
        Results a = run(file), b = run(file);
        Row r = a.rows().getFirst();
        assertEquals(3, r.spread().repetitions());
        assertTrue(r.spread().p99MaxUs() > r.spread().p99MinUs(), "repetitions gave the same p99");
        assertTrue(r.spread().p99Ci95Us() > 0);
        assertEquals(Report.csv(a), Report.csv(b));
    }

    @Test
    void anotherSeedGivesOtherResults() throws Exception {
        assertTrue(!Report.csv(run(FILE)).equals(Report.csv(run(FILE.replace("seed: 3", "seed: 4")))));
    }

    @Test
    void theHeaderNamesTheRuntime() throws Exception {
        String h = Report.header(run(FILE.replace("loads: [20000, 40000]", "loads: [1000]")));
        assertTrue(h.contains("runtime: simulated, 4 virtual cores"), h);
    }

    /**
     * One busy-polling engine with free stack costs and exponential service is M/M/1: the median
     * latency is ln 2 over (μ − λ). At 10 µs and 50,000 requests/s: 13.9 µs.
     */
    @Test
    void oneDedicatedEngineIsAnMM1Queue() throws Exception {
        String file = """
                name: mm1
                workload:
                  seed: 5
                  classes: [{name: get, port: 9000}]
                  service: {GET: exponential 10us}
                loads: [50000]
                warmup: 50ms
                duration: 2s
                runtime: {kind: simulated, cores: 2, cost: {layer: 0ns, suspension: 0ns, poll: 0ns, handoff: 0ns}}
                designs:
                  - {name: dedicated, builtin: snap, params: {mode: dedicated, cores: 1}}
                """;
        Row r = run(file).rows().getFirst();
        double expectedP50 = Math.log(2) / (1e5 - 5e4) * 1e6, expectedP99 = Math.log(100) / (1e5 - 5e4) * 1e6;
        assertEquals(expectedP50, r.latency().p50Us(), 0.03 * expectedP50, "p50");
        assertEquals(expectedP99, r.latency().p99Us(), 0.05 * expectedP99, "p99");
    }

    /**
     * Busy-polling threads beyond the cores share them by 3 ms slices, as on Linux: six socket
     * servers spinning and a NIC poller on four cores is not a bug of the simulation but of the design.
     */
    @Test
    void busyPollersBeyondTheCoresWaitForSlices() throws Exception {
        String file = FILE.substring(0, FILE.indexOf("designs:")).replace("loads: [20000, 40000]", "loads: [20000]")
                + "designs:\n  - {name: crowded, builtin: socket-group, params: {policy: round-robin, threads: 3, recv: busy-poll}}\n";
        Row r = run(file).rows().getFirst();
        assertEquals("crowded", r.design());
        assertTrue(r.latency().p99Us() > 3_000, "p99 " + r.latency().p99Us() + " us: threads waited for slices");
        assertEquals(4.0, r.cores().mean(), 0.01);
    }

    /** A design that starts a platform thread of its own, which virtual time cannot run. */
    public static final class ThreadedDesign implements Design {
        @Override
        public void assemble(DesignContext ctx) {
            io.flexnet.engine.Engine e = ctx.engine();
            ctx.bindRequestPorts();
            e.poll(0, e.rxTx("rtc").eth().ip().l4().yieldTo(ctx.server()).l4().ip().eth().build(), 32, "w",
                    new io.flexnet.sched.SleepUntilKicked());
            ctx.appThread("own", () -> { });
        }
    }

    @Test
    void designsWithApplicationThreadsAreRefusedWithAReason() {
        String file = FILE.replace("  - {name: rtc, builtin: run-to-completion}",
                "  - {name: own, class: io.flexnet.experiment.SimulatedRunTest$ThreadedDesign}");
        Exception e = org.junit.jupiter.api.Assertions.assertThrows(DesignFailedException.class, () -> run(file));
        assertTrue(e.getMessage().contains("simulated runtime"), e.getMessage());
    }
}
