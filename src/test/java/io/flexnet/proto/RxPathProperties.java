package io.flexnet.proto;

import static io.flexnet.fixture.Hosts.PEER;
import static io.flexnet.fixture.Hosts.REMOTE;
import static io.flexnet.fixture.Hosts.SUBNET_BROADCAST;
import static io.flexnet.fixture.Hosts.US;
import io.flexnet.fixture.Frame;
import io.flexnet.fixture.Hosts;
import io.flexnet.fixture.Hosts.Host;
import io.flexnet.runtime.ManualClock;

import io.flexnet.packet.Bytes;
import io.flexnet.packet.DropCounters;
import io.flexnet.packet.DropReason;
import io.flexnet.packet.EthernetHeader;
import io.flexnet.packet.IcmpHeader;
import io.flexnet.packet.Ip4;
import io.flexnet.packet.Ipv4Header;
import io.flexnet.packet.MacAddress;
import io.flexnet.packet.Packet;
import io.flexnet.packet.PacketPool;
import io.flexnet.packet.UdpHeader;
import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * Random and mutated frames through eth_rcv → ip_rcv → udp_rcv → socket_rcv: nothing throws, every
 * frame is accounted for exactly once (delivered, answered, learned from, or dropped under a named
 * reason) and every slot returns to the pool. 1000 tries of 100-150 recipes, each fed as its frame and
 * eight variants with one more mutation: over 1,000,000 frames a run. Martian sources, forged ARP, and
 * floods of closed-port datagrams (rate-limited ICMP errors) are among the bases.
 */
class RxPathProperties {
    private static final int OPEN_PORT = 7000;
    private static final int KEEP = 8;
    private static final long PAST_ANY_TIMEOUT = Arp.DEFAULT_PENDING_TIMEOUT_NANOS + 1;
    /** Frames made from each recipe: its own and variants with one more mutation. */
    private static final int VARIANTS = 9;
    /** Virtual time between two batches. */
    private static final long BATCH_GAP = 10_000_000L;

    private static final ManualClock clock = new ManualClock(1_000_000_000L);
    private static final ArrayDeque<Packet> egress = new ArrayDeque<>();
    private static final PacketPool pool = new PacketPool(1024);
    private static final ProtoStack stack = new ProtoStack(Hosts.config(), pool, egress::add, clock);
    private static final Keeper endpoint = new Keeper();
    private static long injected;

    static {
        stack.ports().bind(OPEN_PORT, endpoint);
    }

    /** Keeps up to {@link #KEEP} datagrams, then refuses (exercising socket-full). */
    private static final class Keeper implements Endpoint {
        final List<Packet> kept = new ArrayList<>();
        @Override public int id() { return 1; }
        @Override public boolean offer(Packet p) {
            if (kept.size() >= KEEP) return false;
            kept.add(p);
            return true;
        }
    }

    enum Base { UDP_OPEN, UDP_CLOSED, UDP_BROADCAST, UDP_OFF_LINK, UDP_VLAN, UDP_MARTIAN, TCP, PING, PING_VLAN,
        PING_MARTIAN, ARP_REQUEST, ARP_REPLY, ARP_OTHER, ARP_FORGED, IP_RANDOM, RANDOM }

    /** Sources no host may have: unspecified, loopback, multicast, class E, broadcasts, our own. */
    private static final int[] MARTIANS = {0, Ip4.parse("0.1.2.3"), Ip4.parse("127.0.0.1"), Ip4.parse("224.0.0.1"),
            Ip4.parse("239.255.255.250"), Ip4.parse("240.0.0.9"), Ip4.BROADCAST, SUBNET_BROADCAST, US.ip()};

    enum Op { FLIP, SET_BYTE, TRUNCATE, PAD, IP_TOTAL_LENGTH, IHL, UDP_LENGTH, ETHERTYPE, TTL_ZERO, FRAGMENT, IP_DST }

    record Mutation(Op op, int position, int value) {}

    record Recipe(Base base, long seed, List<Mutation> mutations, boolean fixChecksums) {}

