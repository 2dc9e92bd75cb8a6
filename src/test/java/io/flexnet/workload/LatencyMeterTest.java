// The reply side of the generator: known delays between intended send and reply come out of the histogram as they went in.
package io.flexnet.workload;

import static org.junit.jupiter.api.Assertions.*;

import io.flexnet.packet.Packet;
import io.flexnet.packet.PacketPool;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LatencyMeterTest {
    final PacketPool pool = new PacketPool(8);
    final AtomicLong clock = new AtomicLong();

    @AfterEach
    void close() {
        assertEquals(pool.capacity(), pool.available(), "every slot returned");
        pool.close();
    }

    /** A reply frame as the stack sends it: from the stack to the client, payload the echoed request. */
    Packet reply(long id, int payloadBytes) {
        byte[] payload = new byte[payloadBytes];
        java.lang.foreign.MemorySegment seg = java.lang.foreign.MemorySegment.ofArray(payload);
        KvRequest.write(seg, 0, id, KvRequest.GET, 5, 6, 10_000);
        Addresses a = Addresses.DEFAULT;
        byte[] frame = UdpFrames.frame(a.clientMac(), a.stackMac(), a.stackIp(), a.clientIp(), 9000, 1024, payload);
        return pool.allocate(frame, 0, frame.length);
    }

    void transmit(LatencyMeter m, Packet p) {
        try {
            m.onTransmit(0, p);
        } finally {
            p.release();  // the NIC releases after its handler returns
        }
    }

    @Test
    void recordsTheTimeFromIntendedSendToReply() {
        LatencyMeter m = new LatencyMeter(2, 1024, clock::get);
        m.window(0, Long.MAX_VALUE);
        long[] delays = {10_000, 25_000, 700_000, 1_234_567};
        for (int i = 0; i < delays.length; i++) {
            long intended = 1_000_000L * (i + 1);
            m.sent(i, intended, i % 2);
            clock.set(intended + delays[i]);
            transmit(m, reply(i, KvRequest.LENGTH));
        }
        Histogram c0 = m.take(0), c1 = m.take(1);
        assertEquals(2, c0.getTotalCount());
        assertEquals(2, c1.getTotalCount());
        // Three significant digits: each value comes back within 0.1%.
        assertEquals(10_000, c0.getMinValue(), 10);
        assertEquals(700_000, c0.getMaxValue(), 700);
        assertEquals(25_000, c1.getMinValue(), 25);
        assertEquals(1_234_567, c1.getMaxValue(), 1_235);
        assertEquals(4, m.responses());
    }

    @Test
    void measuresFromTheIntendedTimeEvenWhenTheRequestWentLate() {
        // The generator fell 5 ms behind: the request went late, but its latency counts from when it was due.
        LatencyMeter m = new LatencyMeter(1, 16, clock::get);
        m.window(0, Long.MAX_VALUE);
        m.sent(7, 100_000_000L, 0);
        clock.set(100_000_000L + 5_000_000 + 20_000);
        transmit(m, reply(7, 64));
        assertEquals(5_020_000, m.take(0).getValueAtPercentile(50), 5_020);
    }

    @Test
    void leavesRepliesToWarmUpRequestsOut() {
        LatencyMeter m = new LatencyMeter(1, 16, clock::get);
        m.window(1_000_000, 2_000_000);
        m.sent(1, 900_000, 0);    // warm-up: replied to inside the window, still not counted
        m.sent(2, 1_500_000, 0);  // measured
        m.sent(3, 2_000_000, 0);  // after the window
        clock.set(1_600_000);
        transmit(m, reply(1, KvRequest.LENGTH));
        transmit(m, reply(2, KvRequest.LENGTH));
        clock.set(2_100_000);
        transmit(m, reply(3, KvRequest.LENGTH));
        Histogram h = m.take(0);
        assertEquals(1, h.getTotalCount());
        assertEquals(100_000, h.getMaxValue(), 100);
        assertEquals(3, m.responses(), "all three were replies");
    }

    @Test
    void countsRepliesWhoseSlotWasReusedAsStale() {
        LatencyMeter m = new LatencyMeter(1, 16, clock::get);
        m.window(0, Long.MAX_VALUE);
        m.sent(3, 10, 0);
        m.sent(3 + 16, 20, 0);  // same slot, later request
        clock.set(1000);
        transmit(m, reply(3, KvRequest.LENGTH));
        assertEquals(1, m.stale());
        assertEquals(0, m.take(0).getTotalCount());
    }

    @Test
    void ignoresFramesThatAreNotReplies() {
        LatencyMeter m = new LatencyMeter(1, 16, clock::get);
        m.window(0, Long.MAX_VALUE);
        Packet arp = pool.allocate(new byte[60], 0, 60);  // ethertype 0: not IPv4
        transmit(m, arp);
        Addresses a = Addresses.DEFAULT;
        byte[] shortFrame = UdpFrames.frame(a.clientMac(), a.stackMac(), a.stackIp(), a.clientIp(), 9000, 1024, new byte[4]);
        transmit(m, pool.allocate(shortFrame, 0, shortFrame.length));
        assertEquals(2, m.foreign());
        assertEquals(0, m.responses());
    }
}
