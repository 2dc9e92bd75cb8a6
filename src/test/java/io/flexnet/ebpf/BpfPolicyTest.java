package io.flexnet.ebpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flexnet.packet.Packet;
import io.flexnet.packet.PacketPool;
import io.flexnet.policy.Deployment;
import io.flexnet.policy.HookKind;
import io.flexnet.policy.MatchingPolicy;
import io.flexnet.policy.PolicyHook;
import io.flexnet.policy.PolicyMap;
import io.flexnet.policy.RequestHeader;
import io.flexnet.policy.RoundRobinPolicy;
import io.flexnet.policy.ScanAvoid;
import io.flexnet.policy.Sita;
import io.flexnet.policy.Tenant;
import io.flexnet.policy.Tenants;
import io.flexnet.fixture.Frame;
import io.flexnet.fixture.Hosts;
import io.flexnet.fixture.Packets;
import io.flexnet.policy.Requests;
import io.flexnet.policy.TokenBased;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Syrup's policies as C, loaded, verified, compiled and deployed at the socket hook through
 * {@code Tenant.deploy}: over 100,000 inputs each makes the same choices as its Java twin, compiled
 * and interpreted alike.
 */
class BpfPolicyTest {
    static final int PORT = 9000, CHOICES = 4, INPUTS = 100_000;

    private final PacketPool pool = new PacketPool(600);
    private final List<Packet> packets = new ArrayList<>();
    private final List<Tenants> registries = new ArrayList<>();

    @AfterEach
    void close() {
        for (Packet p : packets) p.release();
        for (Tenants t : registries) t.close();
        assertEquals(pool.capacity(), pool.available(), "every slot back");
        pool.close();
    }

    /** One tenant on PORT in a registry of its own, with the policy at its socket hook. */
    private record Side(Tenant tenant, PolicyHook hook, Deployment deployment) {}

    private Side deploy(MatchingPolicy policy) {
        Tenants t = new Tenants();
        registries.add(t);
        Tenant kv = t.register("kv", PORT);
        PolicyHook h = t.hook("sockets", HookKind.SOCKET);
        return new Side(kv, h, kv.deploy(h, policy));
    }

    /** Requests of every type, users 0-31, some too short for a type or a user. */
    private void makeInputs(Random rnd) {
        for (int i = 0; i < 512; i++) {
            byte[] payload = Requests.request(i, 1 + rnd.nextInt(3), rnd.nextInt(100), rnd.nextInt(32), rnd.nextInt(8));
            if (i % 17 == 0) payload = java.util.Arrays.copyOf(payload, rnd.nextInt(RequestHeader.LENGTH));
            packets.add(Packets.parsed(pool, udp(40_000 + i, PORT, payload)));
        }
    }

    private void sameChoices(String object, Supplier<MatchingPolicy> twin, java.util.function.BiConsumer<Random, List<Side>> app) throws Exception {
        Path o = BpfSources.object(object);
        Random rnd = new Random(42);
        makeInputs(rnd);
        List<Side> sides = List.of(deploy(twin.get()), deploy(BpfPolicy.load(o)), deploy(BpfPolicy.load(o, true, System::nanoTime)));
        java.util.Set<Integer> answers = new java.util.TreeSet<>();
        for (int i = 0; i < INPUTS; i++) {
            if (app != null && i % 7 == 0) app.accept(rnd, sides);
            Packet p = packets.get(rnd.nextInt(packets.size()));
            int java = sides.get(0).hook().choose(p, CHOICES);
            int jit = sides.get(1).hook().choose(p, CHOICES);
            int interpreted = sides.get(2).hook().choose(p, CHOICES);
            answers.add(java);
            if (java != jit || java != interpreted) {
                throw new AssertionError(object + " input " + i + ": java " + java + ", jit " + jit + ", interpreter " + interpreted);
            }
        }
        for (Side s : sides) assertEquals(0, s.deployment().faults(), s.deployment().toString());
        assertTrue(answers.size() >= 2, object + " answered only " + answers);
    }

    @Test
    void roundRobinChoosesAsItsJavaTwin() throws Exception {
        sameChoices("round_robin", RoundRobinPolicy::new, null);
    }

    @Test
    void sitaChoosesAsItsJavaTwin() throws Exception {
        sameChoices("sita", Sita::new, null);
    }

    @Test
    void scanAvoidChoosesAsItsJavaTwinWhileTheApplicationMarksSockets() throws Exception {
        sameChoices("scan_avoid", ScanAvoid::new, (rnd, sides) -> {
            int s = rnd.nextInt(CHOICES);
            boolean begin = rnd.nextBoolean();
            for (Side side : sides) {
                PolicyMap busy = side.tenant().map(ScanAvoid.MAP);
                if (begin) ScanAvoid.begin(busy, s);
                else if (busy.get(s) > 0) ScanAvoid.end(busy, s);
            }
        });
    }

    @Test
    void tokenBasedAdmitsAsItsJavaTwinWhileTheApplicationRefills() throws Exception {
        sameChoices("token_based", TokenBased::new, (rnd, sides) -> {
            int user = rnd.nextInt(32);
            long tokens = rnd.nextInt(4);
            for (Side side : sides) side.tenant().map(TokenBased.MAP).put(user, tokens);
        });
    }

