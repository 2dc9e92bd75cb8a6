package io.flexnet.proto;

import static io.flexnet.fixture.Hosts.PEER;
import static io.flexnet.fixture.Hosts.US;
import io.flexnet.fixture.Frame;
import io.flexnet.fixture.Hosts;
import io.flexnet.runtime.ManualClock;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.flexnet.packet.Packet;
import io.flexnet.packet.PacketPool;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/** The receive and send paths allocate nothing per frame once compiled (measured in bytes, not time). */
class PathAllocationTest {

    private static com.sun.management.ThreadMXBean allocationCounter() {
        assumeTrue(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean,
                "needs per-thread allocation counters");
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assumeTrue(mx.isThreadAllocatedMemorySupported(), "per-thread allocation counting unsupported");
        return mx;
    }

    @Test
    void receivePathAllocatesNothingPerFrame() {
        com.sun.management.ThreadMXBean mx = allocationCounter();
        try (Harness h = new Harness()) {
            Endpoint sink = new Endpoint() {
                @Override public int id() { return 1; }
                @Override public boolean offer(Packet p) { p.release(); return true; }
            };
            h.stack.ports().bind(7000, sink);
            byte[] frame = Frame.udp().from(PEER).to(US).ports(40000, 7000).payload(Frame.bytes(64)).build();
            for (int i = 0; i < 300_000; i++) h.receive(frame);  // let the JIT compile the path
            long tid = Thread.currentThread().threadId();
            long before = mx.getThreadAllocatedBytes(tid);
            for (int i = 0; i < 100_000; i++) h.receive(frame);
            long allocated = mx.getThreadAllocatedBytes(tid) - before;
            assertEquals(400_000, h.stack.socketRcv().out());
            // A few bytes of slack for the measurement itself; one object per frame would be >= 1.6 MB.
            assertEquals(0, allocated / 100_000, allocated + " bytes for 100,000 frames");
        }
    }

    @Test
    void sendPathAllocatesNothingPerDatagram() {
        com.sun.management.ThreadMXBean mx = allocationCounter();
        try (PacketPool pool = new PacketPool(16)) {
            ProtoStack stack = new ProtoStack(Hosts.config(), pool, Packet::release, new ManualClock());
            stack.arp().learn(PEER.ip(), PEER.mac());
            byte[] payload = Frame.bytes(64);
            for (int i = 0; i < 300_000; i++) send(stack, pool, payload);
            long tid = Thread.currentThread().threadId();
            long before = mx.getThreadAllocatedBytes(tid);
            for (int i = 0; i < 100_000; i++) send(stack, pool, payload);
            long allocated = mx.getThreadAllocatedBytes(tid) - before;
            assertEquals(400_000, stack.ethSend().out());
            assertEquals(0, allocated / 100_000, allocated + " bytes for 100,000 datagrams");
            assertEquals(pool.capacity(), pool.available());
        }
    }

    private static void send(ProtoStack stack, PacketPool pool, byte[] payload) {
        Packet p = SocketSend.allocate(pool, payload, 0, payload.length);
        p.dstIp = PEER.ip();
        p.dstPort = 9000;
        p.srcPort = 4000;
        stack.send(p);
    }
}
