package io.flexnet.socket;

import static io.flexnet.fixture.Hosts.US;
import static io.flexnet.fixture.Hosts.PEER;

import io.flexnet.policy.Requests;
import io.flexnet.fixture.Frame;
import io.flexnet.fixture.Packets;

import io.flexnet.proto.LayerContext;
import static org.junit.jupiter.api.Assertions.*;

import io.flexnet.nic.Rss;
import io.flexnet.nic.RxSteering;
import io.flexnet.packet.Packet;
import io.flexnet.packet.DropReason;
import io.flexnet.pipeline.Coroutines;
import io.flexnet.pipeline.CoroutineQueue;
import io.flexnet.pipeline.Pipeline;
import io.flexnet.pipeline.PipelineBuilder;
import io.flexnet.policy.FiveTupleHash;
import io.flexnet.policy.HookKind;
import io.flexnet.policy.MatchingPolicy;
import io.flexnet.policy.PolicyHook;
import io.flexnet.policy.QueueHook;
import io.flexnet.policy.RequestHeader;
import io.flexnet.policy.RoundRobinPolicy;
import io.flexnet.policy.RxQueueHook;
import io.flexnet.policy.Sita;
import io.flexnet.policy.Tenant;
import io.flexnet.policy.Tenants;
import io.flexnet.sched.ExecContext;
import java.util.ArrayDeque;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Syrup's model across the whole stack: two tenants, each with policies at three hooks — the NIC's
 * receive queue, the queue() point before eth_rcv, and the socket of its port group — on the real
 * protocol layers and real sockets. Every frame ends received or counted. The NIC is a stand-in that
 * does what a NIC does with its steering (hash the frame, ask the steering, queue or drop).
 */
