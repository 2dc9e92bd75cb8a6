package io.flexnet.bench;

import io.flexnet.packet.Bytes;
import io.flexnet.packet.Ip4;
import io.flexnet.packet.Ipv4Header;
import io.flexnet.packet.MacAddress;
import io.flexnet.packet.Packet;
import io.flexnet.packet.PacketPool;
import io.flexnet.packet.TcpHeader;
import io.flexnet.proto.LayerContext;
import io.flexnet.proto.NetConfig;
import io.flexnet.proto.ProtoStack;
import io.flexnet.proto.tcp.Listener;
import io.flexnet.proto.tcp.StreamConnection;
import io.flexnet.proto.tcp.Tcp;
import io.flexnet.proto.tcp.TcpConfig;
import io.flexnet.proto.tcp.TcpState;
import io.flexnet.runtime.RealRuntime;
import java.lang.foreign.MemorySegment;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@code tcp_rcv} on an established connection, the segment handed to it as {@code ip_rcv} would (its
 * cursor and addresses set), in a slot taken from the pool and filled by a copy of a template whose
 * SEQ and checksum are rewritten per segment:
 * <ul>
 * <li>{@code inOrderData}: the next in-order data segment ({@code payload} bytes) — checked, its
 *     connection found, its bytes copied into the receive buffer, every second one ACKed (an ACK built
 *     in a slot and sent down ip_send/eth_send to a device that frees it); the application reads the
 *     buffer empty every 32 segments, its cost spread over them;</li>
 * <li>{@code ackOnly}: a pure ACK acknowledging nothing new (nothing is in flight): checked, found,
 *     classified and its window taken.</li>
 * </ul>
 * Run briefly: {@code -f 1 -wi 2 -w 1 -i 3 -r 1 -prof gc} (gc.alloc.rate.norm should read 0).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class TcpRcvBench {
    private static final long OUR_MAC = MacAddress.parse("02:00:00:00:00:02");
    private static final long PEER_MAC = MacAddress.parse("02:00:00:00:00:01");
    private static final int OUR_IP = Ip4.parse("198.18.0.2");
    private static final int PEER_IP = Ip4.parse("198.18.0.1");
    private static final int PORT = 80, PEER_PORT = 40000;
    private static final int L3 = 14, L4 = 34, HLEN = 20;

    @Param({"64", "1448"})
    public int payload;

    private PacketPool pool;
    private Tcp tcp;
    private StreamConnection conn;
    private LayerContext cx;
    private MemorySegment data, ack;
    private int peerSeq, ourSeq, segments;
    private final byte[] sink = new byte[64 * 1024];

    @Setup
    public void setup() {
        pool = new PacketPool(256);
        // The device frees every frame, after noting the SEQ of the last one (the SYN-ACK's ISN).
        ProtoStack stack = new ProtoStack(new NetConfig(OUR_MAC, OUR_IP, 24, 0, 1500), pool, p -> {
            lastSeq = Bytes.i32(p.segment(), p.offset + L4 + TcpHeader.SEQ_OFFSET);
            p.release();
        }, RealRuntime.INSTANCE);
        stack.arp().learn(PEER_IP, PEER_MAC);
        tcp = Tcp.attach(stack, TcpConfig.defaults().withOptions(false, false, false));
        cx = new LayerContext();
        cx.setNow(RealRuntime.INSTANCE.nanoTime());
        Listener l = tcp.listen(PORT, 4);
        // The handshake, as the peer: SYN, read our ISN off the SYN-ACK, ACK.
        peerSeq = 1000;
        MemorySegment syn = template(0);
        write(syn, peerSeq, 0, TcpHeader.SYN);
        receive(syn, 0);
        peerSeq++;
        ourSeq = lastSeq + 1;
        MemorySegment a = template(0);
        write(a, peerSeq, ourSeq, TcpHeader.ACK);
        receive(a, 0);
        conn = l.accept();
        if (conn == null || conn.state() != TcpState.ESTABLISHED) throw new IllegalStateException("no connection");
        data = template(payload);
        ack = template(0);
    }

    private int lastSeq;

    private MemorySegment template(int len) {
        MemorySegment f = MemorySegment.ofArray(new byte[L4 + HLEN + len]);
        io.flexnet.packet.EthernetHeader.write(f, 0, OUR_MAC, PEER_MAC, io.flexnet.packet.EthernetHeader.TYPE_IPV4);
        Ipv4Header.write(f, L3, 0, 20 + HLEN + len, 1, Ipv4Header.FLAG_DF, 64, Ipv4Header.PROTO_TCP, PEER_IP, OUR_IP);
        TcpHeader.srcPort(f, L4, PEER_PORT);
        TcpHeader.dstPort(f, L4, PORT);
        TcpHeader.window(f, L4, 65535);
        for (int i = 0; i < len; i++) Bytes.u8(f, L4 + HLEN + i, i);
        return f;
    }

    private static void write(MemorySegment f, int seq, int ack, int flags) {
        Bytes.i32(f, L4 + TcpHeader.SEQ_OFFSET, seq);
        Bytes.i32(f, L4 + TcpHeader.ACK_OFFSET, ack);
        Bytes.u16(f, L4 + TcpHeader.DATA_OFFSET_OFFSET, (HLEN >>> 2) << 12 | flags);
        TcpHeader.fillChecksum(f, L4, (int) f.byteSize() - L4, PEER_IP, OUR_IP);
    }

    /** Copies the frame into a slot and hands it to tcp_rcv as ip_rcv leaves it. */
    private void receive(MemorySegment f, int len) {
        Packet p = pool.allocate();
        int n = (int) f.byteSize();
        MemorySegment.copy(f, 0, p.segment(), p.offset, n);
        p.length = n;
        p.l3Offset = p.offset + L3;
        p.l4Offset = p.offset + L4;
        p.srcIp = PEER_IP;
        p.dstIp = OUR_IP;
        p.protocol = Ipv4Header.PROTO_TCP;
        p.length = n;
        tcp.rcv().process(p, cx);
    }

    @Benchmark
    public int inOrderData() {
        write(data, peerSeq, ourSeq, TcpHeader.ACK | TcpHeader.PSH);
        receive(data, payload);
        peerSeq += payload;
        if ((++segments & 31) == 0) {
            while (conn.read(sink, 0, sink.length) > 0) { }
        }
        return peerSeq;
    }

    @Benchmark
    public int ackOnly() {
        write(ack, peerSeq, ourSeq, TcpHeader.ACK);
        receive(ack, 0);
        return peerSeq;
    }
}
