// The TAP driver against the Linux kernel as peer: frames both ways, checked byte by byte.
package io.flexnet.nic;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flexnet.fixture.Decoded;
import io.flexnet.fixture.Frame;
import io.flexnet.fixture.Hosts;
import io.flexnet.fixture.Hosts.Host;
import io.flexnet.packet.Packet;
import io.flexnet.packet.PacketPool;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class TapNicKernelTest {
    private static final Duration WAIT = Duration.ofSeconds(3);

    @BeforeEach
    void needsKernelPeer() {
        NetNs.assumeAvailable();
    }

    @Test
    void receivesKernelArpRequestForUnknownNeighbour() {
        NetNs.assumeCommand("ping", "iputils-ping");
        try (PacketPool pool = new PacketPool(64); KernelPeer peer = KernelPeer.open(pool)) {
            long before = System.nanoTime();
            // The kernel must resolve 198.18.0.2 before it can send the echo request: it asks by ARP.
            try (Shell.Spawned ping = peer.spawn("ping", "-c", "1", "-W", "1", KernelPeer.STACK_IP)) {
                Packet p = peer.await(WAIT, f -> Decoded.of(f).etherType == Frame.ETHERTYPE_ARP);
                assertNotNull(p, "no ARP frame from the kernel; other frames: " + peer.skipped());
                long after = System.nanoTime();
                Decoded arp = Decoded.of(p);
                assertTrue(arp.arp, "not ARP for IPv4 over Ethernet: " + arp);
                assertEquals(Hosts.BROADCAST_MAC, arp.ethDst);
                assertEquals(peer.kernelMac(), arp.ethSrc);
                assertEquals(Frame.ARP_REQUEST, arp.arpOp);
                assertEquals(peer.kernelMac(), arp.senderMac);
                assertEquals(KernelPeer.kernelIp(), arp.senderIp);
                assertEquals(KernelPeer.stackIp(), arp.targetIp);
                // Padding to Ethernet's 60-byte minimum is a card driver's job and tun does none: 42 bytes or more.
                assertTrue(p.length >= 42, "frame length " + p.length);
                assertEquals(0, p.rxQueue);
                assertTrue(p.arrivalNanos >= before && p.arrivalNanos <= after, "arrival stamp not from the clock");
                assertEquals(pool.headroom(), p.offset, "frame not read at the slot's headroom");
                p.release();
            }
            assertEquals(0, peer.nic().drops().total(), peer.nic().drops().toString());
        }
    }

    @Test
    void kernelAnswersOurArpRequestAndLearnsOurMac() {
        try (PacketPool pool = new PacketPool(64); KernelPeer peer = KernelPeer.open(pool)) {
            byte[] request = Frame.arpRequest().from(new Host(KernelPeer.STACK_MAC, KernelPeer.stackIp()))
                    .ipDst(KernelPeer.kernelIp()).build();
            assertTrue(peer.send(request), "transmit refused: " + peer.nic().drops());

            Packet p = peer.await(WAIT, f -> {
                Decoded a = Decoded.of(f);
                return a.arp && a.arpOp == Frame.ARP_REPLY;
            });
            assertNotNull(p, "no ARP reply from the kernel; other frames: " + peer.skipped());
            Decoded reply = Decoded.of(p);
            p.release();
            assertEquals(KernelPeer.STACK_MAC, reply.ethDst);
            assertEquals(peer.kernelMac(), reply.ethSrc);
            assertEquals(peer.kernelMac(), reply.senderMac);
            assertEquals(KernelPeer.kernelIp(), reply.senderIp);
            assertEquals(KernelPeer.STACK_MAC, reply.targetMac);
            assertEquals(KernelPeer.stackIp(), reply.targetIp);

            // A request aimed at the kernel's address makes it note the asker (net/ipv4/arp.c, arp_process).
            String neigh = peer.ns().ip("neigh", "show", KernelPeer.STACK_IP, "dev", peer.ifname()).orFail().stdout();
            assertTrue(neigh.contains("lladdr " + Hosts.macText(KernelPeer.STACK_MAC)), "neighbour table: " + neigh);
            assertEquals(1, peer.nic().stats().get("tx-frames"));
            assertEquals(request.length, peer.nic().stats().get("tx-bytes"));
        }
    }

    @Test
    void kernelAnswersOurIcmpEchoRequest() {
        try (PacketPool pool = new PacketPool(64); KernelPeer peer = KernelPeer.open(pool)) {
            peer.teachNeighbour();
            byte[] payload = "flexnet echo 0123456789".getBytes(StandardCharsets.US_ASCII);
            assertTrue(peer.send(Frame.icmpEcho().from(new Host(KernelPeer.STACK_MAC, KernelPeer.stackIp()))
                    .to(new Host(peer.kernelMac(), KernelPeer.kernelIp())).echo(0x1234, 7).payload(payload).build()));

            Packet p = peer.await(WAIT, TapNicKernelTest::isEcho);
            assertNotNull(p, "no echo reply from the kernel; other frames: " + peer.skipped());
            Decoded echo = Decoded.of(p);
            p.release();
            assertEquals(Frame.ICMP_ECHO_REPLY, echo.icmpType);
            assertEquals(KernelPeer.STACK_MAC, echo.ethDst);
            assertEquals(peer.kernelMac(), echo.ethSrc);
            assertEquals(KernelPeer.kernelIp(), echo.srcIp);
            assertEquals(KernelPeer.stackIp(), echo.dstIp);
            assertEquals(0x1234, echo.icmpId);
            assertEquals(7, echo.icmpSeq);
            assertArrayEquals(payload, echo.payload);
            assertTrue(echo.ipChecksumOk && echo.l4ChecksumOk, "kernel's checksums do not verify");
        }
    }

    @Test
    void kernelSocketGetsOurHandBuiltUdpReply() {
        NetNs.assumeCommand("socat", "socat");
        try (PacketPool pool = new PacketPool(64); KernelPeer peer = KernelPeer.open(pool)) {
            peer.teachNeighbour();
            // socat sends its input as one datagram, then waits up to 1 s for an answer and prints it.
            try (Shell.Spawned socat = peer.spawnWithInput("ping from kernel\n",
                    "socat", "-t", "1", "-", "UDP:" + KernelPeer.STACK_IP + ":7")) {
                Packet p = peer.await(WAIT, TapNicKernelTest::isUdp);
                assertNotNull(p, "no datagram from socat; other frames: " + peer.skipped());
                Decoded in = Decoded.of(p);
                p.release();
                assertEquals(KernelPeer.kernelIp(), in.srcIp);
                assertEquals(KernelPeer.stackIp(), in.dstIp);
                assertEquals(7, in.dstPort);
                assertEquals("ping from kernel\n", new String(in.payload, StandardCharsets.US_ASCII));
                assertTrue(in.ipChecksumOk && in.l4ChecksumOk, "kernel's checksums do not verify");

                assertTrue(peer.send(Frame.udp().from(new Host(KernelPeer.STACK_MAC, KernelPeer.stackIp()))
                        .to(new Host(peer.kernelMac(), KernelPeer.kernelIp())).ports(7, in.srcPort)
                        .payload("pong from stack\n".getBytes(StandardCharsets.US_ASCII)).build()));
                Shell.Result r = socat.await(WAIT);
                assertEquals("pong from stack\n", r.stdout(), r.describe());
            }
        }
    }

    @Test
    void servesOneInterfaceWithTwoQueues() throws Exception {
        try (PacketPool pool = new PacketPool(64); KernelPeer peer = KernelPeer.open(pool, 2, 64)) {
            assertEquals(2, peer.nic().rxQueues());
            assertEquals(2, peer.nic().txQueues());
            // Each attached file is one kernel queue: the namespace's sysfs lists tx-0 and tx-1.
            String queues = peer.exec(Shell.QUICK, "ls", "/sys/class/net/" + peer.ifname() + "/queues").orFail().stdout();
            assertTrue(queues.contains("tx-0") && queues.contains("tx-1") && !queues.contains("tx-2"), queues);
            String flags = peer.exec(Shell.QUICK, "cat", Tun.sysfsFlags(peer.ifname())).orFail().stdout().trim();
            assertEquals(Tun.IFF_TAP | Tun.IFF_NO_PI | Tun.IFF_VNET_HDR | Tun.IFF_MULTI_QUEUE, Integer.decode(flags));

            peer.teachNeighbour();
            for (int txq = 0; txq < 2; txq++) {
                byte[] payload = ("queue " + txq).getBytes(StandardCharsets.US_ASCII);
                assertTrue(peer.send(txq, Frame.icmpEcho().from(new Host(KernelPeer.STACK_MAC, KernelPeer.stackIp()))
                        .to(new Host(peer.kernelMac(), KernelPeer.kernelIp())).echo(0x4242, txq).payload(payload)
                        .build()));
                final int seq = txq;
                Packet p = peer.await(WAIT, f -> {
                    Decoded e = Decoded.of(f);
                    return isEcho(f) && e.icmpType == Frame.ICMP_ECHO_REPLY && e.icmpSeq == seq;
                });
                assertNotNull(p, "no reply to the request sent on queue " + txq + "; other frames: " + peer.skipped());
                assertTrue(p.rxQueue == 0 || p.rxQueue == 1, "rxQueue " + p.rxQueue);
                p.release();
            }
        }
    }

    @Test
    void kernelSpreadsFlowsOverBothQueues() {
        NetNs.assumeCommand("socat", "socat");
        int flows = 16;
        try (PacketPool pool = new PacketPool(64); KernelPeer peer = KernelPeer.open(pool, 2, 64)) {
            peer.teachNeighbour();
            // Sixteen datagrams, each from its own socket (so its own source port): sixteen flows, which
            // the kernel spreads over the queues by flow hash. All on one queue has odds 2^-15.
            peer.exec(Duration.ofSeconds(10), "sh", "-c", "for i in $(seq " + flows + "); do"
                    + " echo x | socat -t 0 - UDP:" + KernelPeer.STACK_IP + ":9; done").orFail();
            Await.until(WAIT, () -> peer.nic().stats().get("rx-frames") == flows, peer.nic().stats()::toString);
            int[] perQueue = new int[2];
            Packet[] out = new Packet[flows];
            for (int q = 0; q < 2; q++) {
                int n = peer.nic().receive(q, out, out.length);
                for (int i = 0; i < n; i++) {
                    assertEquals(q, out[i].rxQueue, "frame stamped with another queue than the one it came from");
                    assertTrue(isUdp(out[i]), Decoded.of(out[i]).toString());
                    out[i].release();
                }
                perQueue[q] = n;
            }
            assertEquals(flows, perQueue[0] + perQueue[1]);
            assertTrue(perQueue[0] > 0 && perQueue[1] > 0, "per queue: " + perQueue[0] + ", " + perQueue[1]);
        }
    }

    @Test
    void kernelIfaceIsRemovedAndReadersStopOnClose() {
        Thread[] readers;
        String ifname;
        try (PacketPool pool = new PacketPool(64); KernelPeer peer = KernelPeer.open(pool, 2, 64)) {
            ifname = peer.ifname();
            readers = readerThreads(ifname);
            assertEquals(2, readers.length, "one reader thread per queue");
            long start = System.nanoTime();
            peer.nic().close();
            long tookMillis = (System.nanoTime() - start) / 1_000_000;
            for (Thread t : readers) assertTrue(!t.isAlive(), t.getName() + " still runs after close");
            assertTrue(tookMillis < 1000, "close took " + tookMillis + " ms");
            // The last file closed takes the non-persistent interface with it, even inside the namespace.
            Shell.Result show = peer.ns().ip("link", "show", "dev", ifname);
            assertTrue(!show.ok(), "interface survived close: " + show.stdout());
            assertTrue(!peer.send(new byte[60]), "transmit after close must be refused");
            assertEquals(1, peer.nic().drops().get(io.flexnet.packet.DropReason.SHUTDOWN));
            assertEquals(0, pool.inUse());
            peer.nic().close();  // idempotent
        }
        assertTrue(!Files.exists(Path.of("/sys/class/net/" + ifname)));
    }

    static Thread[] readerThreads(String ifname) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("tap-" + ifname + "-rx"))
                .toArray(Thread[]::new);
    }

    /** A whole ICMP echo request or reply in IPv4. */
    private static boolean isEcho(Packet p) {
        Decoded d = Decoded.of(p);
        return d.icmp && !d.truncated && (d.icmpType == Frame.ICMP_ECHO_REPLY || d.icmpType == Frame.ICMP_ECHO_REQUEST);
    }

    /** A whole UDP datagram in IPv4, its length field inside the IP packet. */
    private static boolean isUdp(Packet p) {
        Decoded d = Decoded.of(p);
        return d.udp && !d.truncated && d.udpLength >= 8 && d.udpLength <= d.ipTotalLength - d.ipHeaderLength;
    }
}
