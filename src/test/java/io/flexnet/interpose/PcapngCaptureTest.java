// tshark judges the pcapng a filtered NIC capture writes: points as interfaces, directions, frames.
package io.flexnet.interpose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flexnet.nic.InMemoryNic;
import io.flexnet.nic.PcapngWriter;
import io.flexnet.nic.Shell;
import io.flexnet.packet.Packet;
import io.flexnet.packet.PacketPool;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PcapngCaptureTest {
    private static final long BASE = 1_700_000_000_123_456_789L;

    @TempDir Path dir;

    @Test
    void tsharkReadsTheFilteredFramesOfBothPointsWithTheirDirections() throws Exception {
        Assumptions.assumeTrue(Shell.has("tshark"), "tshark is not installed (apt-get install -y tshark)");
        String expr = "udp port 7 or icmp";
        CaptureFilter filter = CaptureFilter.compile(expr);
        List<byte[]> frames = CaptureFrames.all();
        Path file = dir.resolve("cap.pcapng");
        List<String> expected = new ArrayList<>();
        AtomicLong clock = new AtomicLong(BASE);
        try (PacketPool pool = new PacketPool(256)) {
            InMemoryNic nic = new InMemoryNic(pool, 1);
            NicCapture cap = new NicCapture(nic, filter, PcapngWriter.create(file), () -> clock.getAndAdd(1_000));
            Packet[] batch = new Packet[8];
            for (byte[] f : frames) {
                assertTrue(nic.inject(f));
                int n = cap.receive(0, batch, batch.length);
                assertEquals(1, n);
                // Out again as if answered: the tx point sees the same frame, outbound.
                cap.transmit(0, batch[0]);
                if (filter.matchesInterpreted(MemorySegment.ofArray(f), 0, f.length)) {
                    expected.add(nic.name() + ":rx\t1\t" + f.length);
                    expected.add(nic.name() + ":tx\t2\t" + f.length);
                }
            }
            assertEquals(expected.size() / 2, cap.rxPoint().captured());
            assertEquals(frames.size(), cap.txPoint().seen());
            cap.close();
        }
        assertTrue(expected.size() >= 8, "the filter must select several frames");
        Shell.Result r = Shell.run(Duration.ofSeconds(60), "tshark", "-r", file.toString(), "-T", "fields",
                "-e", "frame.interface_name", "-e", "frame.packet_flags_direction", "-e", "frame.len").orFail();
        List<String> rows = new ArrayList<>();
        for (String line : r.stdout().split("\n")) if (!line.isBlank()) rows.add(line.replace("0x00000001", "1").replace("0x00000002", "2"));
        assertEquals(expected, rows, r.describe());
        // The points' descriptions carry where they are and the filter; timestamps are nanoseconds.
        Shell.Result d = Shell.run(Duration.ofSeconds(60), "tshark", "-r", file.toString(), "-c", "1", "-T", "fields",
                "-e", "frame.interface_description", "-e", "frame.time_epoch").orFail();
        assertTrue(d.stdout().contains("received, filter: " + expr), d.describe());
        assertTrue(d.stdout().contains("1700000000.123456789"), d.describe());
    }
}
