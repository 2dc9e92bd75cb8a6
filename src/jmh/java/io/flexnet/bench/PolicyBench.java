package io.flexnet.bench;

import io.flexnet.nic.Rss;
import io.flexnet.packet.Packet;
import io.flexnet.packet.PacketPool;
import io.flexnet.policy.FiveTupleHash;
import io.flexnet.policy.HookKind;
import io.flexnet.policy.MapSpec;
import io.flexnet.policy.Maps;
import io.flexnet.policy.PolicyHook;
import io.flexnet.policy.PolicyMap;
import io.flexnet.policy.QueueHook;
import io.flexnet.policy.RequestHeader;
import io.flexnet.policy.RoundRobinPolicy;
import io.flexnet.policy.RxQueueHook;
import io.flexnet.policy.Sita;
import io.flexnet.policy.Tenant;
import io.flexnet.policy.Tenants;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What a matching-policy call costs where the stack makes the choice (budget: 5 ns for round robin),
 * and what a map update costs. Each hook call includes the dispatch: binding the input, finding the
 * port's tenant and its policy, running it, checking the answer, counting it.
 * <ul>
 * <li>{@code *Alone}: the policy called directly on a bound input, no hook;</li>
 * <li>{@code *AtSocketHook}: after udp_rcv, the tuple comes from the packet's fields;
 * {@code rrAtSocketHookCounted} also counts each answer ({@code Tenants.countDecisions});</li>
 * <li>{@code *AtNicHook}, {@code rrAtQueueHook}: before eth_rcv, the hook parses Ethernet/IPv4/UDP itself;</li>
 * <li>{@code passUnowned}: a port nobody owns, the dispatch alone; {@code baseline}: a field read;</li>
 * <li>{@code map*}: atomic add on a direct and a hashed map, acquire get on a hashed map.</li>
 * </ul>
 * Run briefly: {@code ./flexnet jmh PolicyBench -f 1 -wi 2 -w 1 -i 3 -r 1}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class PolicyBench {
    private static final int RR_PORT = 9000, SITA_PORT = 9001, HASH_PORT = 9002, FREE_PORT = 9999;

    private PacketPool pool;
    private Tenants tenants;
    private PolicyHook sockets, countedSockets;
    private Tenants counted;
    private RxQueueHook nic;
    private QueueHook queue;
    private Packet rrParsed, sitaParsed, hashParsed, freeParsed, rrRaw, hashRaw;
    private PolicyMap direct, hashed;
    private final RoundRobinPolicy bareRr = new RoundRobinPolicy();
    private final Sita bareSita = new Sita();
    private io.flexnet.policy.PolicyInput bareInput;
    private final int[] keys = new int[1024];
    private int key;

    @Setup
    public void setup() {
        pool = new PacketPool(16);
        tenants = new Tenants();
        sockets = tenants.hook("sockets", HookKind.SOCKET);
        PolicyHook nicHook = tenants.hook("nic", HookKind.NIC_RX_QUEUE);
        PolicyHook queueHook = tenants.hook("rxq", HookKind.RX_QUEUE);
        nic = new RxQueueHook(nicHook, new Rss(4));
        queue = new QueueHook(queueHook, 4, p -> 0);
        Tenant rr = tenants.register("rr", RR_PORT);
        rr.deploy(sockets, new RoundRobinPolicy());
        rr.deploy(queueHook, new RoundRobinPolicy());
        rr.deploy(nicHook, new RoundRobinPolicy());
        tenants.register("sita", SITA_PORT).deploy(sockets, new Sita());
        Tenant hash = tenants.register("hash", HASH_PORT);
        hash.deploy(sockets, new FiveTupleHash());
        hash.deploy(nicHook, new FiveTupleHash());
        counted = new Tenants().countDecisions(true);
        countedSockets = counted.hook("sockets", HookKind.SOCKET);
        counted.register("rr", RR_PORT).deploy(countedSockets, new RoundRobinPolicy());
        rrParsed = parsed(RR_PORT);
        sitaParsed = parsed(SITA_PORT);
        hashParsed = parsed(HASH_PORT);
        freeParsed = parsed(FREE_PORT);
        rrRaw = raw(RR_PORT);
        hashRaw = raw(HASH_PORT);
        bareInput = io.flexnet.policy.PolicyInput.of(sitaParsed, 4);
        direct = Maps.allocate(MapSpec.direct("d", 1024));
        hashed = Maps.allocate(MapSpec.hashed("h", 2048));
        for (int k = 0; k < keys.length; k++) {
            keys[k] = k * 7919;  // sparse keys, as user ids are
            hashed.put(keys[k], k);
        }
    }

    @TearDown
    public void tearDown() {
        direct.close();
        hashed.close();
        tenants.close();
        counted.close();
    }

    /** An Ethernet/IPv4/UDP frame with a GET request header, from 198.18.0.2:40000. */
    private static byte[] frame(int port) {
        ByteBuffer b = ByteBuffer.allocate(14 + 20 + 8 + RequestHeader.LENGTH + 47);
        b.putShort((short) 0x0200).putInt(1).putShort((short) 0x0200).putInt(2).putShort((short) 0x0800);
        b.put((byte) 0x45).put((byte) 0).putShort((short) (b.capacity() - 14)).putInt(0x12344000);
        b.put((byte) 64).put((byte) 17).putShort((short) 0).putInt(0xC6120002).putInt(0xC6120001);
        b.putShort((short) 40000).putShort((short) port).putShort((short) (b.capacity() - 34)).putShort((short) 0);
        b.putLong(1).put((byte) RequestHeader.GET).putInt(5).putInt(1);
        return b.array();
    }

    private Packet raw(int port) {
        byte[] f = frame(port);
        return pool.allocate(f, 0, f.length);
    }

    /** As udp_rcv leaves it: tuple and payload window in the fields. */
    private Packet parsed(int port) {
        Packet p = raw(port);
        p.srcIp = 0xC6120002;
        p.dstIp = 0xC6120001;
        p.srcPort = 40000;
        p.dstPort = port;
        p.protocol = 17;
        p.payloadOffset = p.offset + 42;
        p.payloadLength = p.length - 42;
        return p;
    }

    /** The harness alone (a field read): subtract it, and read it as a gauge of how loaded the machine was. */
    @Benchmark public int baseline() { return rrParsed.dstPort & 3; }

    /** The policy alone, called on a bound input: what the policy itself costs, without the hook. */
    @Benchmark public int rrAlone() { return bareRr.schedule(bareInput); }

    @Benchmark public int sitaAlone() { return bareSita.schedule(bareInput); }

    @Benchmark public int rrAtSocketHook() { return sockets.choose(rrParsed, 4); }

    /** As {@link #rrAtSocketHook} with {@link Tenants#countDecisions} on: what counting each answer adds. */
    @Benchmark public int rrAtSocketHookCounted() { return countedSockets.choose(rrParsed, 4); }

    @Benchmark public int sitaAtSocketHook() { return sockets.choose(sitaParsed, 4); }

    @Benchmark public int hashAtSocketHook() { return sockets.choose(hashParsed, 4); }

    @Benchmark public int passUnowned() { return sockets.choose(freeParsed, 4); }

    @Benchmark public int rrAtNicHook() { return nic.queueFor(rrRaw, 4); }

    @Benchmark public int hashAtNicHook() { return nic.queueFor(hashRaw, 4); }

    @Benchmark public int rrAtQueueHook() { return queue.select(rrRaw); }

    @Benchmark public long mapAddDirect() { return direct.add(key++ & 1023, 1); }

    @Benchmark public long mapAddHashed() { return hashed.add(keys[key++ & 1023], 1); }

    @Benchmark public long mapGetHashed() { return hashed.get(keys[key++ & 1023]); }
}