    @Provide
    Arbitrary<List<Recipe>> batches() {
        Arbitrary<Mutation> mutation = Combinators.combine(
                Arbitraries.of(Op.class), Arbitraries.integers().between(0, 1 << 16), Arbitraries.integers().between(0, 0xFFFF))
                .as(Mutation::new);
        Arbitrary<Recipe> recipe = Combinators.combine(
                Arbitraries.of(Base.class), Arbitraries.longs(), mutation.list().ofMaxSize(3), Arbitraries.of(true, false))
                .as(Recipe::new);
        return recipe.list().ofMinSize(100).ofMaxSize(150);
    }

    @Property(tries = 1000)
    void everyFrameIsAccountedForAndEverySlotReturns(@ForAll("batches") List<Recipe> batch) {
        long before = accounted();
        int frames = 0;
        for (Recipe r : batch) {
            byte[] frame = build(r);
            Random rnd = new Random(r.seed());
            for (int k = 0; k < VARIANTS; k++) {
                // The recipe's frame, then variants of it with one more mutation each: cheap to make,
                // so a run feeds a million frames within the time a test may take.
                byte[] f = k == 0 ? frame : variant(frame, rnd, r.fixChecksums());
                Packet p = pool.allocate(f, 0, f.length);
                if (p == null) throw new AssertionError("pool exhausted: " + pool.available() + " free");
                stack.receive(p);
                frames++;
            }
        }
        injected += frames;
        clock.advance(BATCH_GAP);  // time passes between batches: ICMP tokens refill, ARP timers run
        long after = accounted();
        if (after - before != frames) {
            throw new AssertionError((after - before) + " outcomes for " + batch.size() + " frames; drops "
                    + stack.dropsByReason());
        }
        for (Packet p : endpoint.kept) p.release();
        endpoint.kept.clear();
        releaseEgress();
        clock.advance(PAST_ANY_TIMEOUT);
        stack.expire();  // frames still waiting for ARP are dropped now
        releaseEgress();
        if (pool.available() != pool.capacity()) {
            throw new AssertionError("slots leaked: " + (pool.capacity() - pool.available()));
        }
    }

    @AfterContainer
    static void coveredEnoughAndReachedEveryOutcome() {
        long delivered = stack.socketRcv().counters().get("delivered");
        long echoed = stack.icmp().counters().get("echo-answered");
        long arpReplied = stack.arp().counters().get("replied");
        System.out.printf("rx properties: %d frames, %d delivered, %d echoed, %d ARP replies, drops %s%n",
                injected, delivered, echoed, arpReplied, stack.dropsByReason());
        if (injected < 1_000_000) throw new AssertionError("only " + injected + " frames injected");
        if (stack.icmp().counters().get("rate-limited") == 0) throw new AssertionError("ICMP errors were never rate-limited");
        if (stack.arp().counters().get("unsolicited") == 0 || stack.arp().counters().get("locked-out") == 0) {
            throw new AssertionError("no unsolicited or locked-out ARP frame: " + stack.arp().counters());
        }
        if (delivered == 0 || echoed == 0 || arpReplied == 0) throw new AssertionError("a valid path was never taken");
        for (DropReason r : new DropReason[] {DropReason.TRUNCATED, DropReason.NOT_FOR_US, DropReason.UNKNOWN_ETHERTYPE,
                DropReason.BAD_ARP, DropReason.BAD_IP_VERSION, DropReason.BAD_IP_HEADER_LENGTH, DropReason.BAD_IP_LENGTH,
                DropReason.BAD_IP_CHECKSUM, DropReason.TTL_EXPIRED, DropReason.IP_NOT_FOR_US, DropReason.FRAGMENT,
                DropReason.BAD_UDP_LENGTH, DropReason.BAD_UDP_CHECKSUM, DropReason.NO_SOCKET, DropReason.SOCKET_FULL,
                DropReason.UNKNOWN_PROTOCOL, DropReason.BAD_ICMP_CHECKSUM, DropReason.MARTIAN_SOURCE}) {
            if (!stack.dropsByReason().containsKey(r.label())) throw new AssertionError("never dropped as " + r.label());
        }
        pool.close();
    }

