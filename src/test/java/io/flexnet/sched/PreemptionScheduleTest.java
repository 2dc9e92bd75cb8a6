package io.flexnet.sched;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flexnet.packet.Packet;
import io.flexnet.packet.PacketPool;
import io.flexnet.pipeline.Application;
import io.flexnet.pipeline.Coroutine;
import io.flexnet.pipeline.CoroutineQueue;
import io.flexnet.pipeline.Coroutines;
import io.flexnet.pipeline.Pipeline;
import io.flexnet.pipeline.PipelineBuilder;
import io.flexnet.pipeline.PreemptibleApplication;
import io.flexnet.pipeline.TestLayer;
import io.flexnet.proto.LayerContext;
import io.flexnet.runtime.ManualClock;
import io.flexnet.runtime.Quantum;
import io.flexnet.runtime.QuantumTimer;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The slides' scheduling example on a scripted clock: jobs B(0,50), A(20,10), C(40,10), D(50,50) run
 * through a real pipeline by the real executors, one worker, the quantum raised by a timer ticked at
 * every unit of work. FCFS and SRTF must give the slides' table exactly; processor sharing and least
 * attained service give the figures worked out by hand in each test.
 */
class PreemptionScheduleTest {
    /** One unit of the slides' time, in nanoseconds: the quantum of 10 units is 10 µs. */
    private static final long UNIT = 1_000;

    private record Job(String name, long arrival, long service) {}

    private static final List<Job> JOBS = List.of(
            new Job("B", 0, 50), new Job("A", 20, 10), new Job("C", 40, 10), new Job("D", 50, 50));

    /** Finish times in units, in {@link #JOBS}' order. */
    private static final class Run {
        final long[] finish = new long[JOBS.size()];
        double turnaround() {
            double sum = 0;
            for (int i = 0; i < finish.length; i++) sum += finish[i] - JOBS.get(i).arrival;
            return sum / finish.length;
        }
        double waiting() {
            double sum = 0;
            for (int i = 0; i < finish.length; i++) sum += finish[i] - JOBS.get(i).arrival - JOBS.get(i).service;
            return sum / finish.length;
        }
    }

    /**
     * Runs the four jobs on one worker whose executor {@code make} builds from (quantum, input queue,
     * levels). Every unit of work advances the clock, admits the jobs due, and ticks the timer; the
     * application then polls its yield point.
     */
    private Run run(long quantumUnits, Function<Object[], Executor> make) {
        ManualClock clock = new ManualClock(0);
        QuantumTimer timer = QuantumTimer.manual(clock);
        Quantum quantum = timer.quantum("w0", quantumUnits * UNIT);
        PacketPool pool = new PacketPool(16);
        Coroutines coroutines = new Coroutines(pool);
        TestLayer.Set layers = new TestLayer.Set();
        CoroutineQueue input = new CoroutineQueue("input", 16, CoroutineQueue.Concurrency.SPSC);
        CoroutineQueue[] levels = new CoroutineQueue[8];
        for (int i = 0; i < levels.length; i++) levels[i] = new CoroutineQueue("level" + i, 16, CoroutineQueue.Concurrency.SPSC);
        Run run = new Run();
        LayerContext arrivals = new LayerContext();
        int[] admitted = {0};
        Runnable admitDue = () -> {
            long now = clock.nanoTime();
            while (admitted[0] < JOBS.size() && JOBS.get(admitted[0]).arrival * UNIT <= now) {
                Packet p = pool.allocate();
                p.userData = admitted[0]++;
                p.payloadOffset = p.offset;
                p.payloadLength = 0;
                arrivals.setNow(now);
                assertEquals(Coroutine.SUSPENDED, coroutines.of(p).start(pipelineHolder[0], arrivals));
            }
        };
        PreemptibleApplication app = (co, cx) -> {
            int job = (int) co.packet().userData;
            long service = JOBS.get(job).service;
            long done = co.progress();
            while (true) {
                clock.advance(UNIT);
                done++;
                admitDue.run();
                timer.tick(clock.nanoTime());
                if (done == service) break;
                if (cx.yieldPoint()) {
                    co.setProgress(done);
                    return Application.PREEMPTED;
                }
            }
            run.finish[job] = clock.nanoTime() / UNIT;
            return Application.ANSWER;
        };
        pipelineHolder[0] = PipelineBuilder.rxTx("schedule", layers).queue(p -> 0, input)
                .eth().ip().l4().yieldTo(app).l4().ip().eth().build();
        Executor ex = make.apply(new Object[] {quantum, input, levels});
        Worker w = new Worker("w0", 0, clock, IdleStrategy.busySpin(), List.of(ex));
        admitDue.run();
        for (int guard = 0; layers.sink.size() < JOBS.size(); guard++) {
            assertTrue(guard < 1_000, "the jobs finish");
            if (w.round(clock.nanoTime()) == 0) {
                clock.set(JOBS.get(admitted[0]).arrival * UNIT);  // idle until the next arrival
                admitDue.run();
            }
        }
        assertEquals(0, w.faults().total());
        layers.releaseSink();
        assertEquals(pool.capacity(), pool.available(), "every slot returned");
        quantum.close();
        return run;
    }

