// End to end on the in-memory NIC: every built-in design answers, latency is wired to the request's work, nothing leaks.
package io.flexnet.experiment;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.junit.jupiter.api.Test;

class RunnerTest {
    /** Short runs at a low rate: these tests check wiring and accounting, never speed. */
    static final String ALL_DESIGNS = """
            name: all-designs
            workload:
              flows: 16
              classes:
                - {name: lc, port: 9000, share: 3}
                - {name: batch, port: 9001, mix: {GET: 0.9, SCAN: 0.1}}
              service:
                GET: fixed 5us
                SCAN: fixed 50us
            loads: [2000]
            warmup: 100ms
            duration: 300ms
            designs:
              - {name: rtc, builtin: run-to-completion}
              - {name: rtc-spin, builtin: run-to-completion, params: {idle: spin}}
              - {name: iso, builtin: port-queues, params: {isolate: [9000]}}
              - {name: shared, builtin: port-queues, params: {workers: 2}}
              - {name: relocated, builtin: port-queues, params: {isolate: [9000], tx_workers: 2}}
              - {name: dedicated, builtin: snap, params: {mode: dedicated, cores: 1}}
              - {name: spreading, builtin: snap, params: {mode: spreading}}
              - {name: compacting, builtin: snap, params: {mode: compacting}}
              - {name: vanilla, builtin: socket-group}
              - {name: rr, builtin: socket-group, params: {policy: round-robin}}
              - {name: sita, builtin: socket-group, params: {policy: sita, threads: 3}}
              - {name: scan-avoid, builtin: socket-group, params: {policy: scan-avoid}}
              - {name: user-class, class: io.flexnet.experiment.EchoDesign, params: {workers: 2}}
              - {name: fcfs, builtin: preemptive, params: {discipline: fcfs}}
              - {name: ps, builtin: preemptive, params: {discipline: ps, quantum: 5us}}
              - {name: srtf, builtin: preemptive, params: {discipline: srtf, quantum: 5us, timer: spin}}
              - {name: las, builtin: preemptive, params: {discipline: las, quantum: 5us, workers: 2}}
              - {name: shinjuku, builtin: preemptive, params: {discipline: shinjuku, quantum: 10us, workers: 2}}
            """;

    @Test
    void everyBuiltInDesignAnswersAndAccountsForEveryRequest() throws Exception {
        Experiment x = ExperimentFile.parse("all-designs", ALL_DESIGNS);
        Results r = new Runner(null, null).prime(false).run(x);
        assertEquals(x.designs().size(), r.rows().size());
        for (Row row : r.rows()) {
            String d = row.design();
            assertEquals(0, row.health().faults(), d + ": no executor faults");
            assertEquals(0, row.health().leakedSlots(), d + ": every slot back in the pool");
            long sent = row.classes().stream().mapToLong(Row.ClassRow::sent).sum();
            assertTrue(sent > 300, d + ": ~600 requests in the window, sent " + sent);
            // Every measured request was answered, or counted as dropped under a reason.
            assertTrue(row.drops().unanswered() <= row.drops().total(),
                    d + ": unanswered " + row.drops().unanswered() + " > dropped " + row.drops().text());
            assertTrue(row.achievedRps() > 0, d + ": answered something");
            assertTrue(row.latency().p50Us() >= 5.0, d + ": no reply before its 5 us of work, p50 " + row.latency().p50Us());
            assertNotNull(row.classRow("lc"));
            assertNotNull(row.classRow("batch"));
            assertTrue(row.classRow("batch").latency().p99Us() >= 5.0);
        }
        for (String snap : List.of("dedicated", "spreading", "compacting")) {
            Row row = r.rows(snap).getFirst();
            assertFalse(Double.isNaN(row.cores().granted()), snap + " runs a core scheduler");
            assertTrue(row.cores().granted() >= 1 - 1e-9, snap + " grants at least one core: " + row.cores().granted());
        }
        assertTrue(Double.isNaN(r.rows("rtc").getFirst().cores().granted()), "no scheduler, no grants");
        for (Row row : r.rows()) assertTrue(row.cores().mean() >= 0, row.design() + " cores " + row.cores().mean());
    }

    @Test
    void latencyOfAFixedServiceTimeIsAtLeastThatTime() throws Exception {
        // Fixed 2 ms of work per request at 100 requests/s: the stack is idle between requests, so the
        // median reply takes 2 ms plus the stack's own path. Only the lower bound is exact; the upper
        // bound merely says the wiring does not measure from some other origin.
        Experiment x = ExperimentFile.parse("fixed", """
                name: fixed
                workload:
                  arrivals: uniform
                  classes: [{name: only, port: 7000}]
                  service: {GET: fixed 2ms}
                loads: [100]
                warmup: 50ms
                duration: 600ms
                designs: [{name: rtc, builtin: run-to-completion}]
                """);
        Results r = new Runner(null, null).prime(false).run(x);
        Row row = r.rows().getFirst();
        assertTrue(row.latency().p50Us() >= 2000, "p50 " + row.latency().p50Us() + " us is at least the 2 ms of work");
        assertTrue(row.latency().p50Us() < 2000 + 1_000_000, "p50 " + row.latency().p50Us() + " us: measured from the intended send time");
        RunResult run = r.runs().getFirst();
        assertTrue(run.latency()[0].getMinValue() >= 2_000_000, "even the fastest reply took the work");
        assertEquals(60, run.sent()[0], 1, "uniform arrivals: 100/s for 600 ms");
        assertEquals(0, row.health().leakedSlots());
    }
}
