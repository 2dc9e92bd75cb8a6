package io.flexnet.sched;

import io.flexnet.proto.LayerContext;
import static org.junit.jupiter.api.Assertions.assertEquals;

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

/**
 * Drives a {@link CoreScheduler} step by step on virtual time over real coroutine queues and
 * {@link FakeWorker}s, so a test scripts depth, age, arrivals and busy time period by period.
 */
final class CoreRig implements AutoCloseable {
    static final long PERIOD = 5_000;

    final PacketPool pool = new PacketPool(4096);
    final Coroutines coroutines = new Coroutines(pool);
    final TestLayer.Set layers = new TestLayer.Set();
    final List<CoroutineQueue> queues = new ArrayList<>();
    final List<Pipeline> pipelines = new ArrayList<>();
    final List<FakeWorker> workers = new ArrayList<>();
    final CoreScheduler scheduler;
    private final Coroutine[] drained = new Coroutine[4096];
    long now = 1_000_000_000L;

    CoreRig(CorePolicy policy, int queueCount, int workerCount, int... cores) {
        for (int q = 0; q < queueCount; q++) {
            CoroutineQueue queue = new CoroutineQueue("q" + q, 4096);
            queues.add(queue);
            pipelines.add(PipelineBuilder.rx("p" + q, layers).queue(p -> 0, queue).eth().ip().l4().socket().build());
        }
        for (int w = 0; w < workerCount; w++) workers.add(new FakeWorker());
        scheduler = CoreScheduler.builder(RealRuntime.INSTANCE, policy).workers(workers).queues(queues)
                .cores(cores).periodNanos(PERIOD).build();
    }

    FakeWorker worker(int w) { return workers.get(w); }

    /** Parks {@code n} coroutines in queue {@code q}, suspended {@code age} ns before now. */
    CoreRig add(int q, int n, long age) {
        for (int i = 0; i < n; i++) {
            Packet p = pool.allocate();
            coroutines.of(p).start(pipelines.get(q), LayerContext.at(now - age));
        }
        return this;
    }

    CoreRig add(int q, int n) { return add(q, n, 0); }

    /** Resumes up to {@code n} of queue {@code q}'s oldest coroutines, as a worker would. */
    CoreRig take(int q, int n) {
        int got = queues.get(q).drain(drained, 0, n, now);
        for (int i = 0; i < got; i++) {
            drained[i].resume(LayerContext.at(now));
            drained[i] = null;
        }
        layers.releaseSink();
        return this;
    }

    CoreRig takeAll(int q) { return take(q, drained.length); }

    /** Lets one period pass for the workers, then runs the scheduler's period at the new time. */
    CoreRig period() {
        for (FakeWorker w : workers) w.advance(PERIOD);
        now += PERIOD;
        scheduler.step(now);
        return this;
    }

    CoreRig periods(int n) {
        for (int i = 0; i < n; i++) period();
        return this;
    }

    /**
     * The first step: the scheduler takes the workers over (revokes them all), the policy grants its
     * starting cores and runs its first period. Grant and revoke counts restart after it, so a test
     * counts the policy's own decisions.
     */
    CoreRig begin() {
        scheduler.step(now);
        for (FakeWorker w : workers) {
            w.grants = 0;
            w.revokes = 0;
        }
        return this;
    }

    int granted() { return scheduler.coresGranted(); }

    boolean granted(int w) { return scheduler.signals().granted(w); }

    @Override
    public void close() {
        for (int q = 0; q < queues.size(); q++) takeAll(q);
        assertEquals(pool.capacity(), pool.available(), "every slot back in the pool");
        pool.close();
    }
}
