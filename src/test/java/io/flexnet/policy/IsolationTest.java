package io.flexnet.policy;

import static io.flexnet.fixture.Hosts.US;
import static io.flexnet.fixture.Hosts.PEER;

import io.flexnet.fixture.Frame;
import io.flexnet.fixture.Packets;

import static org.junit.jupiter.api.Assertions.*;

import io.flexnet.nic.Rss;
import io.flexnet.packet.Packet;
import io.flexnet.packet.PacketPool;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A tenant's policy only ever sees its own tenant's inputs, at every hook. */
class IsolationTest {
    /** Records every port it is asked about, and always chooses its tenant's id modulo the choices. */
    static final class Recorder implements MatchingPolicy {
        final Tenant owner;
        final List<Integer> ports = new ArrayList<>();
        final List<Integer> tenantsSeen = new ArrayList<>();

        Recorder(Tenant owner) { this.owner = owner; }

        @Override
        public int schedule(PolicyInput in) {
            ports.add(in.dstPort());
            tenantsSeen.add(in.tenant());
            return owner.id() % in.choices();
        }
    }

    @Test
    void manyTenantsWithRandomPortLayoutsSeeOnlyTheirOwnPorts() {
        for (long seed = 1; seed <= 12; seed++) runLayout(new Random(seed));
    }

    private void runLayout(Random rnd) {
        try (PacketPool pool = new PacketPool(8); Tenants tenants = new Tenants()) {
            int base = 1000 + rnd.nextInt(60_000), span = 64;
            int[] owner = new int[span];
            java.util.Arrays.fill(owner, -1);
            List<Tenant> all = new ArrayList<>();
            int count = 2 + rnd.nextInt(30);
            for (int t = 0; t < count; t++) {
                List<Integer> mine = new ArrayList<>();
                int want = 1 + rnd.nextInt(4);
                for (int k = 0; k < want; k++) {
                    int off = rnd.nextInt(span);
                    if (owner[off] < 0) {
                        owner[off] = t;
                        mine.add(base + off);
                    }
                }
                all.add(tenants.register("t" + t, mine.stream().mapToInt(Integer::intValue).toArray()));
            }
            PolicyHook nic = tenants.hook("nic", HookKind.NIC_RX_QUEUE);
            PolicyHook rxq = tenants.hook("rxq", HookKind.RX_QUEUE);
            PolicyHook sock = tenants.hook("sock", HookKind.SOCKET);
            RxQueueHook nicSteer = new RxQueueHook(nic, new Rss(8));
            QueueHook rxSel = new QueueHook(rxq, 8, p -> 7);
            List<Recorder> recorders = new ArrayList<>();
            for (Tenant t : all) {
                Recorder r = new Recorder(t);
                recorders.add(r);
                // Some tenants deploy nowhere, some at one hook: absence must not leak inputs either.
                if (rnd.nextInt(5) > 0) t.deploy(nic, r);
                if (rnd.nextInt(5) > 0) t.deploy(rxq, r);
                if (rnd.nextInt(5) > 0) t.deploy(sock, r);
            }
            int frames = 3000, unownedExpected = 0;
            for (int i = 0; i < frames; i++) {
                int off = rnd.nextInt(span);
                int port = base + off;
                byte[] payload = new byte[rnd.nextInt(40)];
                Frame b = rnd.nextBoolean() ? Frame.udp().from(PEER).to(US).ports(1024 + rnd.nextInt(50_000), port)
                        : Frame.tcp().from(PEER).to(US).ports(1024 + rnd.nextInt(50_000), port)
                                .flags(Frame.PSH | Frame.ACK);
                if (rnd.nextInt(10) == 0) b.vlan(rnd.nextInt(4096));
                byte[] f = b.payload(payload).build();
                if (owner[off] < 0) unownedExpected++;
                Packet raw = Packets.copy(pool, f);
                int q = nicSteer.queueFor(raw, 8);
                int s = rxSel.select(raw);
                raw.release();
                Packet parsed = Packets.parsed(pool, f);
                int c = sock.choose(parsed, 8);
                parsed.release();
                if (owner[off] < 0) {
                    assertEquals(7, s, "unowned frames get the fallback selector");
                    assertEquals(MatchingPolicy.PASS, c);
                }
                assertTrue(q >= 0 && q < 8);
            }
            // Frames nobody could own: no transport header at all.
            Packet icmp = Packets.copy(pool, Frame.ipv4(1).from(PEER).to(US).ipSrc(1).ipDst(2).dontFragment(false)
                    .payload(new byte[8]).build());
            assertEquals(7, rxSel.select(icmp));
            icmp.release();

            for (int t = 0; t < all.size(); t++) {
                Tenant tenant = all.get(t);
                Set<Integer> own = new HashSet<>();
                for (int p : tenant.ports()) own.add(p);
                for (int port : recorders.get(t).ports) {
                    assertTrue(own.contains(port), tenant + " saw port " + port + ", owns " + own);
                }
                for (int id : recorders.get(t).tenantsSeen) assertEquals(tenant.id(), id);
            }
            assertEquals(unownedExpected, nic.unowned());
            assertEquals(unownedExpected, sock.unowned());
            assertEquals(unownedExpected + 1, rxq.unowned());
            assertEquals(0, pool.inUse());
        }
    }

