// TCP against the Linux kernel over a TAP: 64 MiB both ways of open, under 2% loss, tshark's verdict, ss.
package io.flexnet.serve;

import io.flexnet.nic.TapNic;

import static org.junit.jupiter.api.Assertions.*;

import io.flexnet.nic.Await;
import io.flexnet.nic.KernelPeer;
import io.flexnet.nic.NetNs;
import io.flexnet.nic.Shell;
import io.flexnet.proto.tcp.TcpException;
import io.flexnet.socket.TcpListenSocket;
import io.flexnet.socket.TcpSocket;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each test makes its own namespace with the TAP inside (kernel 198.18.0.1, stack 198.18.0.2), pins the
 * kernel's congestion control to cubic on the route, and moves bytes with socat on the kernel's side
 * and stream sockets on ours; both ends hash what they sent and received. Skipped, with the reason
 * printed, without root, {@code /dev/net/tun} or the tools.
 */
@Timeout(value = 600, unit = TimeUnit.SECONDS)
class TcpKernelTest {
    static final long MIB = 1 << 20;
    static final long BIG = 64 * MIB;
    static final int PORT = 5001;
    static final Duration TRANSFER = Duration.ofSeconds(240);
    static final String STACK = KernelPeer.STACK_IP;

    @TempDir
    Path dir;

    @BeforeEach
    void needsKernelPeer() {
        NetNs.assumeAvailable();
        NetNs.assumeCommand("socat", "socat");
        NetNs.assumeCommand("sha256sum", "coreutils");
        NetNs.assumeCommand("ss", "iproute2");
    }

    @Test
    void kernelClientSends64MiBToOurServerByteExact() throws Exception {
        try (TcpServedPeer s = TcpServedPeer.open(null)) {
            kernelToStack(s, BIG, 1);
            assertEquals(0, s.stop(), "slots in use after stop:\n" + s.report());
        }
    }

    @Test
    void ourClientSends64MiBToAKernelServerByteExact() throws Exception {
        try (TcpServedPeer s = TcpServedPeer.open(null)) {
            stackToKernel(s, BIG, 2);
            assertEquals(0, s.stop(), "slots in use after stop:\n" + s.report());
        }
    }

    @Test
    void bothDirectionsStayByteExactWithTheKernelDroppingTwoPercentOfSegments() throws Exception {
        NetNs.assumeCommand("nft", "nftables");
        try (TcpServedPeer s = TcpServedPeer.open(null)) {
            KernelTcp.dropRandom(s.peer.ns(), 2);
            kernelToStack(s, BIG, 3);
            stackToKernel(s, BIG, 4);
            long[] dropped = KernelTcp.dropped(s.peer.ns());
            // 2% of some 90,000 segments each way (and their ACKs): hundreds dropped, or the test proved nothing.
            assertTrue(dropped[0] > 100 && dropped[1] > 100, "nftables dropped out=" + dropped[0] + " in=" + dropped[1]);
            System.out.println("2% loss: nftables dropped " + dropped[0] + " kernel segments, " + dropped[1] + " of ours");
            assertEquals(0, s.stop(), "slots in use after stop:\n" + s.report());
        }
    }

    @Test
    void superFramesBothWaysStayByteExactAtZeroAndTwoPercentLoss() throws Exception {
        NetNs.assumeCommand("nft", "nftables");
        try (TcpServedPeer s = TcpServedPeer.openWithSegmentationOffload()) {
            TapNic tap = (TapNic) s.peer.nic();
            assertTrue(tap.gsoMaxBytes() > 0, "segmentation offload is on: " + tap);
            kernelToStack(s, BIG, 5);
            stackToKernel(s, BIG, 6);
            long gro = tap.stats().get("gso-frames"), tso = tap.stats().get("tso-frames");
            // The kernel sent us super frames and took ours: else this proved nothing about them.
            assertTrue(gro > 100 && tso > 100, "super frames in=" + gro + " out=" + tso + "\n" + s.report());
            KernelTcp.dropRandom(s.peer.ns(), 2);
            kernelToStack(s, BIG / 2, 7);
            stackToKernel(s, BIG / 2, 8);
            long[] dropped = KernelTcp.dropped(s.peer.ns());
            assertTrue(dropped[0] > 10 && dropped[1] > 10, "nftables dropped out=" + dropped[0] + " in=" + dropped[1]);
            System.out.println("super frames in=" + gro + " out=" + tso + "; at 2% loss nftables dropped "
                    + dropped[0] + " of the kernel's, " + dropped[1] + " of ours");
            assertEquals(0, s.stop(), "slots in use after stop:\n" + s.report());
        }
    }

