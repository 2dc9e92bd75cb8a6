package io.flexnet.sched;

import io.flexnet.proto.LayerContext;
import static org.junit.jupiter.api.Assertions.*;

import io.flexnet.packet.Packet;
import io.flexnet.packet.PacketPool;
import io.flexnet.pipeline.CoroutineQueue;
import io.flexnet.pipeline.Coroutines;
import io.flexnet.pipeline.Pipeline;
import io.flexnet.pipeline.PipelineBuilder;
import io.flexnet.pipeline.TestLayer;
import io.flexnet.proto.LayerKind;
import io.flexnet.runtime.RealRuntime;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WorkerTest {
    private final PacketPool pool = new PacketPool(1024);
    private final Coroutines coroutines = new Coroutines(pool);
    private final TestLayer.Set layers = new TestLayer.Set();
    private Worker worker;

    @AfterEach
    void stopAndCheckPool() throws InterruptedException {
        if (worker != null) assertTrue(worker.stop(2000));
        layers.releaseSink();
        assertEquals(pool.capacity(), pool.available());
    }

    private static void await(java.util.function.BooleanSupplier cond) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() > deadline) fail("condition not reached within 5 s");
            Thread.sleep(1);
        }
    }

    private void inject(Pipeline pl, int n) {
        for (int i = 0; i < n; i++) {
            Packet p = pool.allocate();
            coroutines.of(p).start(pl, LayerContext.at(System.nanoTime()));
        }
    }

    @Test
    void layersAfterTheQueueRunOnTheWorkerThread() throws Exception {
        CoroutineQueue q = new CoroutineQueue("q", 256);
        Pipeline pl = PipelineBuilder.rx("w", layers).eth().queue(p -> 0, q).ip().l4().socket().build();
        worker = new Worker("w0", 0, RealRuntime.INSTANCE, IdleStrategy.busySpin(), List.of(new RoundRobinExecutor(q)));
        worker.start();
        inject(pl, 100);
        await(() -> layers.sink.size() == 100);
        String me = Thread.currentThread().getName();
        assertTrue(layers.get(LayerKind.ETH_RCV).threads.stream().allMatch(me::equals));
        assertTrue(layers.get(LayerKind.IP_RCV).threads.stream().allMatch("flexnet-w0"::equals));
        assertTrue(layers.get(LayerKind.SOCKET_RCV).threads.stream().allMatch("flexnet-w0"::equals));
    }

    @Test
    void sleepingWorkerIsWokenByAnEnqueue() throws Exception {
        CoroutineQueue q = new CoroutineQueue("q", 256);
        Pipeline pl = PipelineBuilder.rx("s", layers).queue(p -> 0, q).eth().ip().l4().socket().build();
        // A one-minute backstop: only a kick can wake it within the test's time.
        worker = new Worker("s0", 0, RealRuntime.INSTANCE, new SleepUntilKicked(60_000_000_000L),
                List.of(new RoundRobinExecutor(q)));
        worker.start();
        await(worker::isSleeping);
        for (int round = 0; round < 50; round++) {
            inject(pl, 1);
            int want = round + 1;
            await(() -> layers.sink.size() == want);
            await(worker::isSleeping);
        }
    }

    @Test
    void aThrowingExecutorIsCountedAndTheWorkerGoesOn() throws Exception {
        CoroutineQueue q = new CoroutineQueue("q", 256);
        Pipeline pl = PipelineBuilder.rx("f", layers).queue(p -> 0, q).eth().ip().l4().socket().build();
        Executor faulty = new Executor() {
            int calls;
            public int doWork(ExecContext ctx) {
                if (++calls % 2 == 1) throw new IllegalStateException("faulty executor");
                return ctx.resume(q, 4);
            }
            public List<CoroutineQueue> queues() { return List.of(q); }
        };
        worker = new Worker("f0", 0, RealRuntime.INSTANCE, new BackoffPark(), List.of(faulty));
        worker.start();
        inject(pl, 64);
        await(() -> layers.sink.size() == 64);
        assertTrue(worker.faults().total() > 0);
        assertTrue(worker.isRunning());
    }

    @Test
    void aRevokedWorkerDoesNoWorkUntilGranted() throws Exception {
        CoroutineQueue q = new CoroutineQueue("q", 256);
        Pipeline pl = PipelineBuilder.rx("g", layers).queue(p -> 0, q).eth().ip().l4().socket().build();
        worker = new Worker("g0", 0, RealRuntime.INSTANCE, IdleStrategy.yielding(), List.of(new RoundRobinExecutor(q)));
        worker.setGranted(false);
        worker.start();
        inject(pl, 10);
        Thread.sleep(50);
        assertEquals(0, layers.sink.size());
        assertEquals(10, q.depth());
        worker.setGranted(true);
        await(() -> layers.sink.size() == 10);
    }

    @Test
    void countsBusyTime() throws Exception {
        CoroutineQueue q = new CoroutineQueue("q", 256);
        worker = new Worker("b0", 0, RealRuntime.INSTANCE, new BackoffPark(), List.of(new RoundRobinExecutor(q)));
        worker.start();
        await(() -> worker.totalNanos() > 20_000_000);
        assertTrue(worker.busyNanos() < worker.totalNanos() / 2, "an idle worker is mostly not busy");
    }
}