    /** Terminal receive outcomes only: forwarding steps (eth_rcv's "out", ip_rcv's "icmp") are not counted. */
    private static long accounted() {
        long n = stack.socketRcv().counters().get("delivered")
                + stack.icmp().counters().get("echo-answered")
                + stack.arp().counters().get("replied")
                + stack.arp().counters().get("learned")
                + stack.arp().counters().get("reply-ignored");
        for (DropCounters d : List.of(stack.ethRcv().drops(), stack.ipRcv().drops(), stack.l4Rcv().drops(), stack.udpRcv().drops(),
                stack.socketRcv().drops())) {
            n += d.total();
        }
        DropCounters icmp = stack.icmp().drops();
        n += icmp.get(DropReason.BAD_ICMP) + icmp.get(DropReason.BAD_ICMP_CHECKSUM) + icmp.get(DropReason.ICMP_UNHANDLED);
        DropCounters arp = stack.arp().drops();
        n += arp.get(DropReason.BAD_ARP) + arp.get(DropReason.NOT_FOR_US);
        return n;
    }

    private static void releaseEgress() {
        for (Packet p; (p = egress.poll()) != null; ) p.release();
    }

    // ---- frame construction

    static byte[] build(Recipe r) {
        Random rnd = new Random(r.seed());
        byte[] f = base(r.base(), rnd);
        for (Mutation m : r.mutations()) f = mutate(f, m);
        if (r.fixChecksums()) fixChecksums(f);
        return f.length > pool.maxFrame() ? Arrays.copyOf(f, pool.maxFrame()) : f;
    }

    private static byte[] base(Base b, Random rnd) {
        byte[] payload = new byte[rnd.nextInt(100)];
        rnd.nextBytes(payload);
        int port = 1 + rnd.nextInt(0xFFFF);
        int neighbour = Ip4.parse("198.18.0.0") + 1 + rnd.nextInt(250);
        return switch (b) {
            case UDP_OPEN -> Frame.udp().from(PEER).to(US).ports(port, OPEN_PORT).payload(payload).build();
            case UDP_CLOSED -> Frame.udp().from(PEER).to(US).ipSrc(neighbour).ports(port, port == OPEN_PORT ? 1 : port)
                    .payload(payload).build();
            case UDP_BROADCAST -> withDst(Frame.udp().from(PEER).to(US).ipDst(SUBNET_BROADCAST).ports(port, OPEN_PORT)
                    .payload(payload).build(), MacAddress.BROADCAST);
            case UDP_OFF_LINK -> Frame.udp().from(PEER).to(US).ipSrc(REMOTE.ip())
                    .ports(port, rnd.nextBoolean() ? OPEN_PORT : 9).payload(payload).build();
            case UDP_VLAN -> Frame.udp().from(PEER).to(US).ports(port, OPEN_PORT).payload(payload)
                    .vlan(rnd.nextInt(4096)).build();
            case UDP_MARTIAN -> Frame.udp().from(PEER).to(US).ipSrc(MARTIANS[rnd.nextInt(MARTIANS.length)])
                    .ports(port, rnd.nextBoolean() ? OPEN_PORT : 9).payload(payload).build();
            case TCP -> Frame.ipv4(Frame.PROTO_TCP).from(PEER).to(US)
                    .payload(Arrays.copyOf(payload, Math.max(20, payload.length))).build();
            case PING -> Frame.icmpEcho().from(PEER).to(US).ipSrc(neighbour)
                    .echo(port, rnd.nextInt(0x10000)).payload(payload).build();
            case PING_VLAN -> Frame.icmpEcho().from(PEER).to(US).echo(port, 1).payload(payload).vlan(rnd.nextInt(4096))
                    .build();
            case PING_MARTIAN -> Frame.icmpEcho().from(PEER).to(US)
                    .ipSrc(MARTIANS[rnd.nextInt(MARTIANS.length)]).echo(port, 1).payload(payload).build();
            case ARP_REQUEST -> Frame.arpRequest().from(PEER).to(US).build();
            case ARP_REPLY -> Frame.arpReply().from(new Host(0x0200_0000_0000L | rnd.nextInt(1 << 24), neighbour))
                    .to(US).build();
            case ARP_OTHER -> Frame.arpRequest().from(PEER).ipDst(neighbour).build();
            case ARP_FORGED -> {  // the peer's address with some other hardware address: a flip, or a liar
                long forged = 0x0200_0000_0000L | rnd.nextInt(1 << 24);
                int op = rnd.nextBoolean() ? 1 : 2;
                yield Frame.arpRequest().arpOp(op).from(new Host(forged, PEER.ip())).to(US).ethDst(US.mac())
                        .arpTargetMac(op == 2 ? US.mac() : 0).build();
            }
            case IP_RANDOM -> Frame.ethernet(Frame.ETHERTYPE_IPV4).from(PEER).to(US).payload(payload).build();
            case RANDOM -> payload;
        };
    }