    @Test
    void superFramesThatFindNoJumboSlotAreCountedAndTheTransferStaysByteExact() throws Exception {
        // Two jumbo slots: a batch of super frames soon finds none free. Those frames are dropped as
        // pool-empty, TCP repairs them, and the next batch takes super frames whole again.
        try (TcpServedPeer s = TcpServedPeer.openWithSegmentationOffload(2)) {
            TapNic tap = (TapNic) s.peer.nic();
            kernelToStack(s, BIG / 4, 9);
            long taken = tap.stats().get("gso-frames"), starved = tap.drops().get(io.flexnet.packet.DropReason.POOL_EMPTY);
            System.out.println("two jumbo slots: super frames " + taken + ", of them dropped for want of a slot " + starved);
            assertTrue(taken - starved > 10, "super frames still taken whole after running short: " + taken + " - " + starved);
            assertEquals(0, s.stop(), "slots in use after stop:\n" + s.report());
        }
    }

    @Test
    void atZeroLossTsharkFindsNoRetransmissionNoDupAckStormAndNoViolation() throws Exception {
        NetNs.assumeCommand("tshark", "tshark");
        Path pcap = dir.resolve("tap.pcap");
        Map<String, Integer> flags;
        String[] report = {""};
        try (TcpServedPeer s = TcpServedPeer.open(null);
             TsharkCapture tshark = TsharkCapture.start(s.peer.ns(), s.ifname(), pcap)) {
            kernelToStack(s, 8 * MIB, 5);
            stackToKernel(s, 8 * MIB, 6);
            Thread.sleep(300);  // let dumpcap take the last frames off the interface
            tshark.stop();
            assertEquals(0, s.stop(), "slots in use after stop:\n" + s.report());
            // The device's drops, or the kernel's, would explain a retransmission.
            report[0] = s.report() + "kernel: " + KernelTcp.kernelCounters(s.peer.ns());
        }
        Map<String, String> senders = new java.util.LinkedHashMap<>();
        flags = KernelTcp.analysis(pcap, senders);
        String all = flags + " by sender " + senders;
        System.out.println("tshark tcp.analysis over 2 x 8 MiB at zero loss: " + all);
        // Not lost_segment or ack_lost_segment: they say the capture missed a frame (dumpcap on a loaded
        // machine does), which a real loss would show again as a retransmission.
        // A tail loss probe (RFC 8985) is the kernel's timer, not its answer to what we sent: on a loaded
        // machine our worker may not run for a few milliseconds, and the kernel rightly probes. Allowed
        // only when every retransmission was such a probe: none from SACK or duplicate-ACK recovery
        // (reordering on our side shows there), and none by an RTO.
        long probes = kernelCounter(report[0], "TcpExtTCPLossProbes");
        int retrans = flags.get("tcp.analysis.retransmission");
        if (retrans > 0 && retrans <= probes && kernelCounter(report[0], "TcpExtTCPSackRecovery") == 0
                && kernelCounter(report[0], "TcpExtTCPFastRetrans") == 0 && kernelCounter(report[0], "TcpExtTCPTimeouts") == 0) {
            System.out.println(retrans + " retransmissions, all tail loss probes of the kernel (" + probes + " probes)");
            flags.put("tcp.analysis.retransmission", 0);
        }
        for (String f : new String[] {"tcp.analysis.retransmission", "tcp.analysis.fast_retransmission",
                "tcp.analysis.spurious_retransmission", "tcp.analysis.out_of_order", "tcp.analysis.reused_ports",
                "_ws.malformed", "tcp.flags.reset == 1"}) {
            assertEquals(0, flags.get(f), f + ": " + all + "\n" + report[0]);
        }
        // The kernel dropped none of our segments as old by their timestamps (PAWS, RFC 7323 §5).
        assertFalse(report[0].contains("PAWS"), report[0]);
        // A duplicate ACK may be a window update tshark cannot tell apart; a storm is many.
        assertTrue(flags.get("tcp.analysis.duplicate_ack") <= 3, "duplicate ACKs: " + all + "\n" + report[0]);
    }

