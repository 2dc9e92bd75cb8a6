package io.flexnet.policy;

import static io.flexnet.fixture.Hosts.US;
import static io.flexnet.fixture.Hosts.PEER;

import io.flexnet.fixture.Frame;
import io.flexnet.fixture.Packets;
import io.flexnet.fixture.Hosts;

import static org.junit.jupiter.api.Assertions.*;

import io.flexnet.nic.Rss;
import io.flexnet.packet.Packet;
import io.flexnet.packet.PacketPool;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Syrup's portability claim (§5.4): one policy class, unchanged, deployed at the NIC's receive-queue
 * choice, at a pipeline's queue() point and at a port group's socket choice, makes the same choices.
 */
class PortabilityTest {
    private final Rss rss = new Rss(4);

    /** The same traffic as each hook sees it: raw frames (NIC hook, before eth_rcv) and parsed (socket hook). */
    private List<Integer> run(HookKind kind, MatchingPolicy policy, List<byte[]> frames, int choices) {
        try (PacketPool pool = new PacketPool(4); Tenants tenants = new Tenants().countDecisions(true)) {
            Tenant app = tenants.register("kv", 9000);
            PolicyHook hook = tenants.hook(kind.label(), kind);
            app.deploy(hook, policy);
            RxQueueHook nic = kind == HookKind.NIC_RX_QUEUE ? new RxQueueHook(hook, rss) : null;
            QueueHook queue = kind == HookKind.RX_QUEUE ? new QueueHook(hook, choices, p -> 0) : null;
            List<Integer> out = new ArrayList<>();
            for (byte[] f : frames) {
                Packet p = kind == HookKind.SOCKET ? Packets.parsed(pool, f) : Packets.copy(pool, f);
                p.flowHash = rss.hashFrame(p.segment(), p.offset, p.length);  // as the NIC stored it
                out.add(switch (kind) {
                    case NIC_RX_QUEUE -> nic.queueFor(p, choices);
                    case RX_QUEUE -> queue.select(p);
                    default -> hook.choose(p, choices);
                });
                p.release();
            }
            assertEquals(frames.size(), app.deployment(hook).chosen(), "the policy chose every time");
            return out;
        }
    }

    private static List<byte[]> requests(long seed, int n) {
        Random rnd = new Random(seed);
        List<byte[]> frames = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int type = rnd.nextInt(200) == 0 ? RequestHeader.SCAN : RequestHeader.GET;
            byte[] payload = Requests.request(i, type, rnd.nextInt(), 1, rnd.nextInt(30));
            frames.add(Frame.udp().from(PEER).to(US).ipSrc(Hosts.ip(198, 18, 1, rnd.nextInt(50)))
                    .ports(1024 + rnd.nextInt(60_000), 9000).payload(payload).build());
        }
        return frames;
    }

    @Test
    void sitaMakesTheSameChoicesAtTheNicQueueAndAtTheSocketHook() {
        List<byte[]> frames = requests(7, 2000);
        List<Integer> atNic = run(HookKind.NIC_RX_QUEUE, new Sita(), frames, 4);
        List<Integer> atSocket = run(HookKind.SOCKET, new Sita(), frames, 4);
        List<Integer> atQueue = run(HookKind.RX_QUEUE, new Sita(), frames, 4);
        assertEquals(atNic, atSocket);
        assertEquals(atNic, atQueue);
        for (int i = 0; i < frames.size(); i++) {
            boolean scan = frames.get(i)[14 + 20 + 8 + RequestHeader.TYPE] == RequestHeader.SCAN;
            assertEquals(scan, atNic.get(i) == 0, "SCANs and only SCANs on executor 0, frame " + i);
        }
    }

    @Test
    void fiveTupleHashKeepsEachFlowOnTheSameIndexAtEveryHook() {
        List<byte[]> frames = requests(11, 1000);
        List<Integer> atNic = run(HookKind.NIC_RX_QUEUE, new FiveTupleHash(), frames, 6);
        List<Integer> atSocket = run(HookKind.SOCKET, new FiveTupleHash(), frames, 6);
        assertEquals(atNic, atSocket);
    }

    @Test
    void oneInstanceCanServeTwoHooksAtOnceSharingItsState() {
        try (PacketPool pool = new PacketPool(4); Tenants tenants = new Tenants().countDecisions(true)) {
            Tenant app = tenants.register("kv", 9000);
            PolicyHook nicHook = tenants.hook("nic", HookKind.NIC_RX_QUEUE);
            PolicyHook sockHook = tenants.hook("sock", HookKind.SOCKET);
            RoundRobinPolicy rr = new RoundRobinPolicy();
            app.deploy(nicHook, rr);
            app.deploy(sockHook, rr);
            RxQueueHook nic = new RxQueueHook(nicHook, rss);
            byte[] f = Frame.udp().from(PEER).to(US).ports(1, 9000).payload(new byte[4]).build();
            List<Integer> seq = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                Packet raw = Packets.copy(pool, f);
                seq.add(nic.queueFor(raw, 3));
                raw.release();
                Packet parsed = Packets.parsed(pool, f);
                seq.add(sockHook.choose(parsed, 3));
                parsed.release();
            }
            assertEquals(List.of(0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2), seq, "one counter across both hooks");
        }
    }
}
