package io.flexnet.nic;

import static io.flexnet.fixture.Hosts.ip;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flexnet.fixture.Frame;
import io.flexnet.fixture.Hosts;
import io.flexnet.fixture.Hosts.Host;
import io.flexnet.packet.Packet;
import io.flexnet.packet.PacketPool;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Wireshark's tools as the outside judge of the pcap code: tshark must decode what CapturingNic wrote
 * (addresses, ports, protocols, lengths, checksums, timestamps), and PcapReader must read what text2pcap
 * and editcap wrote. Skipped, with the reason printed, where the tools are not installed.
 */
class TsharkTest {
    private static final long HOST = Hosts.mac("02:00:00:00:00:0a");
    private static final long PEER = Hosts.mac("02:00:00:00:00:0b");
    private static final long BASE = 1_700_000_000_123_456_789L;

    @TempDir
    Path dir;

    @BeforeEach
    void needsWiresharkTools() {
        for (String tool : new String[] {"tshark", "text2pcap", "editcap"}) {
            boolean found = Shell.has(tool);
            if (!found) System.out.println("TsharkTest skipped: " + tool + " is not installed (apt-get install -y tshark)");
            Assumptions.assumeTrue(found, tool + " is not installed (apt-get install -y tshark)");
        }
    }

    /** One expected tshark row: what the test frame builder was asked to build. */
    record Row(int len, long src, long dst, String ipSrc, String ipDst, String sport, String dport,
               String protocol, String vlan) {
        String line() {
            return String.join("|", Integer.toString(len), macString(src), macString(dst), ipSrc, ipDst,
                    sport, dport, protocol, vlan);
        }
    }

    @Test
    void tsharkDecodesWhatCapturingNicRecorded() throws Exception {
        for (PcapWriter.Precision precision : PcapWriter.Precision.values()) {
            Path file = dir.resolve("capture-" + precision + ".pcap");
            List<Row> expected = captureSomeTraffic(file, precision);
            List<String> got = tshark(file, "frame.len", "eth.src", "eth.dst", "ip.src", "ip.dst",
                    "udp.srcport", "udp.dstport", "_ws.col.Protocol", "vlan.id");
            assertEquals(expected.stream().map(Row::line).toList(), got, "tshark -T fields, " + precision);

            // Checksums the builder computed, judged by Wireshark (1 = good; ICMP is always checked), and the
            // timestamps CapturingNic was given.
            List<String> checks = tshark(file, "-o", "ip.check_checksum:TRUE", "-o", "udp.check_checksum:TRUE",
                    "frame.time_epoch", "ip.checksum.status",
                    "udp.checksum.status", "icmp.checksum.status", "arp.opcode", "icmp.type");
            for (int i = 0; i < checks.size(); i++) {
                String[] f = checks.get(i).split("\\|", -1);
                long nanos = BASE + i * 1_000_123L;
                String epoch = precision == PcapWriter.Precision.NANOS
                        ? String.format("%d.%09d", nanos / 1_000_000_000L, nanos % 1_000_000_000L)
                        : String.format("%d.%06d000", nanos / 1_000_000_000L, nanos % 1_000_000_000L / 1000);
                assertEquals(epoch, f[0], "timestamp of frame " + (i + 1));
                String protocol = expected.get(i).protocol();
                assertEquals(protocol.equals("ARP") ? "" : "1", f[1], "IPv4 checksum of frame " + (i + 1));
                assertEquals(protocol.equals("UDP") ? "1" : "", f[2], "UDP checksum of frame " + (i + 1));
                assertEquals(protocol.equals("ICMP") ? "1" : "", f[3], "ICMP checksum of frame " + (i + 1));
            }
            assertEquals("1", checks.get(indexOfProtocol(expected, "ARP")).split("\\|", -1)[4], "ARP request opcode");
            assertEquals("8", checks.get(indexOfProtocol(expected, "ICMP")).split("\\|", -1)[5], "ICMP echo type");
        }
    }