    @Test
    void theKernelNegotiatesSackWindowScalingAndTimestampsWithUs() throws Exception {
        NetNs.assumeCommand("tshark", "tshark");
        Path pcap = dir.resolve("handshakes.pcap");
        String ours, control;
        try (TcpServedPeer s = TcpServedPeer.open(null);
             TsharkCapture tshark = TsharkCapture.start(s.peer.ns(), s.ifname(), pcap)) {
            // A connection each way, held open while ss looks at the kernel's end, and one kernel to
            // kernel over loopback as the control: what ss shows of the kernel's own negotiation.
            s.peer.ns().ip("link", "set", "dev", "lo", "up").orFail();
            TcpListenSocket l = s.tcp.openListener().listen(PORT, 8);
            Shell.Spawned client = s.peer.spawn("socat", "-u", "EXEC:sleep 8", "TCP:" + STACK + ":" + PORT);
            TcpSocket accepted = l.accept(TimeUnit.SECONDS.toNanos(20));
            assertNotNull(accepted, "the kernel's connection was not accepted:\n" + s.report());
            Shell.Spawned server = s.peer.spawn("socat", "-u", "TCP-LISTEN:" + (PORT + 1) + ",reuseaddr", "STDOUT");
            TcpSocket active = connectWhenListening(s, PORT + 1);
            active.write(new byte[3000], 0, 3000);  // data the kernel ACKs, with its timestamps if negotiated
            accepted.write(new byte[3000], 0, 3000);
            Shell.Spawned loopServer = s.peer.spawn("socat", "-u", "TCP-LISTEN:" + (PORT + 2) + ",reuseaddr", "STDOUT");
            KernelTcp.awaitListening(s.peer.ns(), PORT + 2);
            Shell.Spawned loopClient = s.peer.spawn("socat", "-u", "EXEC:sleep 8", "TCP:127.0.0.1:" + (PORT + 2));
            Await.until(Duration.ofSeconds(10), () -> {
                String all = s.peer.ns().exec(Shell.QUICK, "ss", "-tin").stdout();
                return all.contains(":" + active.localPort()) && all.contains(":" + accepted.remotePort())
                        && all.contains("127.0.0.1:" + (PORT + 2));
            }, () -> s.peer.ns().exec(Shell.QUICK, "ss", "-tin").stdout());
            ours = KernelTcp.ssInfo(s.peer.ns());
            control = s.peer.ns().exec(Shell.QUICK, "ss", "-tin", "dst", "127.0.0.1").orFail().stdout();
            Thread.sleep(300);  // let dumpcap take the last frames off the interface
            tshark.stop();
            accepted.close();
            active.close();
            l.close();
            for (Shell.Spawned p : new Shell.Spawned[] {client, server, loopServer, loopClient}) p.close();
        }
        System.out.println("ss -tin at the kernel, to the stack:\n" + ours + "and kernel to kernel:\n" + control);
        // ss reports the options the kernel took (ts, sack, wscale) as words; every word the kernel-to-kernel
        // connection shows must show for ours too, and window scaling and cubic always.
        java.util.Set<String> wanted = KernelTcp.optionWords(control);
        wanted.add("wscale");
        int seen = 0;
        for (String conn : ours.split("\n(?=\\S)")) {
            if (!conn.contains(STACK)) continue;
            seen++;
            java.util.Set<String> got = KernelTcp.optionWords(conn);
            assertTrue(got.containsAll(wanted), "the kernel took " + got + " with us, " + wanted + " with itself: " + conn);
            assertTrue(conn.contains(" cubic "), "cubic pinned on the route: " + conn);
        }
        assertEquals(2, seen, ours);
        // The segments say the rest: both SYNs of each handshake offer SACK and timestamps, and the
        // kernel stamps every later segment, which it does only once timestamps were agreed (RFC 7323 §3.2).
        List<String> syns = TsharkCapture.fields(pcap, "ip.src", "tcp.flags.str", "tcp.options.sack_perm",
                "tcp.options.timestamp.tsval", "tcp.options.wscale.shift");
        int synCount = 0;
        for (String line : syns) {
            String[] f = line.split("\\|", -1);
            if (!f[1].contains("S")) continue;
            synCount++;
            assertFalse(f[2].isEmpty(), "SYN without SACK-permitted: " + line);
            assertFalse(f[3].isEmpty(), "SYN without timestamps: " + line);
            assertFalse(f[4].isEmpty(), "SYN without window scale: " + line);
        }
        assertEquals(4, synCount, String.join("\n", syns));
        long unstamped = syns.stream().map(l -> l.split("\\|", -1))
                .filter(f -> f[0].equals(KernelPeer.KERNEL_IP) && f[3].isEmpty() && !f[1].contains("R")).count();
        assertEquals(0, unstamped, "kernel segments without a timestamp:\n" + String.join("\n", syns));
    }

