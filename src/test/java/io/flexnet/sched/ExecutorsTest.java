package io.flexnet.sched;

import io.flexnet.proto.LayerContext;
import static org.junit.jupiter.api.Assertions.*;

import io.flexnet.packet.Packet;
import io.flexnet.packet.PacketPool;
import io.flexnet.pipeline.Coroutine;
import io.flexnet.pipeline.CoroutineQueue;
import io.flexnet.pipeline.Coroutines;
import io.flexnet.pipeline.Pipeline;
import io.flexnet.pipeline.PipelineBuilder;
import io.flexnet.pipeline.TestLayer;
import io.flexnet.runtime.RealRuntime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The built-in executors' choices, driven by hand on the test thread. */
class ExecutorsTest {
    private final PacketPool pool = new PacketPool(256);
    private final Coroutines coroutines = new Coroutines(pool);
    private final TestLayer.Set layers = new TestLayer.Set();
    private final ExecContext ctx = new ExecContext(0);

    @AfterEach
    void poolIsFullAgain() {
        layers.releaseSink();
        assertEquals(pool.capacity(), pool.available());
    }

    /** Parks {@code n} packets tagged with {@code tag} (in userData) in {@code q}. */
    private void park(CoroutineQueue q, int n, long tag) {
        Pipeline pl = PipelineBuilder.rx("park-" + q.name(), layers).queue(p -> 0, q).eth().ip().l4().socket().build();
        for (int i = 0; i < n; i++) {
            Packet p = pool.allocate();
            p.userData = tag;
            assertEquals(Coroutine.SUSPENDED, coroutines.of(p).start(pl, LayerContext.at(0)));
        }
    }

    private List<Long> delivered() {
        List<Long> tags = new ArrayList<>();
        for (Packet p : layers.sink) tags.add(p.userData);
        return tags;
    }

    @Test
    void roundRobinTakesOneFromEachQueuePerCall() {
        CoroutineQueue a = new CoroutineQueue("a", 8), b = new CoroutineQueue("b", 8);
        park(a, 3, 1);
        park(b, 1, 2);
        RoundRobinExecutor rr = new RoundRobinExecutor(a, b);
        assertEquals(2, rr.doWork(ctx));
        assertEquals(List.of(1L, 2L), delivered());
        assertEquals(1, rr.doWork(ctx));
        assertEquals(1, rr.doWork(ctx));
        assertEquals(0, rr.doWork(ctx));
    }

    @Test
    void strictPriorityServesLowerQueuesOnlyWhenHigherAreEmpty() {
        CoroutineQueue hi = new CoroutineQueue("hi", 8), lo = new CoroutineQueue("lo", 8);
        park(lo, 2, 2);
        park(hi, 3, 1);
        StrictPriority sp = new StrictPriority(2, hi, lo);
        while (sp.doWork(ctx) > 0) { }
        assertEquals(List.of(1L, 1L, 1L, 2L, 2L), delivered());
    }

    @Test
    void workStealingTakesFromTheDeepestOtherQueueWhenItsOwnIsEmpty() {
        CoroutineQueue own = new CoroutineQueue("own", 16), x = new CoroutineQueue("x", 16), y = new CoroutineQueue("y", 16);
        park(own, 1, 0);
        park(x, 2, 1);
        park(y, 8, 2);
        WorkStealing ws = new WorkStealing(own, 8, x, y);
        assertEquals(1, ws.doWork(ctx));
        assertEquals(4, ws.doWork(ctx));  // half of y's 8
        assertEquals(List.of(0L, 2L, 2L, 2L, 2L), delivered());
        assertEquals(4, ws.stolen());
        while (ws.doWork(ctx) > 0) { }
        assertEquals(11, layers.sink.size());
    }

    @Test
    void busyPollBatchResumesUpToItsBatch() {
        CoroutineQueue q = new CoroutineQueue("q", 64);
        park(q, 20, 0);
        BusyPollBatch b = new BusyPollBatch(q, 8, 0, RealRuntime.INSTANCE);
        assertEquals(8, b.doWork(ctx));
        assertEquals(8, b.doWork(ctx));
        assertEquals(4, b.doWork(ctx));
        assertEquals(0, b.doWork(ctx));
    }

    @Test
    void busyPollBatchWaitsBoundedlyForAFullBatch() throws Exception {
        CoroutineQueue q = new CoroutineQueue("q", 64);
        park(q, 3, 0);
        BusyPollBatch b = new BusyPollBatch(q, 8, 2_000_000, RealRuntime.INSTANCE);
        ctx.setNow(System.nanoTime());
        assertEquals(3, b.doWork(ctx));  // nothing more arrives: gives up after the bound
    }
}
