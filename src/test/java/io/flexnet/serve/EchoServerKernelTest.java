// The echo server against the Linux kernel over a TAP: ping, UDP echo, port unreachable, tshark, bad frames.
package io.flexnet.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flexnet.fixture.Frame;
import io.flexnet.fixture.Hosts;
import io.flexnet.fixture.Hosts.Host;
import io.flexnet.nic.Await;
import io.flexnet.nic.KernelPeer;
import io.flexnet.nic.NetNs;
import io.flexnet.nic.PcapReader;
import io.flexnet.nic.Shell;
import io.flexnet.packet.Counters;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each test makes its own namespace with the TAP inside, the kernel at 198.18.0.1/24, the stack at
 * 198.18.0.2, and the kernel's own tools as clients. Skipped, with the reason printed, without root,
 * {@code /dev/net/tun} or the tool a test drives.
 */
@Timeout(60)
class EchoServerKernelTest {
    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final String STACK = KernelPeer.STACK_IP;

    @TempDir
    Path dir;

    @BeforeEach
    void needsKernelPeer() {
        NetNs.assumeAvailable();
    }

    @Test
    void kernelPingIsAnsweredAfterRealArp() throws Exception {
        NetNs.assumeCommand("ping", "iputils-ping");
        try (ServedPeer s = ServedPeer.open(null)) {
            String before = s.peer.ns().ip("neigh", "show", STACK, "dev", s.ifname()).orFail().stdout();
            assertFalse(before.contains("lladdr"), "the kernel must not know the stack's MAC yet: " + before);

            Shell.Result ping = s.peer.exec(Duration.ofSeconds(15), "ping", "-c", "3", "-i", "0.2", "-W", "2", STACK);
            assertTrue(ping.ok() && ping.stdout().contains("3 received"), ping.describe());

            // The kernel asked by ARP, our answer taught it our MAC, and every request was answered.
            assertTrue(s.server.stack().arp().counters().get("replied") >= 1, s.server.report());
            String after = s.peer.ns().ip("neigh", "show", STACK, "dev", s.ifname()).orFail().stdout();
            assertTrue(after.contains("lladdr " + Hosts.macText(KernelPeer.STACK_MAC)), "neighbour table: " + after);
            assertEquals(3, s.server.stack().icmp().counters().get("echo-answered"), s.server.report());
            assertEquals(Map.of(), s.server.engine().dropsByReason());
            assertEquals(0, s.stop(), "slots in use after stop");
        }
    }

    @Test
    void udpDatagramsComeBackIntactUpToTheMtu() throws Exception {
        NetNs.assumeCommand("socat", "socat");
        int[] sizes = {1, 64, 512, 1000, 1472};  // 1472 + 8 + 20 = 1500, the TAP's MTU
        try (ServedPeer s = ServedPeer.open(null)) {
            List<Shell.Spawned> clients = new ArrayList<>();
            long bytes = 0;
            for (int size : sizes) {
                // socat sends what it reads (one read of a small file) as one datagram and prints the answer.
                clients.add(s.peer.spawnWithInput(payload(size), "socat", "-t", "2", "-",
                        "UDP:" + STACK + ":" + ServedPeer.ECHO_PORT));
                bytes += size;
            }
            for (int i = 0; i < sizes.length; i++) {
                Shell.Result r = clients.get(i).await(Duration.ofSeconds(10));
                assertEquals(payload(sizes[i]), r.stdout(), sizes[i] + " bytes: " + r.describe());
            }
            Counters echo = s.server.echo().counters();
            assertEquals(sizes.length, echo.get("datagrams"), s.server.report());
            assertEquals(bytes, echo.get("bytes"));
            assertEquals(Map.of(), s.server.engine().dropsByReason());
            assertEquals(0, s.stop(), "slots in use after stop");
        }
    }