    @Test
    void aTenantsPolicyPicksTheAcceptingSocketAmongReusePortListenersForKernelClients() throws Exception {
        try (TcpServedPeer s = TcpServedPeer.open(null); io.flexnet.policy.Tenants tenants = new io.flexnet.policy.Tenants()) {
            io.flexnet.policy.PolicyHook hook = tenants.hook("sockets", io.flexnet.policy.HookKind.SOCKET);
            io.flexnet.policy.Tenant web = tenants.register("web", PORT);
            s.tcp.socketHook(hook);
            TcpListenSocket[] group = new TcpListenSocket[3];
            for (int i = 0; i < group.length; i++) group[i] = s.tcp.openListener().reusePort(true).listen(PORT, 16);
            web.deploy(hook, new io.flexnet.policy.RoundRobinPolicy());
            int clients = 9;
            for (int i = 0; i < clients; i++) {
                // One at a time, so the round robin's order is the clients' order.
                Shell.Result r = s.peer.spawnWithInput(i + "\n", "socat", "-u", "-", "TCP:" + STACK + ":" + PORT)
                        .await(Duration.ofSeconds(20));
                assertTrue(r.ok(), r.describe() + "\n" + s.report());
                final int want = i + 1;
                Await.until(Duration.ofSeconds(10), () -> s.tcp.group(PORT).byPolicy() == want, s::report);
            }
            byte[] buf = new byte[16];
            for (int i = 0; i < clients; i++) {
                TcpSocket c = group[i % group.length].accept(TimeUnit.SECONDS.toNanos(10));
                assertNotNull(c, "member " + (i % group.length) + " holds client " + i);
                int n = c.read(buf, 0, buf.length, TimeUnit.SECONDS.toNanos(10));
                assertEquals(i + "\n", new String(buf, 0, n), "client " + i + " landed on member " + (i % group.length));
                c.close();
            }
            assertEquals(clients, s.tcp.group(PORT).byPolicy());
            assertEquals(0, s.tcp.group(PORT).byHash());
            for (TcpListenSocket l : group) l.close();
            assertEquals(0, s.stop(), "slots in use after stop:\n" + s.report());
        }
    }

