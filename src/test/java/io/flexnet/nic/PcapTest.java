package io.flexnet.nic;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PcapTest {
    @TempDir
    Path dir;

    private static byte[] frame(int len, int fill) {
        byte[] f = new byte[len];
        for (int i = 0; i < len; i++) f[i] = (byte) (fill + i);
        return f;
    }

    @Test
    void writesTheClassicLittleEndianHeaderByteForByte() throws IOException {
        Path file = dir.resolve("h.pcap");
        PcapWriter.create(file).close();
        assertEquals("d4c3b2a1" + "0200" + "0400" + "00000000" + "00000000" + "00000400" + "01000000",
                HexFormat.of().formatHex(Files.readAllBytes(file)));
        Path nanos = dir.resolve("n.pcap");
        PcapWriter.create(nanos, PcapWriter.Precision.NANOS, 65535).close();
        assertEquals("4d3cb2a1" + "0200" + "0400" + "00000000" + "00000000" + "ffff0000" + "01000000",
                HexFormat.of().formatHex(Files.readAllBytes(nanos)));
    }

    @Test
    void roundTripsFramesAndTimestampsAtBothPrecisions() throws IOException {
        long t = 1_700_000_000_123_456_789L;
        for (PcapWriter.Precision precision : PcapWriter.Precision.values()) {
            Path file = dir.resolve(precision + ".pcap");
            try (PcapWriter w = PcapWriter.create(file, precision, PcapWriter.DEFAULT_SNAPLEN);
                 Arena arena = Arena.ofConfined()) {
                w.write(frame(60, 1), t);
                MemorySegment seg = arena.allocate(300);
                MemorySegment.copy(frame(100, 2), 0, seg, ValueLayout.JAVA_BYTE, 50, 100);
                w.write(seg, 50, 100, t + 1_000_000_000L);
                w.write(frame(1514, 3), 0, 1514, t + 2);
                assertEquals(3, w.records());
            }
            try (PcapReader r = PcapReader.open(file)) {
                boolean nanos = precision == PcapWriter.Precision.NANOS;
                assertEquals(nanos, r.nanosecond());
                assertEquals(ByteOrder.LITTLE_ENDIAN, r.byteOrder());
                assertEquals(PcapWriter.LINKTYPE_ETHERNET, r.linkType());
                long micros = t / 1000 * 1000;
                assertTrue(r.next());
                assertArrayEquals(frame(60, 1), r.frameBytes());
                assertEquals(nanos ? t : micros, r.timestampNanos());
                assertEquals(24, r.recordOffset());
                assertTrue(r.next());
                assertArrayEquals(frame(100, 2), r.frameBytes());
                assertEquals((nanos ? t : micros) + 1_000_000_000L, r.timestampNanos());
                assertEquals(24 + 16 + 60, r.recordOffset());
                assertTrue(r.next());
                assertEquals(1514, r.capturedLength());
                assertEquals(1514, r.originalLength());
                assertEquals(nanos ? t + 2 : micros, r.timestampNanos());
                assertFalse(r.next());
                assertFalse(r.next(), "end stays the end");
            }
        }
    }

    @Test
    void snaplenCutsFramesButRecordsTheirOriginalLength() throws IOException {
        Path file = dir.resolve("snap.pcap");
        try (PcapWriter w = PcapWriter.create(file, PcapWriter.Precision.MICROS, 64)) {
            w.write(frame(200, 5), 0);
        }
        try (PcapReader r = PcapReader.open(file)) {
            assertEquals(64, r.snaplen());
            assertTrue(r.next());
            assertEquals(64, r.capturedLength());
            assertEquals(200, r.originalLength());
            assertArrayEquals(Arrays.copyOf(frame(200, 5), 64), r.frameBytes());
        }
    }

    @Test
    void framesLargerThanTheWriteBufferGoStraightThrough() throws IOException {
        Path file = dir.resolve("big.pcap");
        byte[] jumbo = frame(100_000, 9);
        try (PcapWriter w = PcapWriter.create(file)) {
            w.write(frame(60, 1), 1);
            w.write(jumbo, 2);
            w.write(frame(60, 2), 3);
        }
        try (PcapReader r = PcapReader.open(file)) {
            assertTrue(r.next());
            assertTrue(r.next());
            assertArrayEquals(jumbo, r.frameBytes());
            assertTrue(r.next());
            assertArrayEquals(frame(60, 2), r.frameBytes());
            assertFalse(r.next());
        }
    }

    @Test
    void readsBigEndianFilesOfBothPrecisions() throws IOException {
        for (int magic : new int[] {PcapWriter.MAGIC_MICROS, PcapWriter.MAGIC_NANOS}) {
            byte[] f = frame(42, 7);
            ByteBuffer b = ByteBuffer.allocate(24 + 16 + 42).order(ByteOrder.BIG_ENDIAN);
            b.putInt(magic).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(1500).putInt(1);
            b.putInt(1_000).putInt(999).putInt(42).putInt(60).put(f);
            Path file = dir.resolve("be.pcap");
            Files.write(file, b.array());
            try (PcapReader r = PcapReader.open(file)) {
                assertEquals(ByteOrder.BIG_ENDIAN, r.byteOrder());
                assertEquals(magic == PcapWriter.MAGIC_NANOS, r.nanosecond());
                assertEquals(1500, r.snaplen());
                assertTrue(r.next());
                assertEquals(1_000_000_000_000L + (magic == PcapWriter.MAGIC_NANOS ? 999 : 999_000), r.timestampNanos());
                assertEquals(42, r.capturedLength());
                assertEquals(60, r.originalLength());
                assertArrayEquals(f, r.frameBytes());
                assertFalse(r.next());
            }
        }
    }

    @Test
    void truncatedRecordsAreErrorsNamingTheirByteOffset() throws IOException {
        Path file = dir.resolve("t.pcap");
        try (PcapWriter w = PcapWriter.create(file)) {
            w.write(frame(60, 1), 0);
            w.write(frame(80, 2), 0);
        }
        byte[] whole = Files.readAllBytes(file);
        long second = 24 + 16 + 60;

        Files.write(file, Arrays.copyOf(whole, whole.length - 10));
        PcapFormatException e = readAll(file);
        assertTrue(e.getMessage().contains("truncated record at byte offset " + second), e.getMessage());
        assertTrue(e.getMessage().contains("80 captured bytes, only 70 remain"), e.getMessage());

        Files.write(file, Arrays.copyOf(whole, (int) second + 9));
        e = readAll(file);
        assertTrue(e.getMessage().contains("truncated record header at byte offset " + second + ": 9 of 16"), e.getMessage());

        Files.write(file, Arrays.copyOf(whole, 20));
        e = assertThrows(PcapFormatException.class, () -> PcapReader.open(file));
        assertTrue(e.getMessage().contains("file header at byte offset 0"), e.getMessage());
    }

    @Test
    void refusesOtherFormatsWithAReason() throws IOException {
        Path file = dir.resolve("x.pcap");
        byte[] pcapng = HexFormat.of().parseHex("0a0d0d0a" + "1c000000" + "4d3c2b1a" + "01000000" + "ffffffffffffffff");
        Files.write(file, pcapng);
        assertTrue(assertThrows(PcapFormatException.class, () -> PcapReader.open(file)).getMessage().contains("pcapng"));
        byte[] junk = new byte[24];
        new Random(3).nextBytes(junk);
        Files.write(file, junk);
        assertTrue(assertThrows(PcapFormatException.class, () -> PcapReader.open(file)).getMessage().contains("magic"));
        ByteBuffer v = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
        v.putInt(PcapWriter.MAGIC_MICROS).putShort((short) 1).putShort((short) 0).putInt(0).putInt(0).putInt(65535).putInt(1);
        Files.write(file, v.array());
        assertTrue(assertThrows(PcapFormatException.class, () -> PcapReader.open(file)).getMessage().contains("version 1.0"));
    }

    @Test
    void rejectsARecordLongerThanAnySnaplen() throws IOException {
        ByteBuffer b = ByteBuffer.allocate(24 + 16).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(PcapWriter.MAGIC_MICROS).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(65535).putInt(1);
        b.putInt(0).putInt(0).putInt(0x7FFF_FFFF).putInt(0x7FFF_FFFF);
        Path file = dir.resolve("huge.pcap");
        Files.write(file, b.array());
        assertTrue(readAll(file).getMessage().contains("record at byte offset 24 claims 2147483647"));
    }

    @Test
    void concurrentWritersNeverInterleaveRecords() throws Exception {
        Path file = dir.resolve("mt.pcap");
        int threads = 4, each = 2000;
        try (PcapWriter w = PcapWriter.create(file)) {
            Thread[] ts = new Thread[threads];
            for (int t = 0; t < threads; t++) {
                int id = t;
                ts[t] = new Thread(() -> {
                    for (int i = 0; i < each; i++) {
                        byte[] f = new byte[60 + (i % 50)];
                        Arrays.fill(f, (byte) id);
                        w.write(f, i);
                    }
                });
                ts[t].start();
            }
            for (Thread t : ts) t.join();
        }
        int[] perThread = new int[threads];
        try (PcapReader r = PcapReader.open(file)) {
            while (r.next()) {
                byte[] f = r.frameBytes();
                for (byte x : f) assertEquals(f[0], x, "record holds one writer's bytes");
                perThread[f[0]]++;
            }
        }
        for (int n : perThread) assertEquals(each, n);
    }

    private static PcapFormatException readAll(Path file) {
        return assertThrows(PcapFormatException.class, () -> {
            try (PcapReader r = PcapReader.open(file)) {
                while (r.next()) {
                    r.frameBytes();
                }
            }
        });
    }
}
