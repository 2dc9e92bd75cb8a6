package io.flexnet.sched;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.flexnet.nic.InMemoryNic;
import io.flexnet.nic.NicDriver;
import io.flexnet.packet.DropCounters;
import io.flexnet.packet.MacAddress;
import io.flexnet.packet.Packet;
import io.flexnet.packet.PacketPool;
import io.flexnet.pipeline.CoroutineQueue;
import io.flexnet.pipeline.Coroutines;
import io.flexnet.pipeline.Pipeline;
import io.flexnet.pipeline.PipelineBuilder;
import io.flexnet.pipeline.TestLayer;
import io.flexnet.proto.LayerContext;
import io.flexnet.runtime.KernelWait;
import io.flexnet.runtime.RealRuntime;
import io.flexnet.runtime.StackRuntime;
import io.flexnet.workload.UdpFrames;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A worker polling a NIC queue that offers a kernel wait sleeps in it, through the runtime, and never
 * parks: the frame ends the wait, and so does a kick from its other sources (a queue's enqueue).
 */
class KernelWaitTest {
    /** Only the event under test can end a wait within the test's time. */
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
    void aWorkerSleepsInItsQueuesKernelWaitAndItsArrivalsEndIt() throws Exception {
        InMemoryNic inner = InMemoryNic.builder(pool).queues(1).build();
        Device nic = new Device(inner);
        Counting runtime = new Counting();
        CoroutineQueue other = new CoroutineQueue("other", 64);
        Pipeline fromNic = PipelineBuilder.rx("nic", layers).eth().ip().l4().socket().build();
        Pipeline viaQueue = PipelineBuilder.rx("queue", layers).queue(p -> 0, other).eth().ip().l4().socket().build();
        NicPoll poller = new NicPoll(nic, 0, fromNic, coroutines, 32);
        worker = new Worker("k0", 0, runtime, new SleepUntilKicked(MINUTE),
                List.of(poller, new RoundRobinExecutor(other)));
        worker.start();
        long mac = MacAddress.parse("02:00:00:00:00:01");
        byte[] frame = UdpFrames.frame(mac, mac, 1, 2, 1000, 2000, new byte[16]);
        for (int i = 1; i <= 10; i++) {
            await("asleep before frame " + i, worker::isSleeping);
            assertTrue(inner.inject(frame));  // the device has data: the wait ends by itself, nobody kicks
            int want = 2 * i - 1;
            await("frame " + i + " received", () -> layers.sink.size() == want);
            await("asleep before enqueue " + i, worker::isSleeping);
            coroutines.of(pool.allocate()).start(viaQueue, LayerContext.at(System.nanoTime()));  // kicks: wake()
            await("enqueue " + i + " served", () -> layers.sink.size() == want + 1);
        }
        assertEquals(0, runtime.parks.get(), "a worker with a kernel wait never parks");
        assertTrue(runtime.awaits.get() >= 20, "awaits " + runtime.awaits.get());
        assertTrue(nic.wait.wakes.get() >= 10, "wakes " + nic.wait.wakes.get());
        assertFalse(poller.hasWork(), "the device is not asked before the wait: the wait answers for it");
    }

    /** A wait that ends when the inner NIC holds frames, when woken, or at its time, as poll(2) would. */
    private static final class Wait implements KernelWait {
        final InMemoryNic nic;
        final AtomicInteger wakes = new AtomicInteger();
        private boolean woken;

        Wait(InMemoryNic nic) { this.nic = nic; }

        @Override
        public synchronized void await(long maxNanos) {
            long end = System.nanoTime() + maxNanos;
            while (!woken && !nic.rxPending(0)) {
                long left = end - System.nanoTime();
                if (left <= 0) break;
                try {
                    wait(Math.max(1, Math.min(left / 1_000_000, 2)));  // the inner NIC signals nobody: look again
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            woken = false;
        }

        @Override
        public synchronized void wake() {
            wakes.incrementAndGet();
            woken = true;
            notifyAll();
        }
    }

    /** The in-memory NIC dressed as a device whose queue the kernel signals. */
    private static final class Device implements NicDriver {
        final InMemoryNic inner;
        final Wait wait;

        Device(InMemoryNic inner) {
            this.inner = inner;
            this.wait = new Wait(inner);
        }

        @Override public String name() { return "kernel-signalled"; }
        @Override public PacketPool pool() { return inner.pool(); }
        @Override public int rxQueues() { return 1; }
        @Override public int txQueues() { return 1; }
        @Override public int receive(int queue, Packet[] out, int max) { return inner.receive(queue, out, max); }
        @Override public boolean rxPending(int queue) { return inner.rxPending(queue); }
        @Override public boolean transmit(int queue, Packet p) { return inner.transmit(queue, p); }
        @Override public void setRxListener(RxListener listener) { }
        @Override public DropCounters drops() { return inner.drops(); }
        @Override public KernelWait rxWait(int queue) { return wait; }
        @Override public void close() { inner.close(); }
    }

    /** The real runtime, counting parks and kernel waits. */
    private static final class Counting implements StackRuntime {
        final AtomicInteger parks = new AtomicInteger(), awaits = new AtomicInteger();
        private final RealRuntime real = RealRuntime.INSTANCE;

        @Override public long nanoTime() { return real.nanoTime(); }
        @Override public Thread newThread(String name, Runnable body) { return real.newThread(name, body); }
        @Override public void park(long nanos) { parks.incrementAndGet(); real.park(nanos); }
        @Override public void unpark(Thread thread) { real.unpark(thread); }
        @Override public void await(KernelWait w, long nanos) { awaits.incrementAndGet(); real.await(w, nanos); }
        @Override public void spinWait() { real.spinWait(); }
        @Override public void yieldThread() { real.yieldThread(); }
        @Override public boolean pin(int core) { return real.pin(core); }
        @Override public int currentCore() { return real.currentCore(); }
        @Override public int cores() { return real.cores(); }
    }
}
