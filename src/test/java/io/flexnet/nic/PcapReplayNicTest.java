package io.flexnet.nic;

import static io.flexnet.fixture.Hosts.ip;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flexnet.fixture.Frame;
import io.flexnet.fixture.Hosts;
import io.flexnet.fixture.Hosts.Host;
import io.flexnet.packet.DropReason;
import io.flexnet.packet.Packet;
import io.flexnet.packet.PacketPool;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PcapReplayNicTest {
    private static final long A = Hosts.mac("02:00:00:00:00:0a");
    private static final long B = Hosts.mac("02:00:00:00:00:0b");

    @TempDir
    Path dir;

    private final PacketPool pool = new PacketPool(64);
    private final Packet[] batch = new Packet[64];

    @AfterEach
    void poolIsBalanced() {
        assertEquals(pool.capacity(), pool.available());
        pool.close();
    }

    private List<byte[]> writeFlows(Path file, int count) throws IOException {
        List<byte[]> frames = new ArrayList<>();
        try (PcapWriter w = PcapWriter.create(file)) {
            for (int i = 0; i < count; i++) {
                byte[] f = Frame.udp().from(new Host(A, ip("198.18.0.2"))).to(new Host(B, ip("198.18.0.1")))
                        .ports(30_000 + i * 7, 7000).payload(new byte[] {(byte) i}).build();
                frames.add(f);
                w.write(f, i * 1_000L);
            }
        }
        return frames;
    }

    @Test
    void replaysEveryFrameOntoItsRssQueueInFileOrder() throws IOException {
        Path file = dir.resolve("in.pcap");
        List<byte[]> frames = writeFlows(file, 40);
        try (PcapReplayNic nic = PcapReplayNic.open(file, pool, 4, null)) {
            Rss rss = nic.nic().rss();
            assertEquals(16, nic.replay(16));
            assertEquals(24, nic.replay(100));
            assertTrue(nic.finished());
            assertEquals(0, nic.replay(100));
            assertEquals(40, nic.replayed());
            int[] next = new int[4];
            List<List<byte[]>> perQueue = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
            for (byte[] f : frames) {
                int sport = (f[34] & 0xFF) << 8 | (f[35] & 0xFF);
                perQueue.get(rss.queueOf(rss.hash4(ip("198.18.0.2"), ip("198.18.0.1"), sport, 7000))).add(f);
            }
            for (int q = 0; q < 4; q++) {
                int n = nic.receive(q, batch, batch.length);
                assertEquals(perQueue.get(q).size(), n, "queue " + q);
                for (int i = 0; i < n; i++) {
                    assertArrayEquals(perQueue.get(q).get(next[q]++), batch[i].toBytes());
                    assertEquals(q, batch[i].rxQueue);
                    batch[i].release();
                }
            }
        }
    }

    @Test
    void transmittedFramesGoToTheTxCaptureFile() throws IOException {
        Path in = dir.resolve("in.pcap"), out = dir.resolve("out.pcap");
        List<byte[]> frames = writeFlows(in, 3);
        try (PcapReplayNic nic = PcapReplayNic.open(in, pool, 1, PcapWriter.create(out))) {
            nic.replayAll();
            int n = nic.receive(0, batch, batch.length);
            assertEquals(3, n);
            for (int i = n - 1; i >= 0; i--) assertTrue(nic.transmit(0, batch[i]));  // echo back, reversed
            assertEquals(3, nic.nic().txPackets(0));
        }
        try (PcapReader r = PcapReader.open(out)) {
            for (int i = 2; i >= 0; i--) {
                assertTrue(r.next());
                assertArrayEquals(frames.get(i), r.frameBytes());
            }
            assertFalse(r.next());
        }
    }

    @Test
    void withoutATxCaptureTransmittedFramesAreCountedAndReleased() throws IOException {
        Path in = dir.resolve("in.pcap");
        writeFlows(in, 2);
        try (PcapReplayNic nic = PcapReplayNic.open(in, pool, 1, null)) {
            nic.replayAll();
            assertEquals(2, nic.receive(0, batch, batch.length));
            nic.transmit(0, batch[0]);
            nic.transmit(0, batch[1]);
            assertEquals(2, nic.nic().txPackets(0));
            assertEquals(0, nic.drops().total());
        }
    }

    @Test
    void framesBeyondTheQueuesAreCountedNotLost() throws IOException {
        Path in = dir.resolve("in.pcap");
        writeFlows(in, 50);
        PcapReader reader = PcapReader.open(in);
        try (PcapReplayNic nic = new PcapReplayNic(reader, InMemoryNic.builder(pool).rxCapacity(16), null)) {
            assertEquals(50, nic.replayAll());
            assertEquals(34, nic.drops().get(DropReason.RX_FULL));
            assertEquals(16, nic.receive(0, batch, batch.length));
            for (int i = 0; i < 16; i++) batch[i].release();
        }
    }

    @Test
    void refusesCapturesThatAreNotEthernet() throws IOException {
        ByteBuffer b = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(PcapWriter.MAGIC_MICROS).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(65535)
                .putInt(101);  // LINKTYPE_RAW
        Path file = dir.resolve("raw.pcap");
        Files.write(file, b.array());
        PcapFormatException e = assertThrows(PcapFormatException.class, () -> PcapReplayNic.open(file, pool, 1, null));
        assertTrue(e.getMessage().contains("link type 101"), e.getMessage());
    }

    @Test
    void aCaptureReplaysToTheSameFrames() throws IOException {
        Path file = dir.resolve("cap.pcap");
        byte[][] frames = {
                Frame.arpRequest().from(new Host(A, ip("10.0.0.1"))).ipDst(ip("10.0.0.2")).build(),
                Frame.tcp().from(new Host(A, ip("10.0.0.1"))).to(new Host(B, ip("10.0.0.2"))).ports(5555, 80)
                        .flags(Frame.SYN).seq(1000).build(),
                Frame.udp().from(new Host(A, ip("10.0.0.1"))).to(new Host(B, ip("10.0.0.2"))).ports(5556, 53)
                        .payload(new byte[30]).vlan(7).build(),
        };
        InMemoryNic source = InMemoryNic.builder(pool).build();
        try (CapturingNic capture = new CapturingNic(source, PcapWriter.create(file))) {
            for (byte[] f : frames) source.inject(f);
            int n = capture.receive(0, batch, batch.length);
            for (int i = 0; i < n; i++) batch[i].release();
        }
        try (PcapReplayNic replay = PcapReplayNic.open(file, pool, 1, null)) {
            replay.replayAll();
            assertEquals(3, replay.receive(0, batch, batch.length));
            for (int i = 0; i < 3; i++) {
                assertArrayEquals(frames[i], batch[i].toBytes());
                batch[i].release();
            }
        }
    }
}
