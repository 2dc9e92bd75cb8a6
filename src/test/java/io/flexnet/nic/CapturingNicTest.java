package io.flexnet.nic;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flexnet.fixture.Frame;
import io.flexnet.fixture.Hosts;
import io.flexnet.packet.DropReason;
import io.flexnet.packet.Packet;
import io.flexnet.packet.PacketPool;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CapturingNicTest {
    @TempDir
    Path dir;

    @Test
    void recordsReceivedAndTransmittedFramesEvenTransmitsTheDriverRefuses() throws IOException {
        Path file = dir.resolve("c.pcap");
        Packet[] batch = new Packet[8];
        try (PacketPool pool = new PacketPool(16)) {
            InMemoryNic nic = InMemoryNic.builder(pool).txCapacity(1).build();
            AtomicInteger wakeups = new AtomicInteger();
            try (CapturingNic capture = new CapturingNic(nic, PcapWriter.create(file), () -> 5_000_000_000L)) {
                capture.setRxListener(q -> wakeups.incrementAndGet());
                nic.inject(numbered(60, 1));
                assertEquals(1, wakeups.get(), "listener reaches the inner driver");
                assertEquals(1, capture.receive(0, batch, 8));
                batch[0].release();
                assertTrue(capture.transmit(0, pool.allocate(numbered(61, 2), 0, 61)));
                assertFalse(capture.transmit(0, pool.allocate(numbered(62, 3), 0, 62)), "tx queue full");
                assertEquals(1, capture.drops().get(DropReason.TX_FULL));
                assertEquals(1, nic.drainTx(0, (q, p) -> { }, 8));
            }
            assertEquals(pool.capacity(), pool.available());
        }
        try (PcapReader r = PcapReader.open(file)) {
            for (int len = 60; len <= 62; len++) {
                assertTrue(r.next());
                assertEquals(len, r.capturedLength());
                assertArrayEquals(numbered(len, len - 59), r.frameBytes());
                assertEquals(5_000_000_000L, r.timestampNanos());
            }
            assertFalse(r.next());
        }
    }

    @Test
    void aFailingCaptureNeverCostsTheStackAFrame() throws IOException {
        Packet[] batch = new Packet[8];
        try (PacketPool pool = new PacketPool(16)) {
            InMemoryNic nic = InMemoryNic.builder(pool).build();
            PcapWriter writer = PcapWriter.create(dir.resolve("gone.pcap"));
            CapturingNic capture = new CapturingNic(nic, writer);
            writer.close();  // every later capture write fails
            nic.inject(numbered(60, 1));
            assertEquals(1, capture.receive(0, batch, 8));
            assertTrue(capture.transmit(0, batch[0]));
            assertEquals(2, capture.captureErrors());
            assertEquals(1, nic.drainTx(0, (q, p) -> { }, 8));
            capture.close();
            assertEquals(pool.capacity(), pool.available());
        }
    }

    /** A {@code len}-byte frame of the local-experimental EtherType whose body says which one it is. */
    private static byte[] numbered(int len, int seq) {
        return Frame.ethernet(0x88B5).from(Hosts.US).to(Hosts.PEER).payload(Frame.counter(seq, len - Frame.ETH_HEADER))
                .build();
    }
}
