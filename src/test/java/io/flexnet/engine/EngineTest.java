package io.flexnet.engine;

import static org.junit.jupiter.api.Assertions.*;

import io.flexnet.nic.InMemoryNic;
import io.flexnet.packet.DropReason;
import io.flexnet.packet.Packet;
import io.flexnet.packet.PacketPool;
import io.flexnet.pipeline.CoroutineQueue;
import io.flexnet.pipeline.CoroutineQueue.Concurrency;
import io.flexnet.pipeline.Pipeline;
import io.flexnet.proto.Endpoint;
import io.flexnet.proto.NetConfig;
import io.flexnet.runtime.RealRuntime;
import io.flexnet.sched.BackoffPark;
import io.flexnet.sched.StandingQueue;
import io.flexnet.sched.CoreScheduler;
import io.flexnet.sched.RoundRobinExecutor;
import io.flexnet.sched.SleepUntilKicked;
import io.flexnet.sched.Worker;
import io.flexnet.sched.affinity.LinuxAffinity;
import io.flexnet.workload.UdpFrames;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

class EngineTest {
    static final long OUR_MAC = ListingsTest.OUR_MAC, PEER_MAC = ListingsTest.PEER_MAC;
    static final int OUR_IP = ListingsTest.OUR_IP, PEER_IP = ListingsTest.PEER_IP;

    static void await(String what, long seconds, BooleanSupplier cond) throws InterruptedException {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() > deadline) fail("timed out waiting for " + what);
            Thread.sleep(1);
        }
    }

    @Test
    void shutdownCountsWhatIsStillQueuedAndReturnsEverySlot() throws Exception {
        PacketPool pool = new PacketPool(1024);
        InMemoryNic nic = InMemoryNic.builder(pool).queues(1).build();
        Engine engine = new Engine(nic, new NetConfig(OUR_MAC, OUR_IP, 24, 0, 1500), RealRuntime.INSTANCE);
        engine.stack().ports().bind(9000, ListingsTest.open(1));
        CoroutineQueue parked = engine.queue("nobody-serves-this", 1024, Concurrency.SPSC);
        Pipeline rx = engine.rx("stuck").queue(p -> 0, parked).eth().ip().l4().socket().build();
        engine.poll(0, rx, 32, "nic", new SleepUntilKicked());
        engine.start();
        for (int i = 0; i < 100; i++) {
            assertTrue(nic.inject(UdpFrames.frame(OUR_MAC, PEER_MAC, PEER_IP, OUR_IP, 1000, 9000, new byte[16])));
        }
        await("frames parked", 5, () -> parked.depth() == 100);
        assertEquals(100, engine.shutdown(50));
        assertEquals(Long.valueOf(100), engine.dropsByReason().get(DropReason.SHUTDOWN.label()));
        assertEquals(pool.capacity(), pool.available());
    }

    @Test
    void framesWaitingForArpAtShutdownAreCountedAndTheirSlotsReturned() throws Exception {
        PacketPool pool = new PacketPool(256);
        InMemoryNic nic = InMemoryNic.builder(pool).queues(1).build();
        Engine engine = new Engine(nic, new NetConfig(OUR_MAC, OUR_IP, 24, 0, 1500), RealRuntime.INSTANCE);
        engine.start();
        for (int i = 0; i < 40; i++) {  // to a neighbour that never answers
            Packet p = io.flexnet.proto.SocketSend.allocate(pool, new byte[8], 0, 8);
            p.dstIp = PEER_IP;
            p.srcPort = 4000;
            p.dstPort = 9000;
            engine.stack().send(p);
        }
        assertEquals(40, engine.stack().arp().pending());
        assertEquals(40, engine.shutdown(50));
        nic.drainTx(0, (q, p) -> { }, Integer.MAX_VALUE);  // the ARP request
        assertEquals(Long.valueOf(40), engine.dropsByReason().get(DropReason.SHUTDOWN.label()));
        assertEquals(pool.capacity(), pool.available(), "every slot back, none left waiting");
    }

    /**
     * A load step arriving through the in-memory NIC and the real layers, more CPU work than one worker
     * can do: the Shenango-style standing-queue policy grants the second core, then takes it back once the
     * load is gone. No timing is asserted beyond "within a few seconds".
     */
    @Test
    void coresGrowUnderALoadStepFromTheNicAndShrinkAfterIt() throws Exception {
        RealRuntime rt = RealRuntime.withAffinity(LinuxAffinity.orUnpinned());
        PacketPool pool = new PacketPool(8192);
        InMemoryNic nic = InMemoryNic.builder(pool).queues(1).queueCapacity(8192).build();
        Engine engine = new Engine(nic, new NetConfig(OUR_MAC, OUR_IP, 24, 0, 1500), rt);
        AtomicLong served = new AtomicLong();
        engine.stack().ports().bind(9000, new Endpoint() {
            public int id() { return 1; }
            public boolean offer(Packet p) {
                long until = System.nanoTime() + 20_000;  // 20 µs of real work per request
                while (System.nanoTime() < until) Thread.onSpinWait();
                served.incrementAndGet();
                p.release();
                return true;
            }
        });
        CoroutineQueue q = engine.queue("work", 8192, Concurrency.MPMC);
        Pipeline rx = engine.rx("rx").queue(p -> 0, q).eth().ip().l4().socket().build();
        engine.poll(0, rx, 32, "nic", new SleepUntilKicked());
        Worker w0 = engine.worker("w0", new BackoffPark(), new RoundRobinExecutor(8, q));
        Worker w1 = engine.worker("w1", new BackoffPark(), new RoundRobinExecutor(8, q));
        int cores = Math.min(2, rt.cores());
        CoreScheduler sched = CoreScheduler.builder(rt, new StandingQueue(1, 4)).workers(List.of(w0, w1)).queues(q)
                .cores(cores == 2 ? new int[] {0, 1} : new int[] {0}).periodNanos(500_000).spin(false).build();
        engine.start();
        sched.start();
        try {
            await("one core granted at rest", 5, () -> sched.coresGranted() == 1);
            byte[] frame = UdpFrames.frame(OUR_MAC, PEER_MAC, PEER_IP, OUR_IP, 1000, 9000, new byte[32]);
            long sent = 0;
            int maxGranted = 1;
            long end = System.nanoTime() + 3_000_000_000L;
            // About 1.5 cores of work: 75 requests per millisecond at 20 µs each.
            while (System.nanoTime() < end && maxGranted < cores) {
                for (int i = 0; i < 75; i++) if (nic.inject(frame)) sent++;
                Thread.sleep(1);
                maxGranted = Math.max(maxGranted, sched.coresGranted());
            }
            assertEquals(cores, maxGranted, "the load step was granted every core available");
            long total = sent;
            await("backlog served", 20, () -> served.get() + engine.totalDrops() >= total);
            await("back to one core after the load", 10, () -> sched.coresGranted() == 1);
        } finally {
            sched.stop(2000);
            engine.shutdown(1000);
        }
        assertEquals(pool.capacity(), pool.available(), "pool balance; drops " + engine.dropsByReason());
    }
}
