package io.flexnet.bench;

import io.flexnet.runtime.RealRuntime;
import io.flexnet.packet.EthernetHeader;
import io.flexnet.packet.Ip4;
import io.flexnet.packet.Ipv4Header;
import io.flexnet.packet.MacAddress;
import io.flexnet.packet.Packet;
import io.flexnet.packet.PacketPool;
import io.flexnet.packet.UdpHeader;
import io.flexnet.proto.Endpoint;
import io.flexnet.proto.LayerContext;
import io.flexnet.proto.NetConfig;
import io.flexnet.proto.ProtoStack;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
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
 * The hand-fused receive path eth_rcv → ip_rcv → udp_rcv → socket_rcv on a valid UDP frame with a
 * 64-byte payload (budget: 30 ns, 0 bytes allocated). Two variants:
 * <ul>
 * <li>{@code inPlace}: one slot, cursor fields reset, frame bytes untouched (the layers only read
 *     them): the cost of the layers alone;</li>
 * <li>{@code pooledCopy}: allocate a slot, copy the 106-byte frame in, receive, the endpoint releases
 *     it: layers plus pool round trip and copy, what a driver-fed packet costs.</li>
 * </ul>
 * Run briefly: {@code -f 1 -wi 2 -w 1 -i 2 -r 1 -prof gc} (gc.alloc.rate.norm should read 0).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class RxPathBench {
    private static final long OUR_MAC = MacAddress.parse("02:00:00:00:00:02");
    private static final long PEER_MAC = MacAddress.parse("02:00:00:00:00:01");
    private static final int OUR_IP = Ip4.parse("198.18.0.2");
    private static final int PEER_IP = Ip4.parse("198.18.0.1");
    private static final int PORT = 7000;

    private PacketPool pool;
    private ProtoStack stack;
    private MemorySegment frame;
    private int frameLength;
    private Packet held;
    private long delivered;
    /** The benchmark thread's context, as a worker has its own: made in setup, on that thread. */
    private LayerContext cx;

    /** Releases what it is given (pooled variant) or just counts it (in-place variant keeps the slot). */
    private final class Sink implements Endpoint {
        boolean release;
        @Override public int id() { return 1; }
        @Override public boolean offer(Packet p) {
            delivered++;
            if (release) p.release();
            return true;
        }
    }

    private final Sink sink = new Sink();

    @Setup
    public void setup() {
        pool = new PacketPool(64);
        NetConfig cfg = new NetConfig(OUR_MAC, OUR_IP, 24, 0, 1500);
        stack = new ProtoStack(cfg, pool, Packet::release, RealRuntime.INSTANCE);
        stack.ports().bind(PORT, sink);
        cx = new LayerContext();

        byte[] payload = new byte[64];
        for (int i = 0; i < payload.length; i++) payload[i] = (byte) i;
        frameLength = 14 + 20 + 8 + payload.length;
        frame = MemorySegment.ofArray(new byte[frameLength]);
        EthernetHeader.write(frame, 0, OUR_MAC, PEER_MAC, EthernetHeader.TYPE_IPV4);
        Ipv4Header.write(frame, 14, 0, 20 + 8 + payload.length, 1, Ipv4Header.FLAG_DF, 64, Ipv4Header.PROTO_UDP,
                PEER_IP, OUR_IP);
        MemorySegment.copy(payload, 0, frame, ValueLayout.JAVA_BYTE, 42, payload.length);
        new UdpHeader().wrap(frame, 34).srcPort(40000).dstPort(PORT).length(8 + payload.length).fillChecksum(PEER_IP, OUR_IP);

        held = pool.allocate();
        MemorySegment.copy(frame, 0, held.segment(), held.offset, frameLength);
    }

    @Benchmark
    public long inPlace() {
        sink.release = false;
        Packet p = held;
        p.offset = pool.headroom();
        p.length = frameLength;
        stack.receive(p, cx);
        return delivered;
    }

    @Benchmark
    public long pooledCopy() {
        sink.release = true;
        Packet p = pool.allocate();
        MemorySegment.copy(frame, 0, p.segment(), p.offset, frameLength);
        p.length = frameLength;
        stack.receive(p, cx);
        return delivered;
    }

    @TearDown
    public void tearDown() {
        long expected = stack.socketRcv().counters().get("delivered");
        if (expected != delivered || stack.dropsByReason().size() != 0) {
            throw new IllegalStateException("benchmark frame was not delivered every time: " + stack.dropsByReason());
        }
        held.release();
        pool.close();
    }
}