    private final Pipeline[] pipelineHolder = new Pipeline[1];

    private static Quantum quantum(Object[] a) { return (Quantum) a[0]; }
    private static CoroutineQueue input(Object[] a) { return (CoroutineQueue) a[1]; }
    private static CoroutineQueue[] levels(Object[] a) { return (CoroutineQueue[]) a[2]; }

    private static long[] finish(long b, long a, long c, long d) { return new long[] {b, a, c, d}; }

    @Test
    void firstComeFirstServedGivesTheSlidesTable() {
        Run r = run(10, a -> new RoundRobinExecutor(input(a)));
        assertEquals(List.of(50L, 60L, 70L, 120L), List.of(r.finish[0], r.finish[1], r.finish[2], r.finish[3]));
        assertEquals(47.5, r.turnaround());
        assertEquals(17.5, r.waiting());
    }

    @Test
    void shortestRemainingTimeFirstGivesTheSlidesTable() {
        Run r = run(10, a -> new ShortestRemaining(quantum(a),
                ShortestRemaining.Rank.remaining(p -> JOBS.get((int) p.userData).service * UNIT, 10 * UNIT),
                levels(a), input(a)));
        assertEquals(List.of(70L, 30L, 50L, 120L), List.of(r.finish[0], r.finish[1], r.finish[2], r.finish[3]));
        assertEquals(40.0, r.turnaround());
        assertEquals(10.0, r.waiting());
    }

    /**
     * Round robin, quantum 10; a job preempted when another arrives goes behind it. B runs 0-20 alone,
     * A 20-30 (done), B 30-40, C 40-50 (done), B 50-60, D 60-70, B 70-80 (done: 50), D 80-120.
     * Turnaround (80 + 10 + 10 + 70) / 4 = 42.5, waiting (30 + 0 + 0 + 20) / 4 = 12.5.
     */
    @Test
    void processorSharingWithQuantumTen() {
        Run r = run(10, a -> new ProcessorSharing(quantum(a), input(a)));
        assertEquals(List.of(80L, 30L, 50L, 120L), List.of(r.finish[0], r.finish[1], r.finish[2], r.finish[3]));
        assertEquals(42.5, r.turnaround());
        assertEquals(12.5, r.waiting());
    }

    /**
     * Round robin, quantum 5. B 0-20; A 20-25, B 25-30, A 30-35 (done); B 35-40; C 40-45, B 45-50;
     * queue C D B: C 50-55 (done); then D and B alternate 55-85, B done at 85 (0-20, 25-30, 35-40,
     * 45-50, 60-65, 70-75, 80-85); D alone 85-120. Turnaround (85 + 15 + 15 + 70) / 4 = 46.25,
     * waiting (35 + 5 + 5 + 20) / 4 = 16.25.
     */
    @Test
    void processorSharingWithQuantumFive() {
        Run r = run(5, a -> new ProcessorSharing(quantum(a), input(a)));
        assertEquals(List.of(85L, 35L, 55L, 120L), List.of(r.finish[0], r.finish[1], r.finish[2], r.finish[3]));
        assertEquals(46.25, r.turnaround());
        assertEquals(16.25, r.waiting());
    }

    /**
     * Least attained service, quantum 10, FIFO among equals. B 0-20; A 20-30 (done); B 30-40; C 40-50
     * (done); D 50-80 (it has least); at 80 B and D have 30 each, B waited longer: B 80-90; D 90-100;
     * B 100-110 (done); D 110-120. Turnaround (110 + 10 + 10 + 70) / 4 = 50, waiting (60 + 0 + 0 + 20) / 4 = 20.
     */
    @Test
    void leastAttainedServiceWithQuantumTen() {
        Run r = run(10, a -> new ShortestRemaining(quantum(a), ShortestRemaining.Rank.attained(), levels(a), input(a)));
        assertEquals(List.of(110L, 30L, 50L, 120L), List.of(r.finish[0], r.finish[1], r.finish[2], r.finish[3]));
        assertEquals(50.0, r.turnaround());
        assertEquals(20.0, r.waiting());
    }
}