    @Test
    void datagramToClosedPortIsRefusedByIcmpPortUnreachable() throws Exception {
        NetNs.assumeCommand("socat", "socat");
        try (ServedPeer s = ServedPeer.open(null)) {
            // A connected UDP socket hears of the ICMP error as ECONNREFUSED on its next read.
            Shell.Result r = s.peer.spawnWithInput("anyone there?\n", "socat", "-t", "2", "-", "UDP:" + STACK + ":9")
                    .await(Duration.ofSeconds(10));
            assertFalse(r.ok(), r.describe());
            assertTrue(r.stderr().contains("Connection refused"), r.describe());
            assertEquals(1, s.server.stack().icmp().counters().get("unreachable-sent"), s.server.report());
            assertEquals(Map.of("no-socket", 1L), s.server.engine().dropsByReason());
            assertEquals(0, s.server.echo().counters().get("datagrams"));
            assertEquals(0, s.stop(), "slots in use after stop");
        }
    }

    @Test
    void tsharkOnTheTapSeesTheFramesOfTheStacksOwnCapture() throws Exception {
        NetNs.assumeCommand("tshark", "tshark");
        NetNs.assumeCommand("ping", "iputils-ping");
        NetNs.assumeCommand("socat", "socat");
        Path ours = dir.resolve("stack.pcap");
        Path theirs = dir.resolve("tshark.pcap");
        try (ServedPeer s = ServedPeer.open(ours);
             TsharkCapture tshark = TsharkCapture.start(s.peer.ns(), s.ifname(), theirs)) {
            s.peer.exec(Duration.ofSeconds(10), "ping", "-c", "2", "-i", "0.2", "-W", "2", STACK).orFail();
            Shell.Result echo = s.peer.spawnWithInput("captured both ways\n", "socat", "-t", "1", "-",
                    "UDP:" + STACK + ":" + ServedPeer.ECHO_PORT).await(Duration.ofSeconds(10));
            assertEquals("captured both ways\n", echo.stdout(), echo.describe());
            s.peer.spawnWithInput("closed\n", "socat", "-t", "1", "-", "UDP:" + STACK + ":9").await(Duration.ofSeconds(10));
            // Frames are written when the stack handles them: wait until the last reply went out.
            Await.until(WAIT, () -> s.server.stack().icmp().counters().get("unreachable-sent") == 1, s.server::report);
            Thread.sleep(300);  // let dumpcap take the last frames off the interface
            tshark.stop();
            assertEquals(0, s.stop(), "slots in use after stop");

            String[] fields = {"frame.len", "eth.src", "eth.dst", "eth.type", "ip.src", "ip.dst", "ip.proto",
                    "ip.len", "udp.srcport", "udp.dstport", "udp.length", "icmp.type", "icmp.code", "arp.opcode",
                    "_ws.col.Protocol"};
            List<String> stack = sorted(TsharkCapture.fields(ours, fields));
            List<String> kernel = sorted(TsharkCapture.fields(theirs, fields));
            assertEquals(kernel, stack, "tshark -T fields of the stack's pcap against tshark's own capture");
            // ARP both ways, two pings and replies, one echo both ways, one datagram and its port unreachable.
            assertEquals(10, stack.size(), String.join("\n", stack));
            for (String proto : new String[] {"|ARP", "|ICMP", "|ECHO", "|UDP"}) {
                assertTrue(stack.stream().anyMatch(l -> l.endsWith(proto)), proto + " missing:\n" + String.join("\n", stack));
            }
            assertEquals(sorted(frames(theirs)), sorted(frames(ours)), "frame bytes differ between the captures");
        }
    }

