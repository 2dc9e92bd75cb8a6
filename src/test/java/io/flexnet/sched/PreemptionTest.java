package io.flexnet.sched;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flexnet.packet.DropReason;
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
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A preempted request resumes exactly where it stopped, on the same worker or another, and answers
 * byte for byte what it answers unpreempted; handlers that never yield, throw at a yield point, or
 * claim a preemption nobody asked for are contained with their slots returned.
 */
class PreemptionTest {
    private final ManualClock clock = new ManualClock(0);
    private final QuantumTimer timer = QuantumTimer.manual(clock);
    private final PacketPool pool = new PacketPool(64);
    private final Coroutines coroutines = new Coroutines(pool);
    private final TestLayer.Set layers = new TestLayer.Set();
    private final CoroutineQueue queue = new CoroutineQueue("requests", 16, CoroutineQueue.Concurrency.MPMC);
    private final Requeue back = co -> queue;

    @AfterEach
    void everySlotReturns() {
        layers.releaseSink();
        assertEquals(pool.capacity(), pool.available(), "every slot back in the pool");
    }

    /**
     * The handler under test: rewrites the payload in place, byte by byte, each byte mixed with a hash
     * of those before it, and costs a random 1-9 ns of scripted time per byte. Its whole state is the
     * progress word: the hash in the high half, the next byte's index in the low.
     */
    private final class Mixer implements PreemptibleApplication {
        final SplittableRandom cost;
        int slices;

        Mixer(long seed) { cost = new SplittableRandom(seed); }

        @Override
        public int onYield(Coroutine co, LayerContext cx) {
            slices++;
            Packet p = co.packet();
            long state = co.progress();
            int hash = (int) (state >>> 32);
            int i = (int) state;
            for (; i < p.payloadLength; i++) {
                long at = p.payloadOffset + i;
                byte b = p.segment().get(ValueLayout.JAVA_BYTE, at);
                p.segment().set(ValueLayout.JAVA_BYTE, at, (byte) (b ^ hash));
                hash = hash * 31 + b;
                clock.advance(1 + cost.nextInt(9));
                timer.tick(clock.nanoTime());
                if (i + 1 < p.payloadLength && cx.yieldPoint()) {
                    co.setProgress((long) hash << 32 | (i + 1));
                    return PREEMPTED;
                }
            }
            return ANSWER;
        }
    }

    private Packet request(byte[] payload) {
        Packet p = pool.allocate();
        p.segment().asSlice(p.offset, payload.length).copyFrom(java.lang.foreign.MemorySegment.ofArray(payload));
        p.length = payload.length;
        p.payloadOffset = p.offset;
        p.payloadLength = payload.length;
        return p;
    }

    private static byte[] replyOf(Packet p) {
        return p.segment().asSlice(p.offset, p.length).toArray(ValueLayout.JAVA_BYTE);
    }

