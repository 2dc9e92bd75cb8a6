package io.flexnet.policy;

import static io.flexnet.fixture.Hosts.US;
import static io.flexnet.fixture.Hosts.PEER;

import io.flexnet.fixture.Frame;

import io.flexnet.proto.LayerContext;
import static org.junit.jupiter.api.Assertions.*;

import io.flexnet.packet.Packet;
import io.flexnet.packet.PacketPool;
import io.flexnet.pipeline.Coroutines;
import io.flexnet.pipeline.CoroutineQueue;
import io.flexnet.pipeline.Pipeline;
import io.flexnet.pipeline.PipelineBuilder;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Deploying, replacing and removing policies while packets flow loses none of them. */
class SwapUnderTrafficTest {
    static final int PACKETS = 200_000;

    @Test
    void everyPacketIsChosenOrCountedWhilePoliciesAreSwapped() throws Exception {
        try (PacketPool pool = new PacketPool(512); Tenants tenants = new Tenants().countDecisions(true)) {
            Tenant app = tenants.register("app", 9000);
            tenants.register("idle", 9001);  // owns a port, never deploys
            PolicyHook rx = tenants.hook("rx", HookKind.RX_QUEUE);
            CoroutineQueue[] qs = new CoroutineQueue[4];
            for (int i = 0; i < qs.length; i++) qs[i] = new CoroutineQueue("q" + i, 1024);
            PassLayers layers = new PassLayers();
            Pipeline pl = PipelineBuilder.rx("swap", layers)
                    .queue(new QueueHook(rx, 4, p -> 3), qs).eth().ip().l4().socket().build();
            Coroutines cos = new Coroutines(pool);
            byte[][] frames = {
                    Frame.udp().from(PEER).to(US).ports(40_000, 9000)
                            .payload(Requests.request(1, RequestHeader.GET, 1, 1, 0)).build(),
                    Frame.udp().from(PEER).to(US).ports(40_001, 9000)
                            .payload(Requests.request(2, RequestHeader.SCAN, 1, 1, 0)).build(),
                    Frame.udp().from(PEER).to(US).ports(40_002, 9001).payload(new byte[4]).build(),
                    Frame.udp().from(PEER).to(US).ports(40_003, 5555).payload(new byte[4]).build(),
            };

            List<Deployment> deployments = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
            AtomicBoolean done = new AtomicBoolean();
            AtomicLong swaps = new AtomicLong();
            Thread swapper = new Thread(() -> {
                MatchingPolicy[] ps = {new RoundRobinPolicy(), new FiveTupleHash(), new Sita(), in -> MatchingPolicy.DROP};
                int i = 0;
                while (!done.get()) {
                    if (i % 5 == 4) {
                        app.remove(rx);
                    } else {
                        deployments.add(app.deploy(rx, ps[i % 5 % ps.length]));
                    }
                    i++;
                    swaps.incrementAndGet();
                    // A swap every ~100 µs: thousands per run, each under traffic, without the swapper
                    // starving the traffic thread of the machine's two cores.
                    java.util.concurrent.locks.LockSupport.parkNanos(100_000);
                }
            }, "swapper");
            AtomicLong drained = new AtomicLong();
            Thread drainer = new Thread(() -> {
                while (!done.get() || anyDepth(qs)) {
                    for (CoroutineQueue q : qs) {
                        io.flexnet.pipeline.Coroutine co = q.poll(0);
                        if (co != null) {
                            co.resume(LayerContext.at(0));
                            drained.incrementAndGet();
                        }
                    }
                }
            }, "drainer");
            swapper.start();
            drainer.start();
            long sent = 0;
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (sent < PACKETS) {
                if (System.nanoTime() > deadline || !drainer.isAlive()) {
                    done.set(true);
                    fail("traffic stalled at " + sent + " packets; drainer alive: " + drainer.isAlive());
                }
                byte[] f = frames[(int) (sent & 3)];
                Packet p = pool.allocate(f, 0, f.length);
                if (p == null) {
                    Thread.onSpinWait();  // the drainer frees slots
                    continue;
                }
                cos.of(p).start(pl, LayerContext.at(0));
                sent++;
            }
            done.set(true);
            swapper.join();
            drainer.join();

            long dropped = pl.drops().total();
            assertEquals(PACKETS, layers.delivered.get() + dropped, "delivered + counted drops: " + pl.drops());
            assertEquals(pl.drops().total(), pl.drops().get(io.flexnet.packet.DropReason.POLICY_DROP)
                    + pl.drops().get(io.flexnet.packet.DropReason.QUEUE_FULL), "no other reason: " + pl.drops());
            long decided = rx.unowned() + rx.undeployed();
            long policyDrops = 0;
            for (Deployment d : deployments) {
                decided += d.calls();
                policyDrops += d.dropped();
                assertEquals(0, d.faults(), d.toString());
            }
            assertEquals(PACKETS, decided, "every hook call answered and counted exactly once");
            assertEquals(policyDrops, pl.drops().get(io.flexnet.packet.DropReason.POLICY_DROP));
            assertEquals(PACKETS / 4, rx.unowned(), "port 5555 has no owner");
            assertTrue(rx.undeployed() >= PACKETS / 4, "the idle tenant's packets, and the app's while removed");
            assertTrue(swaps.get() > 100, "swaps happened during the run: " + swaps.get());
            assertEquals(0, pool.inUse(), "every slot back");
        }
    }

    private static boolean anyDepth(CoroutineQueue[] qs) {
        for (CoroutineQueue q : qs) if (q.depth() > 0) return true;
        return false;
    }
}
