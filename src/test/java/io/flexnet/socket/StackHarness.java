package io.flexnet.socket;

import static io.flexnet.fixture.Hosts.PEER;
import static io.flexnet.fixture.Hosts.US;

import io.flexnet.fixture.Frame;
import io.flexnet.fixture.Hosts;
import io.flexnet.fixture.Packets;
import io.flexnet.runtime.RealRuntime;
import io.flexnet.packet.Packet;
import io.flexnet.packet.PacketPool;
import io.flexnet.proto.Layer;
import io.flexnet.proto.LayerKind;
import io.flexnet.proto.NetConfig;
import io.flexnet.proto.ProtoStack;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A real protocol stack (US) on an in-memory pool: frames go in through the receive layers, frames the
 * send layers emit are captured with the thread that emitted them. The client (PEER) is a static ARP
 * neighbour; there is no gateway, so nothing off-link is reachable. Closing checks that every slot
 * came back.
 */
final class StackHarness implements AutoCloseable {
    final PacketPool pool;
    final ProtoStack stack;
    final ConcurrentLinkedQueue<Packet> sent = new ConcurrentLinkedQueue<>();
    final ConcurrentLinkedQueue<String> sentBy = new ConcurrentLinkedQueue<>();

    StackHarness(int slots) {
        pool = new PacketPool(slots);
        NetConfig cfg = new NetConfig(US.mac(), US.ip(), Hosts.PREFIX_LENGTH, 0, Hosts.MTU);
        stack = new ProtoStack(cfg, pool, p -> {
            sentBy.add(Thread.currentThread().getName());
            sent.add(p);
        }, RealRuntime.INSTANCE);
        stack.arp().learn(PEER.ip(), PEER.mac());
    }

    StackHarness() { this(64); }

    /** A frame from the client through eth_rcv, ip_rcv, udp_rcv, socket_rcv. */
    void receive(byte[] frame) { stack.receive(Packets.copy(pool, frame)); }

    /** A UDP datagram from the client's {@code srcPort} to our {@code dstPort}. */
    void receive(int srcPort, int dstPort, byte[] payload) {
        receive(Frame.udp().from(PEER).to(US).ports(srcPort, dstPort).payload(payload).build());
    }

    Layer layer(LayerKind k) {
        return switch (k) {
            case ETH_RCV -> stack.ethRcv();
            case IP_RCV -> stack.ipRcv();
            case L4_RCV -> stack.udpRcv();
            case SOCKET_RCV -> stack.socketRcv();
            case SOCKET_SEND -> stack.socketSend();
            case L4_SEND -> stack.udpSend();
            case IP_SEND -> stack.ipSend();
            case ETH_SEND -> stack.ethSend();
        };
    }

    long drops(io.flexnet.packet.DropReason r) {
        Long n = stack.dropsByReason().get(r.label());
        return n == null ? 0 : n;
    }

    @Override
    public void close() {
        for (Packet p; (p = sent.poll()) != null; ) p.release();
        int leaked = pool.inUse();
        pool.close();
        if (leaked != 0) throw new AssertionError("slots leaked: " + leaked);
    }
}