class SyrupOnTheStackTest {
    @Test
    void policiesAtThreeHooksSteerTwoTenantsTrafficAndNothingIsLost() {
        try (StackHarness h = new StackHarness(512); Tenants tenants = new Tenants().countDecisions(true)) {
            Tenant kv = tenants.register("kv", 9000);
            Tenant batch = tenants.register("batch", 9100);
            PolicyHook nicHook = tenants.hook("nic", HookKind.NIC_RX_QUEUE);
            PolicyHook coreHook = tenants.hook("cores", HookKind.RX_QUEUE);
            PolicyHook sockHook = tenants.hook("sockets", HookKind.SOCKET);
            // kv: flows spread by hash over the NIC queues, round robin over cores, SITA over its sockets.
            kv.deploy(nicHook, new FiveTupleHash());
            kv.deploy(coreHook, new RoundRobinPolicy());
            kv.deploy(sockHook, new Sita());
            // batch: everything on NIC queue 1 and core queue 1; requests with key 0 are refused.
            batch.deploy(nicHook, in -> 1);
            batch.deploy(coreHook, in -> 0, 1);
            batch.deploy(sockHook, in -> in.payloadU32(RequestHeader.KEY) == 0 ? MatchingPolicy.DROP : MatchingPolicy.PASS);

            RxSteering steering = new RxQueueHook(nicHook, new Rss(2));
            @SuppressWarnings("unchecked")
            ArrayDeque<Packet>[] nicQueues = new ArrayDeque[] {new ArrayDeque<Packet>(), new ArrayDeque<Packet>()};
            CoroutineQueue core0 = new CoroutineQueue("core0", 512), core1 = new CoroutineQueue("core1", 512);
            Pipeline rx = PipelineBuilder.rx("syrup", h::layer)
                    .queue(new QueueHook(coreHook, 2, p -> 0), core0, core1)
                    .eth().ip().l4().socket().build();
            Coroutines cos = new Coroutines(h.pool);

            Sockets sockets = new Sockets(h.stack).socketHook(sockHook);
            UdpSocket[] kvs = new UdpSocket[3];
            for (int i = 0; i < 3; i++) kvs[i] = sockets.open(512).reusePort(true).bind(9000).mode(RecvMode.NON_BLOCKING);
            UdpSocket[] bs = new UdpSocket[2];
            for (int i = 0; i < 2; i++) bs[i] = sockets.open(512).reusePort(true).bind(9100).mode(RecvMode.NON_BLOCKING);

            Random rnd = new Random(3);
            Rss rss = new Rss(2);
            int[] nicQueue = new int[2];
            int kvSent = 0, kvScans = 0, batchSent = 0, batchRefused = 0, unowned = 0;
            for (int i = 0; i < 300; i++) {
                int pick = rnd.nextInt(10);
                byte[] frame;
                if (pick < 6) {
                    boolean scan = rnd.nextInt(10) == 0;
                    frame = Frame.udp().from(PEER).to(US).ports(20_000 + rnd.nextInt(100), 9000)
                            .payload(Requests.request(i, scan ? RequestHeader.SCAN : RequestHeader.GET, 1, 1, 0)).build();
                    kvSent++;
                    if (scan) kvScans++;
                } else if (pick < 9) {
                    int key = rnd.nextInt(4);
                    frame = Frame.udp().from(PEER).to(US).ports(30_000 + rnd.nextInt(100), 9100)
                            .payload(Requests.request(i, RequestHeader.PUT, key, 2, 0)).build();
                    batchSent++;
                    if (key == 0) batchRefused++;
                } else {
                    frame = Frame.udp().from(PEER).to(US).ports(40_000, 7).payload(new byte[8])
                            .build();  // nobody's port: RSS, then no-socket
                    unowned++;
                }
                // Where each frame should land on the NIC: kv by its policy (the RSS hash scaled), batch on
                // queue 1, nobody's port by the RSS table.
                int hash = rss.hashFrame(java.lang.foreign.MemorySegment.ofArray(frame), 0, frame.length);
                nicQueue[pick < 6 ? MatchingPolicy.scale(hash, 2) : pick < 9 ? 1 : rss.queueOf(hash)]++;
                Packet p = Packets.copy(h.pool, frame);
                p.flowHash = hash;
                int q = steering.queueFor(p, 2);
                assertTrue(q == 0 || q == 1, "steered to " + q);
                nicQueues[q].add(p);
            }
            assertEquals(nicQueue[0], nicQueues[0].size(), "NIC queue 0: kv by hash, nobody's by RSS");
            assertEquals(nicQueue[1], nicQueues[1].size(), "NIC queue 1: also all of batch");
            for (ArrayDeque<Packet> q : nicQueues) {
                for (Packet p; (p = q.poll()) != null; ) cos.of(p).start(rx, LayerContext.at(0));  // runs to the queue() point
            }
            ExecContext ctx = new ExecContext(0);
            int resumed0 = 0, resumed1 = 0;
            int n;
            while ((n = ctx.resume(core0, 64)) > 0) resumed0 += n;
            while ((n = ctx.resume(core1, 64)) > 0) resumed1 += n;

            int[] kvGot = new int[3];
            int kvScansOnZero = 0;
            byte[] buf = new byte[64];
            for (int i = 0; i < 3; i++) {
                int len;
                while ((len = kvs[i].receive(buf, 0, buf.length, null)) >= 0) {
                    kvGot[i]++;
                    if (buf[RequestHeader.TYPE] == RequestHeader.SCAN) {
                        assertEquals(0, i, "SITA keeps SCANs on socket 0");
                        kvScansOnZero++;
                    }
                }
            }
            int batchGot = 0;
            for (UdpSocket s : bs) while (s.receive(buf, 0, buf.length, null) >= 0) batchGot++;

            assertEquals(kvSent, kvGot[0] + kvGot[1] + kvGot[2], "every kv request received");
            assertEquals(kvScans, kvScansOnZero);
            assertEquals(kvScans, kvGot[0], "socket 0 only serves SCANs");
            assertEquals(batchSent - batchRefused, batchGot);
            assertEquals(batchRefused, sockets.group(9100).drops().get(DropReason.POLICY_DROP));
            assertEquals(unowned, h.stack.udpRcv().drops().get(DropReason.NO_SOCKET));
            assertEquals((kvSent + 1) / 2 + unowned, resumed0, "core 0: kv round robin, nobody's by the fallback");
            assertEquals(kvSent / 2 + batchSent, resumed1, "core 1: kv round robin, all of batch (its executor 0 is core 1)");
            assertEquals(batchSent, batch.deployment(nicHook).chosen());
            assertEquals(kvSent, kv.deployment(coreHook).chosen());
            assertEquals(0, rx.drops().total(), rx.drops().toString());
            for (UdpSocket s : kvs) s.close();
            for (UdpSocket s : bs) s.close();
        }
    }
}