    /** A copy of {@code f} with one more random mutation; checksums fixed again when the recipe said so. */
    private static byte[] variant(byte[] f, Random rnd, boolean fix) {
        Op[] ops = Op.values();
        byte[] v = mutate(Arrays.copyOf(f, f.length), new Mutation(ops[rnd.nextInt(ops.length)], rnd.nextInt(1 << 16),
                rnd.nextInt(0x10000)));
        if (fix) fixChecksums(v);
        return v.length > pool.maxFrame() ? Arrays.copyOf(v, pool.maxFrame()) : v;
    }

    private static byte[] withDst(byte[] f, long mac) {
        EthernetHeader.dst(MemorySegment.ofArray(f), 0, mac);
        return f;
    }

    private static byte[] mutate(byte[] f, Mutation m) {
        int pos = f.length == 0 ? 0 : m.position() % f.length;
        int v = m.value();
        switch (m.op()) {
            case FLIP -> { if (f.length > 0) f[pos] ^= (byte) (1 | v); }
            case SET_BYTE -> { if (f.length > 0) f[pos] = (byte) v; }
            case TRUNCATE -> f = Arrays.copyOf(f, m.position() % (f.length + 1));
            case PAD -> f = Arrays.copyOf(f, f.length + v % 64);
            case IP_TOTAL_LENGTH -> set16(f, 16, v);
            case IHL -> { if (f.length > 14) f[14] = (byte) (0x40 | (v & 0xF)); }
            case UDP_LENGTH -> set16(f, 38, v);
            case ETHERTYPE -> set16(f, 12, v);
            case TTL_ZERO -> { if (f.length > 22) f[22] = 0; }
            case FRAGMENT -> set16(f, 20, v);
            case IP_DST -> { if (f.length >= 34) Bytes.i32(MemorySegment.ofArray(f), 30, v % 3 == 0 ? US.ip() + v % 5 : v << 16 | v); }
        }
        return f;
    }

    private static void set16(byte[] f, int off, int v) {
        if (f.length >= off + 2) Bytes.u16(MemorySegment.ofArray(f), off, v);
    }

    /** Makes the checksums right again where the lengths allow, so mutations reach the deeper layers. */
    private static void fixChecksums(byte[] f) {
        if (f.length < 34 || (f[14] & 0xF0) != 0x40) return;
        MemorySegment s = MemorySegment.ofArray(f);
        int hlen = Ipv4Header.headerLength(s, 14);
        if (hlen < 20 || 14 + hlen > f.length) return;
        Ipv4Header.fillChecksum(s, 14);
        int l4 = 14 + hlen;
        int l4len = Math.min(Ipv4Header.totalLength(s, 14), f.length - 14) - hlen;
        int proto = Ipv4Header.protocol(s, 14);
        if (proto == Ipv4Header.PROTO_UDP && l4len >= 8) {
            int ulen = UdpHeader.length(s, l4);
            if (ulen >= 8 && ulen <= l4len) UdpHeader.fillChecksum(s, l4, Ipv4Header.src(s, 14), Ipv4Header.dst(s, 14));
        } else if (proto == Ipv4Header.PROTO_ICMP && l4len >= 8) {
            IcmpHeader.fillChecksum(s, l4, l4len);
        }
    }
}
