package io.flexnet.sched;

import static org.junit.jupiter.api.Assertions.*;

import io.flexnet.packet.Ip4;
import io.flexnet.packet.MacAddress;
import io.flexnet.packet.Packet;
import io.flexnet.packet.PacketPool;
import io.flexnet.pipeline.CoroutineQueue;
import io.flexnet.pipeline.CoroutineQueue.Concurrency;
import io.flexnet.pipeline.Coroutines;
import io.flexnet.pipeline.Pipeline;
import io.flexnet.pipeline.PipelineBuilder;
import io.flexnet.pipeline.Selector;
import io.flexnet.proto.Endpoint;
import io.flexnet.proto.LayerContext;
import io.flexnet.proto.NetConfig;
import io.flexnet.proto.ProtoStack;
import io.flexnet.runtime.RealRuntime;
import io.flexnet.workload.UdpFrames;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Every layer counts on the stripe of the thread that runs it, so counts stay exact when packets change
 * threads at every suspension point. Four polling workers each own one queue before eth_rcv and one
 * before ip_rcv; packet i is parked in q[i % 4] and then in r[(i + 1) % 4], so eth_rcv and ip_rcv of
 * every packet run on two different workers. Were two threads ever to count on one stripe, plain
 * increments would race and the per-layer totals below would come up short: with the runner's
 * binding of its context taken out (all four workers on one stripe) eth_rcv lost 60 to 700 counts a
 * run while the endpoint's own atomic count stayed exact, which is why the layers' counts are checked.
 */
class CountingAcrossWorkersTest {
    private static final int WORKERS = 4;
    private static final int FRAMES = 200_000;
    /** Slots in flight at most: below every queue's capacity, so no queue can be full and drop. */
    private static final int SLOTS = 512;
    private static final int PORT = 9000;
    private static final long OUR_MAC = MacAddress.parse("02:00:c6:12:00:02");
    private static final long PEER_MAC = MacAddress.parse("02:00:c6:12:00:01");
    private static final int OUR_IP = Ip4.parse("198.18.0.2");
    private static final int PEER_IP = Ip4.parse("198.18.0.1");

    @Test
    @Timeout(15)
    void everyCountIsExactWhenPacketsChangeThreads() throws Exception {
        PacketPool pool = new PacketPool(SLOTS);
        ProtoStack stack = new ProtoStack(new NetConfig(OUR_MAC, OUR_IP, 24, 0, 1500), pool, Packet::release,
                RealRuntime.INSTANCE);
        AtomicLong delivered = new AtomicLong();
        stack.ports().bind(PORT, new Endpoint() {
            public int id() { return 1; }
            public boolean offer(Packet p) {
                delivered.incrementAndGet();
                p.release();
                return true;
            }
        });

        CoroutineQueue[] q = new CoroutineQueue[WORKERS], r = new CoroutineQueue[WORKERS];
        for (int i = 0; i < WORKERS; i++) {
            q[i] = new CoroutineQueue("q" + i, SLOTS * 2, Concurrency.SPSC);   // the test thread puts
            r[i] = new CoroutineQueue("r" + i, SLOTS * 2, Concurrency.MPSC);   // any worker puts
        }
        Selector toQ = p -> (int) (p.userData % WORKERS);
        Selector toR = p -> (int) ((p.userData + 1) % WORKERS);   // never the worker that ran eth_rcv
        Pipeline rx = PipelineBuilder.rx("spray", stack::layer)
                .queue(toQ, q).eth().queue(toR, r).ip().l4().socket()
                .build();

        // Polling workers that yield when idle rather than spin: on a two-core machine four spinning
        // workers keep the cores from the ones holding packets, and the run takes twenty times longer.
        // They never sleep, so the workers still run side by side and race on anything they share.
        List<Worker> workers = new ArrayList<>();
        for (int i = 0; i < WORKERS; i++) {
            workers.add(new Worker("spray" + i, i, RealRuntime.INSTANCE, IdleStrategy.yielding(),
                    List.of(new RoundRobinExecutor(16, q[i], r[i]))));
        }
        workers.forEach(Worker::start);

        Coroutines coroutines = new Coroutines(pool);
        byte[] frame = UdpFrames.frame(OUR_MAC, PEER_MAC, PEER_IP, OUR_IP, 40000, PORT, new byte[32]);
        LayerContext cx = new LayerContext();
        long deadline = System.nanoTime() + 8_000_000_000L;
        int injected = 0;
        try {
            while (injected < FRAMES && System.nanoTime() < deadline) {
                // An empty pool means SLOTS packets are in flight: wait for one to come back.
                Packet p = pool.allocate(frame, 0, frame.length);
                if (p == null) {
                    Thread.yield();
                    continue;
                }
                p.userData = injected++;
                cx.setNow(System.nanoTime());
                coroutines.of(p).start(rx, cx);
            }
            while (delivered.get() < injected && System.nanoTime() < deadline) Thread.sleep(1);
        } finally {
            for (Worker w : workers) assertTrue(w.stop(2000), w + " stopped");
        }

        assertEquals(FRAMES, injected, "frames injected within 8 s");
        // Read after every worker's thread has ended: nothing counts any more, and join published it all.
        assertEquals(FRAMES, delivered.get(), "datagrams the endpoint took");
        assertEquals(FRAMES, stack.ethRcv().in(), "eth_rcv in");
        assertEquals(FRAMES, stack.ethRcv().out(), "eth_rcv out");
        assertEquals(FRAMES, stack.ipRcv().out(), "ip_rcv out");
        assertEquals(FRAMES, stack.udpRcv().out(), "udp_rcv out");
        assertEquals(FRAMES, stack.socketRcv().out(), "socket_rcv delivered");
        assertEquals(Map.of(), stack.dropsByReason(), "drops in the layers");
        assertEquals(0, rx.drops().total(), "drops in the pipeline");
        for (int i = 0; i < WORKERS; i++) {
            // Each queue saw exactly its quarter, so every packet did change workers as intended.
            assertEquals(FRAMES / WORKERS, q[i].dequeued(), q[i].name());
            assertEquals(FRAMES / WORKERS, r[i].dequeued(), r[i].name());
            assertEquals(0, q[i].full() + r[i].full());
            assertEquals(0, workers.get(i).faults().total(), workers.get(i) + " faults");
        }
        assertEquals(pool.capacity(), pool.available(), "every slot back in the pool");
        pool.close();
    }
}
