package io.flexnet.sched;

import static org.junit.jupiter.api.Assertions.*;

import io.flexnet.packet.Packet;
import io.flexnet.packet.PacketPool;
import io.flexnet.pipeline.Coroutine;
import io.flexnet.pipeline.CoroutineQueue;
import io.flexnet.pipeline.Coroutines;
import io.flexnet.pipeline.Pipeline;
import io.flexnet.pipeline.PipelineBuilder;
import io.flexnet.pipeline.TestLayer;
import io.flexnet.proto.LayerContext;
import io.flexnet.runtime.ManualClock;
import io.flexnet.runtime.StackRuntime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A worker's rounds driven by hand at chosen times, on the test thread, as a simulated core drives them. */
class WorkerRoundTest {
    private final PacketPool pool = new PacketPool(64);
    private final Coroutines coroutines = new Coroutines(pool);
    private final TestLayer.Set layers = new TestLayer.Set();
    private final CoroutineQueue a = new CoroutineQueue("a", 16);
    private final CoroutineQueue b = new CoroutineQueue("b", 16);
    /** The rounds' times; the worker's runtime refuses to be asked for one. */
    private final ManualClock clock = new ManualClock(1_000);

    @AfterEach
    void poolIsFullAgain() {
        layers.releaseSink();
        assertEquals(pool.capacity(), pool.available());
    }

    private void park(CoroutineQueue q, int n) {
        Pipeline pl = PipelineBuilder.rx("park-" + q.name(), layers).queue(p -> 0, q).eth().ip().l4().socket().build();
        for (int i = 0; i < n; i++) {
            Packet p = pool.allocate();
            assertEquals(Coroutine.SUSPENDED, coroutines.of(p).start(pl, LayerContext.at(clock.nanoTime())));
        }
    }

    /** One from each queue per call, noting the time each call was given. */
    private final class Recording implements Executor {
        final List<Long> calledAt = new ArrayList<>();

        @Override
        public int doWork(ExecContext ctx) {
            calledAt.add(ctx.now());
            return ctx.resume(a, 1) + ctx.resume(b, 1);
        }

        @Override public List<CoroutineQueue> queues() { return List.of(a, b); }
    }

    private static Worker worker(Executor... executors) {
        return new Worker("r0", 0, NO_CLOCK, IdleStrategy.busySpin(), List.of(executors));
    }

    private int roundAt(Worker w, long t) {
        clock.set(t);
        return w.round(clock.nanoTime());
    }

    @Test
    void busyAndTotalTimeAreExactlyWhatTheRoundTimesImply() {
        Recording ex = new Recording();
        Worker w = worker(ex);
        park(a, 2);
        park(b, 1);
        assertEquals(2, roundAt(w, 1_000));   // one from a, one from b
        assertEquals(1, roundAt(w, 1_250));   // a's second
        assertEquals(0, roundAt(w, 1_700));
        assertEquals(0, roundAt(w, 2_000));
        park(b, 1);
        assertEquals(1, roundAt(w, 2_900));
        assertEquals(0, roundAt(w, 3_000));

        // A round's span runs to the next round's start: busy = 1000→1250, 1250→1700, 2900→3000.
        assertEquals(250 + 450 + 100, w.busyNanos());
        assertEquals(3_000 - 1_000, w.totalNanos());
        assertEquals(List.of(1_000L, 1_250L, 1_700L, 2_000L, 2_900L, 3_000L), ex.calledAt);
        assertEquals(4, layers.sink.size());
        assertFalse(w.lastRoundRevoked());
    }

    @Test
    void aRevokedWorkersRoundDoesNoWorkButCountsItsTime() {
        Recording ex = new Recording();
        Worker w = worker(ex);
        park(a, 1);
        park(b, 1);
        w.setGranted(false);
        assertEquals(0, roundAt(w, 1_000));
        assertEquals(0, roundAt(w, 1_100));
        assertTrue(w.lastRoundRevoked());
        assertTrue(ex.calledAt.isEmpty(), "a revoked round calls no executor");
        assertEquals(1, a.depth());
        assertEquals(1, b.depth());
        assertTrue(w.hasWork());
        assertEquals(0, layers.sink.size());

        w.setGranted(true);
        assertEquals(2, roundAt(w, 1_300));
        assertFalse(w.lastRoundRevoked());
        assertEquals(0, roundAt(w, 1_400));
        assertEquals(List.of(1_300L, 1_400L), ex.calledAt);
        assertEquals(100, w.busyNanos());            // only 1300→1400 followed work
        assertEquals(400, w.totalNanos());           // revoked rounds still count toward the total
    }

    @Test
    void aThrowingExecutorIsCountedAndTheNextStillRunsInTheSameRound() {
        IllegalStateException boom = new IllegalStateException("faulty executor");
        Executor faulty = new Executor() {
            public int doWork(ExecContext ctx) { throw boom; }
            public List<CoroutineQueue> queues() { return List.of(); }
        };
        Recording ex = new Recording();
        Worker w = worker(faulty, ex);
        park(a, 2);
        park(b, 2);
        assertEquals(2, roundAt(w, 1_000));
        assertEquals(1, w.faults().get(0));
        assertEquals(0, w.faults().get(1));
        assertSame(boom, w.lastFault());
        assertEquals(List.of(1_000L), ex.calledAt);
        assertEquals(2, roundAt(w, 1_500));
        assertEquals(2, w.faults().get(0));
        assertEquals(4, layers.sink.size());
        assertEquals(500, w.busyNanos());
    }

    /** A runtime for rounds that must need none of it: any call for time or threads fails the test. */
    private static final StackRuntime NO_CLOCK = new StackRuntime() {
        public long nanoTime() { throw new AssertionError("a round read the clock"); }
        public Thread newThread(String name, Runnable body) { throw new AssertionError("a round started a thread"); }
        public void park(long nanos) { throw new AssertionError("a round parked"); }
        public void unpark(Thread thread) { throw new AssertionError("a round unparked"); }
        public void spinWait() { throw new AssertionError("a round spun"); }
        public void yieldThread() { throw new AssertionError("a round yielded"); }
        public boolean pin(int core) { return false; }
        public int currentCore() { return -1; }
        public int cores() { return 1; }
    };
}