    private Pipeline pipeline(Application app, boolean interpreted) {
        PipelineBuilder b = PipelineBuilder.rxTx("preempt", layers).queue(p -> 0, queue)
                .eth().ip().l4().yieldTo(app).l4().ip().eth();
        return (interpreted ? b.interpreted() : b).build();
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void preemptedRequestResumesExactlyAndRepliesByteIdentical(boolean interpreted) {
        SplittableRandom rng = new SplittableRandom(18);
        long preemptions = 0, moved = 0;
        for (int trial = 0; trial < 200; trial++) {
            byte[] payload = new byte[1 + rng.nextInt(300)];
            rng.nextBytes(payload);
            long seed = rng.nextLong();

            // Unpreempted: the same handler run to completion by a round-robin executor.
            Pipeline whole = pipeline(new Mixer(seed), interpreted);
            coroutines.of(request(payload)).start(whole, LayerContext.at(clock.nanoTime()));
            new RoundRobinExecutor(queue).doWork(new ExecContext(9));
            assertEquals(1, layers.sink.size());
            byte[] expected = replyOf(layers.sink.get(0));
            layers.releaseSink();

            // Preempted at random quanta, each slice on one of two workers picked at random.
            Mixer mixer = new Mixer(seed);
            Pipeline sliced = pipeline(mixer, interpreted);
            long length = 1 + rng.nextInt(200);
            Quantum[] quanta = {timer.quantum("w0", length), timer.quantum("w1", length)};
            ExecContext[] workers = {new ExecContext(0), new ExecContext(1)};
            Coroutine co = coroutines.of(request(payload));
            co.start(sliced, LayerContext.at(clock.nanoTime()));
            int last = -1;
            while (layers.sink.isEmpty()) {
                int w = rng.nextInt(2);
                if (last >= 0 && w != last) moved++;
                last = w;
                workers[w].setNow(clock.nanoTime());
                assertEquals(1, workers[w].resumeSlice(queue, quanta[w], back));
            }
            preemptions += mixer.slices - 1;
            assertEquals(mixer.slices - 1, co.preemptions());
            assertArrayEquals(expected, replyOf(layers.sink.get(0)), "trial " + trial + ", quantum " + length + " ns");
            layers.releaseSink();
            for (Quantum q : quanta) q.close();
            assertEquals(0, workers[0].internalFaults() + workers[1].internalFaults());
        }
        assertTrue(preemptions > 1_000, "requests were preempted: " + preemptions);
        assertTrue(moved > 100, "requests resumed on the other worker: " + moved);
        assertEquals(0, timer.size());
    }

    @Test
    void handlerThatNeverReachesAYieldPointRunsToCompletion() {
        Quantum q = timer.quantum("w0", 10);
        PreemptibleApplication stubborn = (co, cx) -> {
            for (int i = 0; i < 100; i++) {
                clock.advance(1);
                timer.tick(clock.nanoTime());
            }
            return Application.ANSWER;  // never polled cx.yieldPoint()
        };
        Pipeline pl = pipeline(stubborn, false);
        ExecContext ctx = new ExecContext(0);
        for (int i = 0; i < 3; i++) coroutines.of(request(new byte[] {1, 2, 3})).start(pl, LayerContext.at(0));
        for (int i = 0; i < 3; i++) {
            ctx.setNow(clock.nanoTime());
            assertEquals(1, ctx.resumeSlice(queue, q, back));
            assertEquals(i + 1, layers.sink.size(), "answered in one slice");
        }
        assertEquals(3, q.raised(), "its quantum expired every time, unheeded");
        assertTrue(queue.isEmpty());
        assertEquals(0, pl.faults().total());
        q.close();
    }

    @Test
    void aNewSliceStartsWithAFreshQuantum() {
        Quantum q = timer.quantum("w0", 10);
        int[] polls = {0};
        PreemptibleApplication app = (co, cx) -> {
            for (int i = 0; i < 5; i++) {
                clock.advance(1);
                timer.tick(clock.nanoTime());
                polls[0]++;
                if (cx.yieldPoint()) return Application.PREEMPTED;
            }
            return Application.ANSWER;
        };
        Pipeline pl = pipeline(app, false);
        Quantum stale = timer.quantum("stale", 1);
        ExecContext ctx = new ExecContext(0);
        ctx.setNow(0);
        coroutines.of(request(new byte[] {1})).start(pl, LayerContext.at(0));
        clock.advance(100);
        timer.tick(clock.nanoTime());  // nothing running: nothing raised
        ctx.setNow(clock.nanoTime());
        assertEquals(1, ctx.resumeSlice(queue, q, back));
        assertEquals(1, layers.sink.size(), "5 ns of work in a 10 ns quantum: not preempted");
        assertEquals(0, q.raised());
        q.close();
        stale.close();
    }

    @Test
    void handlerThrowingAtAYieldPointIsAnExtensionFaultAndItsSlotReturns() {
        Quantum q = timer.quantum("w0", 5);
        PreemptibleApplication app = (co, cx) -> {
            while (true) {
                clock.advance(1);
                timer.tick(clock.nanoTime());
                if (cx.yieldPoint()) throw new IllegalStateException("cannot save my state");
            }
        };
        Pipeline pl = pipeline(app, false);
        coroutines.of(request(new byte[] {1})).start(pl, LayerContext.at(0));
        Worker w = new Worker("w0", 0, clock, IdleStrategy.busySpin(), java.util.List.of(new ProcessorSharing(q, queue)));
        assertEquals(1, w.round(clock.nanoTime()));
        assertEquals(1, pl.faults().get("yield"));
        assertEquals(1, pl.drops().get(DropReason.EXTENSION_FAULT));
        assertTrue(queue.isEmpty());
        assertEquals(0, w.faults().total(), "contained in the step loop, not the worker");
        assertEquals(0, w.round(clock.nanoTime()), "and the worker goes on");
        q.close();
    }

    @Test
    void preemptedUnderAnExecutorThatDoesNotPreemptIsAnExtensionFault() {
        PreemptibleApplication liar = (co, cx) -> Application.PREEMPTED;
        for (boolean interpreted : new boolean[] {false, true}) {
            Pipeline pl = pipeline(liar, interpreted);
            coroutines.of(request(new byte[] {1})).start(pl, LayerContext.at(0));
            assertEquals(1, new RoundRobinExecutor(queue).doWork(new ExecContext(0)));
            assertEquals(1, pl.drops().get(DropReason.EXTENSION_FAULT), interpreted ? "interpreted" : "compiled");
            assertTrue(pl.lastFault().getMessage().contains("does not preempt"));
        }
    }

    @Test
    void preemptedRequestFindingItsQueueFullIsDroppedAndCounted() {
        CoroutineQueue small = new CoroutineQueue("small", 2, CoroutineQueue.Concurrency.MPMC);
        Quantum q = timer.quantum("w0", 3);
        Pipeline[] pl = new Pipeline[1];
        PreemptibleApplication app = (co, cx) -> {
            if (co.packet().userData == 0) {  // the first request fills the queue behind itself
                for (int i = 1; i <= 2; i++) {
                    Packet p = request(new byte[] {1});
                    p.userData = i;
                    coroutines.of(p).start(pl[0], LayerContext.at(0));
                }
            }
            while (true) {
                clock.advance(1);
                timer.tick(clock.nanoTime());
                if (co.packet().userData != 0) return Application.ANSWER;
                if (cx.yieldPoint()) return Application.PREEMPTED;
            }
        };
        pl[0] = PipelineBuilder.rxTx("small", layers).queue(p -> 0, small).eth().ip().l4().yieldTo(app).l4().ip().eth().build();
        coroutines.of(request(new byte[] {1})).start(pl[0], LayerContext.at(0));
        ExecContext ctx = new ExecContext(0);
        assertEquals(1, ctx.resumeSlice(small, q, co -> small));
        assertEquals(1, pl[0].drops().get(DropReason.QUEUE_FULL));
        while (ctx.resumeSlice(small, q, co -> small) > 0) { }
        assertEquals(2, layers.sink.size());
        q.close();
    }
}