    /**
     * Pushes ARP, ICMP, three UDP flows and a VLAN-tagged UDP datagram through CapturingNic over an
     * InMemoryNic (received on two RSS queues), then transmits one reply, and returns the rows tshark
     * should print, in capture order.
     */
    private List<Row> captureSomeTraffic(Path file, PcapWriter.Precision precision) throws IOException {
        int host = ip("198.18.0.1"), peer = ip("198.18.0.2");
        byte[] hello = "hello flexnet".getBytes(StandardCharsets.US_ASCII);
        byte[][] frames = {
                Frame.arpRequest().from(new Host(PEER, peer)).ipDst(host).build(),
                Frame.icmpEcho().from(new Host(PEER, peer)).to(new Host(HOST, host)).dontFragment(false).echo(0x77, 1)
                        .payload(new byte[32]).build(),
                Frame.udp().from(new Host(PEER, peer)).to(new Host(HOST, host)).ports(40001, 7000).payload(hello)
                        .build(),
                Frame.udp().from(new Host(PEER, peer)).to(new Host(HOST, host)).ports(40002, 7001).payload(hello)
                        .build(),
                Frame.udp().from(new Host(PEER, peer)).to(new Host(HOST, host)).ports(50003, 9999)
                        .payload(new byte[100]).build(),
                Frame.udp().from(new Host(PEER, peer)).to(new Host(HOST, host)).ports(40004, 7002).payload(hello)
                        .vlan(42).build(),
        };
        Row[] rows = {
                new Row(42, PEER, 0xFFFF_FFFF_FFFFL, "", "", "", "", "ARP", ""),
                new Row(74, PEER, HOST, "198.18.0.2", "198.18.0.1", "", "", "ICMP", ""),
                new Row(55, PEER, HOST, "198.18.0.2", "198.18.0.1", "40001", "7000", "UDP", ""),
                new Row(55, PEER, HOST, "198.18.0.2", "198.18.0.1", "40002", "7001", "UDP", ""),
                new Row(142, PEER, HOST, "198.18.0.2", "198.18.0.1", "50003", "9999", "UDP", ""),
                new Row(59, PEER, HOST, "198.18.0.2", "198.18.0.1", "40004", "7002", "UDP", "42"),
        };
        long[] clock = {BASE};
        List<Row> expected = new ArrayList<>();
        try (PacketPool pool = new PacketPool(32)) {
            InMemoryNic nic = InMemoryNic.builder(pool).queues(2).build();
            try (CapturingNic capture = new CapturingNic(nic,
                    PcapWriter.create(file, precision, PcapWriter.DEFAULT_SNAPLEN),
                    () -> { long t = clock[0]; clock[0] += 1_000_123L; return t; })) {
                for (byte[] f : frames) assertTrue(nic.inject(f));
                Packet[] batch = new Packet[16];
                for (int q = 0; q < 2; q++) {
                    int n = capture.receive(q, batch, batch.length);
                    for (int i = 0; i < n; i++) {
                        expected.add(rows[indexOf(frames, batch[i].toBytes())]);
                        batch[i].release();
                    }
                }
                assertEquals(frames.length, expected.size());
                byte[] reply = Frame.udp().from(new Host(HOST, host)).to(new Host(PEER, peer)).ports(7000, 40001)
                        .payload(hello).build();
                assertTrue(capture.transmit(0, pool.allocate(reply, 0, reply.length)));
                expected.add(new Row(55, HOST, PEER, "198.18.0.1", "198.18.0.2", "7000", "40001", "UDP", ""));
                assertEquals(1, nic.drainTx(0, (q, p) -> assertArrayEquals(reply, p.toBytes()), 8));
                assertEquals(0, capture.captureErrors());
            }
            assertEquals(pool.capacity(), pool.available());
        }
        return expected;
    }

    @Test
    void readerReadsWhatText2pcapWrote() throws Exception {
        byte[][] frames = {
                Frame.arpRequest().from(new Host(PEER, ip("10.1.1.2"))).ipDst(ip("10.1.1.1")).build(),
                Frame.udp().from(new Host(PEER, ip("10.1.1.2"))).to(new Host(HOST, ip("10.1.1.1"))).ports(1234, 5678)
                        .payload(new byte[77]).build(),
        };
        StringBuilder dump = new StringBuilder();
        String[] times = {"12:00:00.250000", "12:00:01.000000"};
        for (int k = 0; k < frames.length; k++) {
            dump.append(times[k]).append('\n');
            for (int off = 0; off < frames[k].length; off += 16) {
                dump.append(String.format("%06x ", off));
                for (int i = off; i < Math.min(off + 16, frames[k].length); i++) {
                    dump.append(String.format(" %02x", frames[k][i] & 0xFF));
                }
                dump.append('\n');
            }
        }
        Path text = dir.resolve("dump.txt"), pcap = dir.resolve("text2pcap.pcap");
        Files.writeString(text, dump.toString());
        run("text2pcap", "-q", "-F", "pcap", "-t", "%H:%M:%S.%f", text.toString(), pcap.toString());
        try (PcapReader r = PcapReader.open(pcap)) {
            assertFalse(r.nanosecond());
            assertEquals(PcapWriter.LINKTYPE_ETHERNET, r.linkType());
            long first = 0;
            for (int k = 0; k < frames.length; k++) {
                assertTrue(r.next(), "record " + k);
                assertArrayEquals(frames[k], r.frameBytes());
                assertEquals(frames[k].length, r.originalLength());
                if (k == 0) first = r.timestampNanos();
                else assertEquals(750_000_000L, r.timestampNanos() - first, "text2pcap's time stamps, 0.75 s apart");
            }
            assertFalse(r.next());
        }
    }