    /** socat on the kernel's side sends a file of {@code bytes} to our listening socket; both hash. */
    void kernelToStack(TcpServedPeer s, long bytes, long seed) throws Exception {
        Path file = dir.resolve("send-" + seed);
        String sent = KernelTcp.randomFile(file, bytes, seed);
        try (TcpListenSocket l = s.tcp.openListener().listen(PORT, 8)) {
            CompletableFuture<String> received = CompletableFuture.supplyAsync(() -> {
                TcpSocket c = l.accept(TimeUnit.SECONDS.toNanos(60));
                if (c == null) throw new AssertionError("nothing to accept");
                MessageDigest md = KernelTcp.sha256();
                byte[] buf = new byte[64 * 1024];
                long total = 0;
                for (int n; (n = c.read(buf, 0, buf.length)) != TcpSocket.EOF; ) {
                    md.update(buf, 0, n);
                    total += n;
                }
                c.close();
                return total + " " + HexFormat.of().formatHex(md.digest());
            });
            Shell.Result r = s.peer.exec(TRANSFER, "socat", "-u", "OPEN:" + file, "TCP:" + STACK + ":" + PORT).orFail();
            assertEquals(bytes + " " + sent, received.get(TRANSFER.toSeconds(), TimeUnit.SECONDS),
                    "kernel -> stack: " + r.describe() + "\n" + s.report());
            System.out.println("kernel -> stack " + bytes + " bytes, sha256 " + sent + " both ends");
        }
        java.nio.file.Files.delete(file);
    }

    /** Our client sends {@code bytes} seeded random bytes to socat listening on the kernel's side, which hashes. */
    void stackToKernel(TcpServedPeer s, long bytes, long seed) throws Exception {
        Shell.Spawned server = s.peer.spawn("sh", "-c",
                "socat -u TCP-LISTEN:" + PORT + ",reuseaddr STDOUT | sha256sum");
        TcpSocket c = connectWhenListening(s, PORT);
        MessageDigest md = KernelTcp.sha256();
        Random r = new Random(seed);
        byte[] buf = new byte[64 * 1024];
        for (long done = 0; done < bytes; ) {
            r.nextBytes(buf);
            int n = (int) Math.min(buf.length, bytes - done);
            md.update(buf, 0, n);
            // Bounded: a sender that stalls fails here with the counters, not at the class's time-out.
            assertEquals(n, c.write(buf, 0, n, TimeUnit.SECONDS.toNanos(60)), "a blocking write takes everything within"
                    + " a minute, at " + done + " of " + bytes + " bytes\n" + s.report());
            done += n;
        }
        c.shutdownOutput();
        String sent = HexFormat.of().formatHex(md.digest());
        Shell.Result got = server.await(TRANSFER);
        assertTrue(got.ok(), got.describe() + "\n" + s.report());
        assertEquals(sent, KernelTcp.digestOf(got), "stack -> kernel sha256\n" + s.report());
        assertEquals(TcpSocket.EOF, c.read(buf, 0, buf.length, TimeUnit.SECONDS.toNanos(20)), "the kernel closed after EOF");
        c.close();
        System.out.println("stack -> kernel " + bytes + " bytes, sha256 " + sent + " both ends");
    }

    /** Connects to the kernel's {@code port} once socat listens there (so no refusal's reset muddies a capture). */
    static TcpSocket connectWhenListening(TcpServedPeer s, int port) {
        KernelTcp.awaitListening(s.peer.ns(), port);
        TcpSocket c = s.tcp.open();
        try {
            if (c.connect(KernelPeer.kernelIp(), port, TimeUnit.SECONDS.toNanos(10))) return c;
        } catch (TcpException e) {
            throw new AssertionError("connect to the kernel's port " + port + ": " + e.getMessage() + "\n" + s.report());
        }
        throw new AssertionError("connect to the kernel's port " + port + " timed out\n" + s.report());
    }

    /** A counter from {@link KernelTcp#kernelCounters}'s line, 0 when the kernel did not print it. */
    private static long kernelCounter(String report, String name) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\b" + name + "=(\\d+)").matcher(report);
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }
}
