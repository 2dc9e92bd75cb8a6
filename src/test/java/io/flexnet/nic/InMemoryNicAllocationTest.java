package io.flexnet.nic;

import static io.flexnet.fixture.Hosts.ip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flexnet.fixture.Frame;
import io.flexnet.fixture.Hosts;
import io.flexnet.fixture.Hosts.Host;
import io.flexnet.packet.Packet;
import io.flexnet.packet.PacketPool;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The per-packet paths (inject, RSS, receive, transmit, drain, capture) allocate nothing once warm:
 * measured with the JVM's per-thread allocation counter, not assumed.
 */
class InMemoryNicAllocationTest {
    private static final int WARMUP = 20_000;
    private static final int MEASURED = 20_000;

    @Test
    void steadyStateTrafficAllocatesNothing() throws Exception {
        var threads = ManagementFactory.getThreadMXBean();
        Assumptions.assumeTrue(threads instanceof com.sun.management.ThreadMXBean,
                "no per-thread allocation counter on this JVM");
        var counter = (com.sun.management.ThreadMXBean) threads;
        long me = Thread.currentThread().threadId();

        byte[][] frames = new byte[8][];
        for (int i = 0; i < frames.length; i++) {
            frames[i] = Frame.udp().from(new Host(Hosts.mac("02:00:00:00:00:0a"), ip("198.18.0.2")))
                    .to(new Host(Hosts.mac("02:00:00:00:00:0b"), ip("198.18.0.1"))).ports(40_000 + i, 7000).payload(new byte[22]).build();
        }
        try (PacketPool pool = new PacketPool(256);
             PcapWriter sink = new PcapWriter(new NullChannel(), PcapWriter.Precision.NANOS, 65535)) {
            InMemoryNic nic = InMemoryNic.builder(pool).queues(2).build();
            CapturingNic capture = new CapturingNic(nic, sink);
            Packet[] batch = new Packet[32];
            TxConsumer collector = (q, p) -> { };
            Runnable round = () -> {
                for (byte[] f : frames) nic.inject(f);
                for (int q = 0; q < 2; q++) {
                    int n = capture.receive(q, batch, batch.length);
                    for (int i = 0; i < n; i++) capture.transmit(q, batch[i]);
                    nic.drainTx(q, collector, 64);
                }
            };
            for (int i = 0; i < WARMUP; i++) round.run();
            long before = counter.getThreadAllocatedBytes(me);
            for (int i = 0; i < MEASURED; i++) round.run();
            long allocated = counter.getThreadAllocatedBytes(me) - before;
            long packets = (long) MEASURED * frames.length;
            System.out.printf("allocation: %d bytes over %d packets%n", allocated, packets);
            assertTrue(allocated < 4096, allocated + " bytes allocated over " + packets + " packets");
            assertEquals(pool.capacity(), pool.available());
            assertEquals(0, nic.drops().total());
            capture.close();
        }
    }

    /** A channel that accepts and forgets everything: capture cost without disk. */
    private static final class NullChannel implements java.nio.channels.WritableByteChannel {
        @Override public int write(java.nio.ByteBuffer src) {
            int n = src.remaining();
            src.position(src.limit());
            return n;
        }
        @Override public boolean isOpen() { return true; }
        @Override public void close() { }
    }
}
