package io.flexnet.bench;

import io.flexnet.interpose.CaptureFilter;
import io.flexnet.interpose.FlowTable;
import io.flexnet.interpose.FqCodel;
import io.flexnet.interpose.Filters;
import io.flexnet.interpose.Owner;
import io.flexnet.interpose.OwnerTable;
import io.flexnet.packet.Ip4;
import io.flexnet.packet.MacAddress;
import io.flexnet.packet.Packet;
import io.flexnet.packet.PacketPool;
import io.flexnet.pipeline.Coroutines;
import io.flexnet.pipeline.Pipeline;
import io.flexnet.pipeline.PipelineBuilder;
import io.flexnet.proto.Endpoint;
import io.flexnet.proto.LayerContext;
import io.flexnet.proto.NetConfig;
import io.flexnet.proto.ProtoStack;
import io.flexnet.runtime.RealRuntime;
import io.flexnet.workload.UdpFrames;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Interposition's costs per packet on one core. {@code receive}: the compiled receive path
 * eth_rcv → ip_rcv → [filter_input] → udp_rcv → socket_rcv for a valid 64-byte UDP datagram, with no
 * hook ({@code none}), the hook and an empty rule set ({@code empty}), and the hook with 20 rules the
 * datagram passes through without a match before the policy accepts it ({@code rules20}: addresses,
 * ports and ranges, flags, owners — every rule is evaluated). {@code captureFilter}: a compiled
 * tcpdump expression over the same frame. {@code fqCodel}: one enqueue and one dequeue. One slot
 * reused in place; 0 bytes per packet expected ({@code -prof gc}).
 *
 * <pre>{@code ./flexnet jmh FilterBench -prof gc}</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class FilterBench {
    static final String RULES20 = """
            table inet bench {
                chain input {
                    type filter hook input priority 0; policy accept;
                    ip saddr 10.0.0.0/8 drop
                    ip saddr 172.16.0.0/12 drop
                    ip daddr 192.0.2.0/24 drop
                    tcp dport 22 drop
                    tcp dport 5432 meta owner != pg drop
                    udp dport 5432 meta owner != pg drop
                    udp dport 3306 meta owner != my drop
                    udp sport 53 ip saddr != 198.18.0.0/15 drop
                    udp dport { 137, 138, 139, 445 } drop
                    udp dport 1000-1999 drop
                    tcp flags & (syn|ack) == syn tcp dport 80 drop
                    ip protocol icmp drop
                    udp dport 7000 meta owner pg drop
                    udp dport 7000 meta skuid root drop
                    udp dport 7000 meta program nc drop
                    ip saddr 203.0.113.0/24 udp dport 7000 drop
                    udp sport 1-1023 drop
                    udp dport 7001-7999 reject
                    iifname != "bench0" drop
                    udp dport 7000 ip saddr 198.18.1.0/24 jump other
                }
                chain other {
                    drop
                }
            }
            """;

    @Param({"none", "empty", "rules20"})
    public String hook;

    private PacketPool pool;
    private ProtoStack stack;
    private final Coroutines[] coroutines = new Coroutines[1];
    private Pipeline pipeline;
    private Packet held;
    private int frameLength;
    private long delivered;
    private long ops;
    private final LayerContext cx = LayerContext.at(0);
    private CaptureFilter capture;
    private FqCodel fq;
    private long now;

    @Setup
    public void setup() {
        long ours = MacAddress.parse("02:00:c6:12:00:02"), peer = MacAddress.parse("02:00:c6:12:00:01");
        int ourIp = Ip4.parse("198.18.0.2"), peerIp = Ip4.parse("198.18.0.1");
        pool = new PacketPool(64);
        stack = new ProtoStack(new NetConfig(ours, ourIp, 24, 0, 1500), pool, Packet::release, RealRuntime.INSTANCE);
        stack.ports().bind(7000, new Endpoint() {
            public int id() { return 1; }
            public boolean offer(Packet p) { delivered++; return true; }  // keeps the slot for the next op
        });
        coroutines[0] = new Coroutines(pool);
        OwnerTable owners = new OwnerTable();
        owners.bind(OwnerTable.PROTO_UDP, 7000, new Owner("app", "app", "app"));
        Filters fw = new Filters("bench0", owners, new FlowTable(1024, 60_000_000_000L), stack.icmp(), null);
        if (hook.equals("rules20")) fw.replace(fw.parse(RULES20, "bench.nft"));
        PipelineBuilder b = PipelineBuilder.rx("bench-" + hook, stack::layer).eth().ip();
        if (!hook.equals("none")) b.interpose(fw.ingress());
        pipeline = b.l4().socket().build();
        byte[] frame = UdpFrames.frame(ours, peer, peerIp, ourIp, 40000, 7000, new byte[64]);
        frameLength = frame.length;
        held = pool.allocate(frame, 0, frame.length);
        capture = CaptureFilter.compile("udp dst port 7000 and src net 198.18.0.0/15 and not tcp[tcpflags] & tcp-rst != 0");
        fq = new FqCodel();
    }

    @Benchmark
    public long receive() {
        ops++;
        Packet p = held;
        p.offset = pool.headroom();
        p.length = frameLength;
        p.dstPort = 0;
        coroutines[0].of(p).start(pipeline, cx);
        return delivered;
    }

    @Benchmark
    public boolean captureFilter() {
        return capture.matches(held.segment(), pool.headroom(), frameLength);
    }

    @Benchmark
    public Packet fqCodel() {
        now += 1000;
        fq.enqueue(held, now);
        return fq.dequeue(now);
    }

    @TearDown
    public void tearDown() {
        if (delivered != ops) throw new IllegalStateException("delivered " + delivered + " of " + ops + ": " + stack.dropsByReason());
        held.release();
        pool.close();
    }
}
