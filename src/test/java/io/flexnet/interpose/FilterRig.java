// A stack on an in-memory pool with filter hooks in its receive and send pipelines, for filter tests.
package io.flexnet.interpose;

import io.flexnet.fixture.Hosts;
import io.flexnet.fixture.Packets;
import io.flexnet.packet.Packet;
import io.flexnet.packet.PacketPool;
import io.flexnet.pipeline.Coroutines;
import io.flexnet.pipeline.Pipeline;
import io.flexnet.pipeline.PipelineBuilder;
import io.flexnet.proto.Endpoint;
import io.flexnet.proto.LayerContext;
import io.flexnet.proto.ProtoStack;
import io.flexnet.proto.SocketSend;
import io.flexnet.runtime.ManualClock;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Receive: {@code eth ip [filter_input] l4 socket}; send: {@code socket l4 [filter_output] ip eth}.
 * Bound ports count what reaches them and free it; sent frames collect in {@link #sent}. Closing
 * checks that every slot came back.
 */
final class FilterRig implements AutoCloseable {
    final PacketPool pool = new PacketPool(1024);
    final ConcurrentLinkedQueue<Packet> sent = new ConcurrentLinkedQueue<>();
    final ManualClock clock = new ManualClock(1_000_000_000L);
    final ProtoStack stack = new ProtoStack(Hosts.config(), pool, sent::add, clock);
    final Coroutines coroutines = new Coroutines(pool);
    final OwnerTable owners = new OwnerTable();
    final Filters fw = new Filters("fx0", owners, new FlowTable(1024, 120_000_000_000L), stack.icmp(), null);
    final Pipeline rx = PipelineBuilder.rx("filtered-rx", stack::layer).eth().ip().interpose(fw.ingress()).l4().socket().build();
    final Pipeline tx = PipelineBuilder.tx("filtered-tx", stack::layer).socket().l4().interpose(fw.egress()).ip().eth().build();
    final AtomicLong delivered = new AtomicLong();

    FilterRig() {
        stack.arp().learnPermanent(Hosts.PEER.ip(), Hosts.PEER.mac());
    }

    /** A local UDP port whose datagrams are counted and freed. */
    void open(int port) {
        stack.ports().bind(port, new Endpoint() {
            @Override public int id() { return port; }
            @Override public boolean offer(Packet p) {
                delivered.incrementAndGet();
                p.release();
                return true;
            }
        });
    }

    void receive(byte[] frame, LayerContext cx) {
        Packet p = Packets.copy(pool, frame);
        coroutines.of(p).start(rx, cx);
    }

    void receive(byte[] frame) { receive(frame, LayerContext.at(clock.nanoTime())); }

    /** A datagram from local {@code srcPort} to PEER's {@code dstPort}, down the send pipeline. */
    void send(int srcPort, int dstPort, int bytes) {
        Packet p = SocketSend.allocate(pool, new byte[bytes], 0, bytes);
        p.dstIp = Hosts.PEER.ip();
        p.dstPort = dstPort;
        p.srcPort = srcPort;
        coroutines.of(p).start(tx, LayerContext.at(clock.nanoTime()));
    }

    int drainSent() {
        int n = 0;
        for (Packet p; (p = sent.poll()) != null; n++) p.release();
        return n;
    }

    @Override
    public void close() {
        drainSent();
        int available = pool.available(), capacity = pool.capacity();
        pool.close();
        if (available != capacity) throw new AssertionError("slots leaked: " + (capacity - available));
    }
}