    @Test
    void malformedFramesFromTheKernelSideAreCountedAndPingsStillAnswered() throws Exception {
        NetNs.assumeCommand("python3", "python3");
        NetNs.assumeCommand("ping", "iputils-ping");
        try (ServedPeer s = ServedPeer.open(null)) {
            long kernelMac = s.peer.kernelMac();
            byte[] good = Frame.udp().from(new Host(kernelMac, KernelPeer.kernelIp()))
                    .to(new Host(KernelPeer.STACK_MAC, KernelPeer.stackIp())).ports(40000, ServedPeer.ECHO_PORT)
                    .payload(payload(32).getBytes(java.nio.charset.StandardCharsets.US_ASCII)).build();
            Map<String, byte[]> bad = new LinkedHashMap<>();
            byte[] f = good.clone();
            f[14 + 10] ^= (byte) 0xFF;                      // IPv4 header checksum
            bad.put("bad-ip-checksum", f);
            bad.put("truncated", java.util.Arrays.copyOf(good, 14 + 12));  // ends inside the IPv4 header
            f = good.clone();
            f[14 + 2] = 0x05;                               // total length 0x05xx: past the frame's end
            bad.put("bad-ip-length", f);
            f = good.clone();
            f[34 + 4] = 0x01;                               // UDP length 0x01xx: more than the datagram holds
            bad.put("bad-udp-length", f);
            f = good.clone();
            f[12] = (byte) 0x88;
            f[13] = (byte) 0xB5;                            // IEEE 802 local experimental ethertype
            bad.put("unknown-ethertype", f);

            // Control: the unspoilt frame, sent the same way, is echoed (to a closed kernel port: the kernel
            // answers that with ICMP, which the stack counts as icmp-unhandled).
            List<String> hex = new ArrayList<>();
            hex.add(HexFormat.of().formatHex(good));
            for (byte[] b : bad.values()) hex.add(HexFormat.of().formatHex(b));
            inject(s, hex);

            Map<String, Long> expected = new LinkedHashMap<>();
            for (String reason : bad.keySet()) expected.put(reason, 1L);
            Await.until(WAIT, () -> s.server.engine().dropsByReason().keySet().containsAll(expected.keySet())
                    && s.server.echo().counters().get("datagrams") == 1, s.server::report);
            Map<String, Long> drops = new LinkedHashMap<>(s.server.engine().dropsByReason());
            Long unhandled = drops.remove("icmp-unhandled");  // the kernel's port unreachable for the echo, if sent
            assertTrue(unhandled == null || unhandled == 1, s.server.report());
            assertEquals(expected, drops, s.server.report());

            Shell.Result ping = s.peer.exec(Duration.ofSeconds(15), "ping", "-c", "2", "-i", "0.2", "-W", "2", STACK);
            assertTrue(ping.ok() && ping.stdout().contains("2 received"), ping.describe());
            assertEquals(0, s.stop(), "slots in use after stop");
        }
    }

    /** Writes each frame into the TAP from the kernel's side through a raw packet socket. */
    private static void inject(ServedPeer s, List<String> hexFrames) {
        List<String> cmd = new ArrayList<>(List.of("python3", "-c", String.join("\n",
                "import socket, sys",
                "s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)",
                "s.bind((sys.argv[1], 0))",
                "for h in sys.argv[2:]:",
                "    s.send(bytes.fromhex(h))"), s.ifname()));
        cmd.addAll(hexFrames);
        s.peer.exec(Duration.ofSeconds(10), cmd.toArray(String[]::new)).orFail();
    }

    /** {@code n} printable bytes that differ from position to position. */
    static String payload(int n) {
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) sb.append((char) ('A' + i % 26 + (i / 26 % 2) * ('a' - 'A')));
        return sb.toString();
    }

    private static List<String> frames(Path pcap) throws Exception {
        List<String> out = new ArrayList<>();
        try (PcapReader r = PcapReader.open(pcap)) {
            while (r.next()) {
                byte[] f = r.frameBytes();
                boolean probe = f.length >= 34 && f[12] == 0x08 && f[13] == 0x00
                        && java.nio.ByteBuffer.wrap(f, 30, 4).getInt() == TsharkCapture.PROBE_DST;
                if (!probe) out.add(HexFormat.of().formatHex(f));
            }
        }
        return out;
    }

    private static List<String> sorted(List<String> l) {
        List<String> c = new ArrayList<>(l);
        c.sort(null);
        return c;
    }
}