    /**
     * The hook finds a port's policy through its own port table; after any mix of claims, releases,
     * deployments, removals and unregistrations it must still answer with exactly the port's current
     * owner's current policy, or PASS.
     */
    @Test
    void portAndDeploymentChurnKeepsEveryPortAnsweredByItsCurrentOwner() {
        Random rnd = new Random(7);
        try (PacketPool pool = new PacketPool(4); Tenants tenants = new Tenants()) {
            int base = 20_000, span = 24, choices = Tenants.DEFAULT_MAX_TENANTS;
            PolicyHook sock = tenants.hook("sock", HookKind.SOCKET);
            List<Tenant> live = new ArrayList<>();
            int made = 0;
            for (int step = 0; step < 2000; step++) {
                int port = base + rnd.nextInt(span);
                Tenant owner = tenants.ownerOf(port);
                switch (rnd.nextInt(6)) {
                    case 0 -> { if (live.size() < 12) live.add(tenants.register("t" + made++)); }
                    case 1 -> { if (!live.isEmpty() && owner == null) live.get(rnd.nextInt(live.size())).claim(port); }
                    case 2 -> { if (owner != null) owner.release(port); }
                    case 3 -> { if (!live.isEmpty()) { Tenant t = live.get(rnd.nextInt(live.size())); t.deploy(sock, new Recorder(t)); } }
                    case 4 -> { if (!live.isEmpty()) live.get(rnd.nextInt(live.size())).remove(sock); }
                    default -> { if (!live.isEmpty() && rnd.nextInt(3) == 0) tenants.unregister(live.remove(rnd.nextInt(live.size()))); }
                }
                for (int p = base; p < base + span; p++) {
                    Tenant o = tenants.ownerOf(p);
                    Deployment d = o == null ? null : o.deployment(sock);
                    Packet parsed = Packets.parsed(pool, Frame.udp().from(PEER).to(US).ports(5, p).payload(new byte[1])
                            .build());
                    int c = sock.choose(parsed, choices);
                    parsed.release();
                    assertEquals(d == null ? MatchingPolicy.PASS : o.id(), c, "step " + step + ", port " + p + ", owner " + o);
                }
            }
        }
    }

    @Test
    void aTenantSeesEveryInputForItsPortsAtEveryHookItDeployedAt() {
        try (PacketPool pool = new PacketPool(4); Tenants tenants = new Tenants()) {
            Tenant a = tenants.register("a", 7000, 7001);
            Tenant b = tenants.register("b", 8000);
            PolicyHook nic = tenants.hook("nic", HookKind.NIC_RX_QUEUE);
            Recorder ra = new Recorder(a), rb = new Recorder(b);
            a.deploy(nic, ra);
            b.deploy(nic, rb);
            RxQueueHook steer = new RxQueueHook(nic, (p, n) -> 3);
            int[] ports = {7000, 8000, 7001, 9999, 8000};
            int[] expect = {a.id() % 4, b.id() % 4, a.id() % 4, 3, b.id() % 4};
            for (int i = 0; i < ports.length; i++) {
                Packet p = Packets.copy(pool, Frame.udp().from(PEER).to(US).ports(5, ports[i]).payload(new byte[1])
                        .build());
                assertEquals(expect[i], steer.queueFor(p, 4), "port " + ports[i]);
                p.release();
            }
            assertEquals(List.of(7000, 7001), ra.ports);
            assertEquals(List.of(8000, 8000), rb.ports);
            a.release(7001);
            b.claim(7001);
            Packet p = Packets.copy(pool, Frame.udp().from(PEER).to(US).ports(5, 7001).payload(new byte[1]).build());
            steer.queueFor(p, 4);
            p.release();
            assertEquals(List.of(8000, 8000, 7001), rb.ports, "a port moves with its owner");
            assertThrows(IllegalArgumentException.class, () -> tenants.register("c", 8000));
        }
    }

    @Test
    void mapsArePerTenantUnlessOneIsSharedOnPurpose() {
        try (Tenants tenants = new Tenants()) {
            Tenant a = tenants.register("a", 7000);
            Tenant b = tenants.register("b", 8000);
            PolicyHook h = tenants.hook("h", HookKind.SOCKET);
            a.deploy(h, new ScanAvoid(4));
            b.deploy(h, new ScanAvoid(4));
            a.map(ScanAvoid.MAP).put(1, 5);
            assertEquals(0, b.map(ScanAvoid.MAP).get(1), "same name, separate maps");
            assertThrows(IllegalArgumentException.class, () -> b.map("tokens"));
            Tenant c = tenants.register("c", 9000);
            c.adoptMap(a.map(ScanAvoid.MAP));
            assertEquals(5, c.map(ScanAvoid.MAP).get(1), "shared on purpose");
        }
    }

    @Test
    void atATransmitQueueTheSourcePortDecidesTheTenant() {
        try (PacketPool pool = new PacketPool(4); Tenants tenants = new Tenants()) {
            Tenant sender = tenants.register("sender", 5000);
            Tenant receiver = tenants.register("receiver", 6000);
            PolicyHook tx = tenants.hook("tx", HookKind.TX_QUEUE);
            Recorder rs = new Recorder(sender), rr = new Recorder(receiver);
            sender.deploy(tx, rs);
            receiver.deploy(tx, rr);
            QueueHook sel = new QueueHook(tx, 4, p -> 3);
            // As socket_send leaves a datagram: payload in place, addresses and ports in the fields.
            Packet p = pool.allocate();
            p.payloadOffset = p.offset;
            p.payloadLength = p.length = 8;
            p.srcPort = 5000;
            p.dstPort = 6000;
            assertEquals(sender.id() % 4, sel.select(p));
            p.srcPort = 7000;
            assertEquals(3, sel.select(p), "nobody sends from 7000: the fallback");
            p.release();
            assertEquals(List.of(6000), rs.ports, "the sender's policy saw its datagram");
            assertTrue(rr.ports.isEmpty(), "the receiving port's owner saw nothing of it");
        }
    }
}