    @Test
    void readerReadsWhatEditcapWroteFromOurFile() throws Exception {
        Path ours = dir.resolve("ours.pcap"), cut = dir.resolve("editcap.pcap");
        byte[] big = Frame.udp().from(new Host(PEER, ip("10.1.1.2"))).to(new Host(HOST, ip("10.1.1.1")))
                .ports(1234, 5678).payload(new byte[400]).build();
        byte[] small = Frame.arpRequest().from(new Host(PEER, ip("10.1.1.2"))).ipDst(ip("10.1.1.1")).build();
        try (PcapWriter w = PcapWriter.create(ours)) {
            w.write(big, BASE);
            w.write(small, BASE + 5_000);
        }
        // Rewritten as a nanosecond file with a 60-byte snaplen: a different magic, cut records.
        run("editcap", "-F", "nsecpcap", "-s", "60", ours.toString(), cut.toString());
        try (PcapReader r = PcapReader.open(cut)) {
            assertTrue(r.nanosecond());
            assertTrue(r.next());
            assertEquals(60, r.capturedLength());
            assertEquals(big.length, r.originalLength());
            assertArrayEquals(Arrays.copyOf(big, 60), r.frameBytes());
            assertEquals(BASE / 1000 * 1000, r.timestampNanos());
            assertTrue(r.next());
            assertArrayEquals(small, r.frameBytes());
            assertEquals(BASE / 1000 * 1000 + 5_000, r.timestampNanos());
            assertFalse(r.next());
        }
    }

    private List<String> tshark(Path file, String... fieldsAndOptions) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("tshark", "-n", "-r", file.toString(), "-T", "fields",
                "-E", "separator=|", "-E", "occurrence=f"));
        for (int i = 0; i < fieldsAndOptions.length; i++) {
            if (fieldsAndOptions[i].equals("-o")) {
                cmd.add("-o");
                cmd.add(fieldsAndOptions[++i]);
            } else {
                cmd.add("-e");
                cmd.add(fieldsAndOptions[i]);
            }
        }
        String out = run(cmd.toArray(String[]::new));
        return out.lines().toList();
    }

    private String run(String... cmd) throws Exception {
        Path err = Files.createTempFile(dir, "stderr", ".txt");
        Process p = new ProcessBuilder(cmd).redirectError(err.toFile()).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), String.join(" ", cmd) + " timed out");
        assertEquals(0, p.exitValue(), () -> String.join(" ", cmd) + " failed: " + readQuietly(err));
        return new String(out, StandardCharsets.UTF_8);
    }

    private static String readQuietly(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "(no stderr: " + e + ")";
        }
    }


    private static int indexOfProtocol(List<Row> rows, String protocol) {
        for (int i = 0; i < rows.size(); i++) if (rows.get(i).protocol().equals(protocol)) return i;
        throw new AssertionError("no " + protocol + " row");
    }

    private static int indexOf(byte[][] frames, byte[] f) {
        for (int i = 0; i < frames.length; i++) if (Arrays.equals(frames[i], f)) return i;
        throw new AssertionError("received a frame that was never injected");
    }

    static String macString(long mac) {
        StringBuilder sb = new StringBuilder();
        for (int shift = 40; shift >= 0; shift -= 8) {
            if (sb.length() > 0) sb.append(':');
            sb.append(String.format("%02x", mac >>> shift & 0xFF));
        }
        return sb.toString();
    }
}
