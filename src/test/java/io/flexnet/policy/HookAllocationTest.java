package io.flexnet.policy;

import static io.flexnet.fixture.Hosts.US;
import static io.flexnet.fixture.Hosts.PEER;

import io.flexnet.fixture.Frame;
import io.flexnet.fixture.Packets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.flexnet.nic.Rss;
import io.flexnet.packet.Packet;
import io.flexnet.packet.PacketPool;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/** Policy calls at a hook allocate nothing once compiled: every built-in, at a frame-parsing hook and a parsed one. */
class HookAllocationTest {
    @Test
    void builtInPoliciesAtHooksAllocateNothingPerCall() {
        assumeTrue(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean);
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assumeTrue(mx.isThreadAllocatedMemorySupported());
        try (PacketPool pool = new PacketPool(16); Tenants tenants = new Tenants()) {
            MatchingPolicy[] policies = {new FiveTupleHash(), new RoundRobinPolicy(), new Sita(), new ScanAvoid(), new TokenBased()};
            PolicyHook nicHook = tenants.hook("nic", HookKind.NIC_RX_QUEUE);
            PolicyHook sockHook = tenants.hook("sock", HookKind.SOCKET);
            RxQueueHook nic = new RxQueueHook(nicHook, new Rss(4));
            for (int i = 0; i < policies.length; i++) {
                Tenant t = tenants.register("t" + i, 9000 + i);
                t.deploy(nicHook, policies[i]);
                t.deploy(sockHook, policies[i]);
                if (policies[i] instanceof TokenBased) t.map(TokenBased.MAP).put(1, Long.MAX_VALUE);
            }
            Packet[] raw = new Packet[policies.length];
            Packet[] parsed = new Packet[policies.length];
            byte[] payload = Requests.request(1, RequestHeader.GET, 1, 1, 8);
            for (int i = 0; i < policies.length; i++) {
                byte[] f = Frame.udp().from(PEER).to(US).ports(40_000, 9000 + i).payload(payload).build();
                raw[i] = Packets.copy(pool, f);
                parsed[i] = Packets.parsed(pool, f);
            }
            for (int i = 0; i < 200_000; i++) run(nic, sockHook, raw, parsed);
            long tid = Thread.currentThread().threadId();
            long before = mx.getThreadAllocatedBytes(tid);
            long sum = 0;
            for (int i = 0; i < 100_000; i++) sum += run(nic, sockHook, raw, parsed);
            long allocated = mx.getThreadAllocatedBytes(tid) - before;
            assertEquals(0, allocated / 100_000, allocated + " bytes for 1,000,000 policy calls (" + sum + ")");
            for (Packet p : raw) p.release();
            for (Packet p : parsed) p.release();
        }
    }

    private static long run(RxQueueHook nic, PolicyHook sock, Packet[] raw, Packet[] parsed) {
        long s = 0;
        for (Packet p : raw) s += nic.queueFor(p, 4);       // parses the frame itself
        for (Packet p : parsed) s += sock.choose(p, 4);     // takes the layers' fields
        return s;
    }
}