    @Test
    void choosesAtAQueuePointWithFlexNetsContext() throws Exception {
        Tenants t = new Tenants();
        registries.add(t);
        PolicyHook java = t.hook("java", HookKind.RX_QUEUE), bpf = t.hook("bpf", HookKind.RX_QUEUE);
        Tenant a = t.register("a", 7000, 7001);
        a.deploy(java, in -> in.choices() == 0 ? MatchingPolicy.PASS
                : (in.dstPort() & 1) == 0 ? 0 : Integer.remainderUnsigned(in.flowHash(), in.choices()));
        a.deploy(bpf, BpfPolicy.load(BpfSources.object("queue_by_port")));
        Random rnd = new Random(3);
        java.util.Set<Integer> answers = new java.util.TreeSet<>();
        for (int i = 0; i < 2000; i++) {
            byte[] frame = udp(1024 + rnd.nextInt(60000), 7000 + rnd.nextInt(2), new byte[rnd.nextInt(40)]);
            Packet p = Packets.copy(pool, frame);  // before the layers: the hook parses the frame
            try {
                int choices = 1 + rnd.nextInt(6);
                int want = java.choose(p, choices);
                answers.add(want);
                assertEquals(want, bpf.choose(p, choices), "frame " + i);
            } finally {
                p.release();
            }
        }
        assertTrue(answers.size() > 3, answers.toString());
    }

    @Test
    void anXdpProgramChoosesTheNicQueueWithRedirectMap() throws Exception {
        Path dir = Files.createTempDirectory("bpf");
        Path c = dir.resolve("xdp.c");
        Files.writeString(c, """
                #include <linux/bpf.h>
                #include <bpf/bpf_helpers.h>
                struct {
                    __uint(type, BPF_MAP_TYPE_XSKMAP);
                    __uint(max_entries, 8);
                    __type(key, __u32);
                    __type(value, __u32);
                } queues SEC(".maps");
                SEC("xdp")
                int by_source_port(struct xdp_md *ctx)
                {
                    __u8 *p = (void *)(long)ctx->data;
                    void *end = (void *)(long)ctx->data_end;
                    if ((void *)(p + 38) > end)
                        return XDP_PASS;
                    __u16 sport = (p[34] << 8) | p[35];     /* Ethernet 14 + IPv4 20, then the UDP source port */
                    if (sport == 6666)
                        return XDP_DROP;
                    return bpf_redirect_map(&queues, sport & 3, XDP_PASS);
                }
                char LICENSE[] SEC("license") = "GPL";
                """);
        BpfPolicy xdp = BpfPolicy.load(Clang.compile(c, dir.resolve("xdp.o")));
        assertEquals(Hook.NIC_RX_QUEUE, xdp.hook());
        Tenants t = new Tenants();
        registries.add(t);
        PolicyHook nic = t.hook("nic", HookKind.NIC_RX_QUEUE);
        t.register("a", PORT).deploy(nic, xdp);
        for (int sport : new int[] {40_000, 40_001, 40_002, 40_003, 6666}) {
            Packet p = Packets.copy(pool, udp(sport, PORT, new byte[4]));
            try {
                assertEquals(sport == 6666 ? MatchingPolicy.DROP : sport & 3, nic.choose(p, 4), "source port " + sport);
                // with two queues, a key beyond them redirects nowhere: the flags' XDP_PASS is the answer
                int two = sport == 6666 ? MatchingPolicy.DROP : (sport & 3) < 2 ? sport & 3 : MatchingPolicy.PASS;
                assertEquals(two, nic.choose(p, 2), "source port " + sport + ", two queues");
            } finally {
                p.release();
            }
        }
    }

    @Test
    void sharesItsMapsWithTheApplicationUnderTheirNames() throws Exception {
        Side s = deploy(BpfPolicy.load(BpfSources.object("scan_avoid")));
        PolicyMap busy = s.tenant().map("busy");
        assertEquals(256, busy.capacity());
        makeInputs(new Random(1));
        for (int k = 0; k < CHOICES - 1; k++) ScanAvoid.begin(busy, k);
        for (int i = 0; i < 10; i++) assertEquals(CHOICES - 1, s.hook().choose(packets.get(i), CHOICES), "the only socket not in a SCAN");
    }

    @Test
    void refusesAnObjectTheVerifierRefuses() throws Exception {
        Path dir = Files.createTempDirectory("bpf");
        Path c = dir.resolve("bad.c");
        Files.writeString(c, """
                #include <linux/bpf.h>
                #include <bpf/bpf_helpers.h>
                SEC("sk_reuseport")
                int bad(struct sk_reuseport_md *md)
                {
                    __u8 *p = md->data;
                    return p[20];   /* no check against data_end */
                }
                char LICENSE[] SEC("license") = "GPL";
                """);
        Path o = Clang.compile(c, dir.resolve("bad.o"));
        Refusal r = assertThrows(Refusal.class, () -> BpfPolicy.load(o));
        assertTrue(r.reason().contains("data_end"), r.getMessage());
    }

    @Test
    void loadsVerifiesAndCompilesEachPolicyQuickly() throws Exception {
        for (String name : List.of("round_robin", "scan_avoid", "sita", "token_based")) {
            Path o = BpfSources.object(name);
            long best = Long.MAX_VALUE;
            for (int i = 0; i < 20; i++) best = Math.min(best, BpfPolicy.load(o).loadNanos());
            System.out.printf("%s: load + verify + compile %.2f ms (best of 20)%n", name, best / 1e6);
        }
    }

    /** A datagram from the peer to the stack, ports and payload as given. */
    private static byte[] udp(int srcPort, int dstPort, byte[] payload) {
        return Frame.udp().from(Hosts.PEER).to(Hosts.US).ports(srcPort, dstPort).payload(payload).build();
    }
}
