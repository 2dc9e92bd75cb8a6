package io.flexnet.sched;

import static org.junit.jupiter.api.Assertions.*;

import io.flexnet.nic.InMemoryNic;
import io.flexnet.packet.MacAddress;
import io.flexnet.packet.PacketPool;
import io.flexnet.pipeline.CoroutineQueue;
import io.flexnet.pipeline.Coroutines;
import io.flexnet.pipeline.Pipeline;
import io.flexnet.pipeline.PipelineBuilder;
import io.flexnet.pipeline.TestLayer;
import io.flexnet.pipeline.WakeSource;
import io.flexnet.proto.LayerContext;
import io.flexnet.runtime.RealRuntime;
import io.flexnet.workload.UdpFrames;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A worker that sleeps when idle registers with its executors' wake sources, and their arrivals wake it. */
class WakeSourceTest {
    /** Only a kick can wake a worker within the test's time. */
    private static final long MINUTE = 60_000_000_000L;

    private final PacketPool pool = new PacketPool(256);
    private final Coroutines coroutines = new Coroutines(pool);
    private final TestLayer.Set layers = new TestLayer.Set();
    private Worker worker;

    @AfterEach
    void stopAndCheckPool() throws InterruptedException {
        if (worker != null) assertTrue(worker.stop(2000));
        layers.releaseSink();
        assertEquals(pool.capacity(), pool.available());
    }

    private static void await(String what, BooleanSupplier cond) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() > deadline) fail("not within 5 s: " + what);
            Thread.sleep(1);
        }
    }

    @Test
    void anOfferToAQueueOfItsSecondExecutorWakesASleepingWorker() throws Exception {
        CoroutineQueue first = new CoroutineQueue("first", 64), second = new CoroutineQueue("second", 64);
        Pipeline pl = PipelineBuilder.rx("wake", layers).queue(p -> 1, first, second).eth().ip().l4().socket().build();
        worker = new Worker("q0", 0, RealRuntime.INSTANCE, new SleepUntilKicked(MINUTE),
                List.of(new RoundRobinExecutor(first), new RoundRobinExecutor(first, second)));
        assertEquals(List.of(first, second), worker.wakeSources());
        worker.start();
        for (int i = 1; i <= 20; i++) {
            await("asleep before offer " + i, worker::isSleeping);
            coroutines.of(pool.allocate()).start(pl, LayerContext.at(System.nanoTime()));
            int want = i;
            await("offer " + i + " served", () -> layers.sink.size() == want);
        }
    }

    @Test
    void aNicReceiveNotificationWakesASleepingWorker() throws Exception {
        InMemoryNic nic = InMemoryNic.builder(pool).queues(1).build();
        Pipeline pl = PipelineBuilder.rx("nic", layers).eth().ip().l4().socket().build();
        NicPoll poller = new NicPoll(nic, 0, pl, coroutines, 32);
        RxKicker.install(nic, List.of(poller));
        worker = new Worker("n0", 0, RealRuntime.INSTANCE, new SleepUntilKicked(MINUTE), List.of(poller));
        assertEquals(List.<WakeSource>of(poller), worker.wakeSources());
        worker.start();
        long mac = MacAddress.parse("02:00:00:00:00:01");
        byte[] frame = UdpFrames.frame(mac, mac, 1, 2, 1000, 2000, new byte[16]);
        for (int i = 1; i <= 20; i++) {
            await("asleep before frame " + i, worker::isSleeping);
            assertTrue(nic.inject(frame));
            int want = i;
            await("frame " + i + " received", () -> layers.sink.size() == want);
        }
    }

    @Test
    void aWorkerRegistersOnceWithEachSourceAndOnlyIfItSleeps() throws Exception {
        Recorded source = new Recorded();
        Executor one = new FedBy(source), two = new FedBy(source);

        Worker polling = new Worker("p0", 0, RealRuntime.INSTANCE, IdleStrategy.busySpin(), List.of(one, two));
        polling.start();
        assertTrue(polling.stop(2000));
        assertEquals(List.of(), source.events);

        Worker sleeping = new Worker("s0", 1, RealRuntime.INSTANCE, new SleepUntilKicked(MINUTE), List.of(one, two));
        sleeping.start();
        assertEquals(List.of("add"), source.events);
        assertTrue(sleeping.stop(2000));
        assertEquals(List.of("add", "remove"), source.events);
    }

    /** Records registrations; never has an arrival. */
    private static final class Recorded implements WakeSource {
        final List<String> events = new ArrayList<>();
        @Override public synchronized void addSleeper(CoroutineQueue.Sleeper s) { events.add("add"); }
        @Override public synchronized void removeSleeper(CoroutineQueue.Sleeper s) { events.add("remove"); }
    }

    /** An executor with no queues whose work would arrive through {@code source}. */
    private record FedBy(WakeSource source) implements Executor {
        @Override public int doWork(ExecContext ctx) { return 0; }
        @Override public List<CoroutineQueue> queues() { return List.of(); }
        @Override public List<WakeSource> wakeSources() { return List.of(source); }
    }
}
