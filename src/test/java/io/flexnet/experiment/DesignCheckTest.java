package io.flexnet.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flexnet.engine.Engine;
import io.flexnet.pipeline.CoroutineQueue;
import io.flexnet.sched.SleepUntilKicked;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class DesignCheckTest {
    /** Parks every frame in 'bulk', which no worker drains. */
    public static final class Forgotten implements Design {
        @Override
        public void assemble(DesignContext ctx) {
            Engine e = ctx.engine();
            ctx.bindRequestPorts();
            CoroutineQueue bulk = e.queue("bulk", 64, CoroutineQueue.Concurrency.MPSC);
            e.poll(0, e.rxTx("forgotten").queue(p -> 0, bulk).eth().ip().l4().yieldTo(ctx.server()).l4().ip().eth().build(),
                    32, "poller", new SleepUntilKicked());
        }
    }

    /** A selector that says it picks among three queues, at a point that has two, both drained. */
    public static final class Miscounted implements Design {
        @Override
        public void assemble(DesignContext ctx) {
            Engine e = ctx.engine();
            ctx.bindRequestPorts();
            CoroutineQueue a = e.queue("a", 64, CoroutineQueue.Concurrency.MPSC), b = e.queue("b", 64, CoroutineQueue.Concurrency.MPSC);
            io.flexnet.pipeline.Selector three = new io.flexnet.pipeline.Selector() {
                @Override public int select(io.flexnet.packet.Packet p) { return p.flowHash % 3; }
                @Override public int range() { return 3; }
            };
            io.flexnet.pipeline.Pipeline rx = e.rxTx("miscounted").queue(three, a, b).eth().ip().l4().yieldTo(ctx.server())
                    .l4().ip().eth().build();
            e.poll(0, rx, 32, "poller", new SleepUntilKicked());
            e.worker("w", new SleepUntilKicked(), new io.flexnet.sched.RoundRobinExecutor(a, b));
        }
    }

    private static final String FILE = """
            name: check
            workload:
              seed: 5
              classes: [{name: get, port: 9000}]
              service: {GET: exponential 10us}
            loads: [80000, 125000]
            warmup: 20ms
            duration: 500ms
            runtime: {kind: simulated, cores: 2}
            designs:
              - {name: dedicated, builtin: snap, params: {mode: dedicated, cores: 1}}
            """;

    @Test
    void aQueueNoExecutorDrainsIsNamed() throws Exception {
        Experiment x = ExperimentFile.parse("c.yaml", FILE.replace("builtin: snap, params: {mode: dedicated, cores: 1}",
                "class: io.flexnet.experiment.DesignCheckTest$Forgotten"));
        DesignCheck.Verdict v = DesignCheck.check(x).getFirst();
        assertEquals(List.of("queue 'bulk' has no executor: its coroutines would wait forever"), v.problems());
    }

    @Test
    void aSelectorWhoseRangeDiffersFromItsQueuesIsNamed() throws Exception {
        Experiment x = ExperimentFile.parse("c.yaml", FILE.replace("builtin: snap, params: {mode: dedicated, cores: 1}",
                "class: io.flexnet.experiment.DesignCheckTest$Miscounted"));
        DesignCheck.Verdict v = DesignCheck.check(x).getFirst();
        assertEquals(1, v.problems().size(), v.problems().toString());
        assertTrue(v.problems().getFirst().startsWith("pipeline 'miscounted' step 0 queue(2 queues): its selector chooses among 3 "
                + "queues but the point has 2"), v.problems().getFirst());
    }

    /**
     * Per queue: in tenant-flood's per-tenant design the calm port's queue takes 1 us of service per
     * request and the flood's 90 us, each with one worker, so the flood's queue saturates at 11,111
     * requests/s while the design as a whole would not before 21,978. The simulator agrees: nothing
     * dropped at 10,000, the flood's queue its backlog growing without end at 20,000.
     */
    @Test
    void eachQueuesSaturationIsNamedAndTheSimulatorAgrees() throws Exception {
        String text = java.nio.file.Files.readString(Path.of("examples/sim/tenant-flood.yaml"))
                .replace("loads: [5000, 10000, 20000, 50000, 100000]", "loads: [10000, 20000]")
                .replace("repetitions: 3", "repetitions: 1").replace("duration: 500ms", "duration: 300ms");
        text = text.substring(0, text.indexOf("designs:"))
                + "designs:\n  - {name: per-tenant, builtin: port-queues, params: {isolate: [9000], workers: 1}}\n";
        Experiment x = ExperimentFile.parse("tenant-flood.yaml", text);
        DesignCheck.Verdict v = DesignCheck.check(x).getFirst();
        assertEquals(2, v.queues().size(), v.queues().toString());
        DesignCheck.QueueVerdict calm = v.queues().get(0), flood = v.queues().get(1);
        assertEquals("port9000", calm.queue());
        assertEquals(1_000_000, calm.saturationRps(), 1);
        assertEquals("shared", flood.queue());
        assertEquals(11_111, flood.saturationRps(), 1);
        assertEquals(List.of("20,000 req/s (utilisation 1.80)"), flood.unstableLoads());
        assertTrue(DesignCheck.text(List.of(v)).contains("queue 'shared': 90.00 us of service per request, 1 worker: saturates at 11,111 req/s"),
                DesignCheck.text(List.of(v)));
        Results r = new Runner(null, null).run(x);
        Row.ClassRow below = r.rows().get(0).classRow("flood"), above = r.rows().get(1).classRow("flood");
        assertTrue(below.latency().p99Us() < 20_000, "below its saturation the flood's queue keeps up: p99 "
                + below.latency().p99Us() + " us");
        assertTrue(above.latency().p99Us() > 100_000, "above it the backlog grows for the whole run: p99 "
                + above.latency().p99Us() + " us");
    }

    /** The predicted saturation load against the simulator's: stable below it, overloaded above. */
    @Test
    void predictedSaturationMatchesTheSimulator() throws Exception {
        Experiment x = ExperimentFile.parse("c.yaml", FILE);
        DesignCheck.Verdict v = DesignCheck.check(x).getFirst();
        assertEquals(100_000, v.saturationRps(), 1);
        assertEquals(1, v.unstableLoads().size());
        assertTrue(v.unstableLoads().getFirst().startsWith("125,000"), v.unstableLoads().toString());
        Results r = new Runner(null, null).run(x);
        Row below = r.rows().get(0), above = r.rows().get(1);
        assertEquals(below.offeredRps(), below.achievedRps(), 0.03 * below.offeredRps());
        assertEquals(0, below.drops().total());
        assertTrue(below.latency().p99Us() < 1_000, "stable at 80% of the predicted limit: p99 " + below.latency().p99Us());
        // Above the limit the queue grows until it overflows: requests are dropped, the tail explodes.
        assertTrue(above.drops().total() > 0, "no drops at 125% of the predicted limit");
        assertTrue(above.latency().p99Us() > 10 * below.latency().p99Us(), "p99 " + above.latency().p99Us());
    }

    @Test
    void syrupFigure2sRoundRobinSaturatesAtSixServersOverElevenMicroseconds() throws Exception {
        Experiment x = ExperimentFile.load(Path.of("examples/sim/syrup-fig2.yaml"));
        for (DesignCheck.Verdict v : DesignCheck.check(x)) {
            assertTrue(v.problems().isEmpty(), v.problems().toString());
            assertEquals(6, v.servers(), v.design());
            assertEquals(6 / 11e-6, v.saturationRps(), 1, v.design());
        }
    }
}
